# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""`ManagerConfig`: everything a `GeneratorManager` is built from, in one object.

    manager = GeneratorManager(ManagerConfig(default_provider="azure", timeout=30.0))
    manager = GeneratorManager(default_provider="azure")  # keywords override fields

Reading the OS keyring and discovering providers from installed packages' entry points
are off by default; turn each on with its one setting (`use_keyring=True`,
`entry_points=True`).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._bridge import sleep as _async_sleep

if TYPE_CHECKING:
    from ._cache import CacheBackend
    from ._errors import GeneratorError
    from ._hooks import Hooks
    from ._models import ModelRegistry
    from ._resilience import BreakerSettings, RetryPolicy
    from ._types import GenerationResult

# Seconds one call may take in all, across its retries and fallbacks (None: no
# deadline).
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class ManagerConfig:
    """`settings`: explicit per-provider client kwargs; they beat `config_file` (.json
    or .toml, `{"providers": {...}}`), which beats `GENERATOR_<PROVIDER>_<OPTION>`
    variables in `environ` (default `os.environ`), which beat the keyring (only with
    `use_keyring`).

    `retry=None` lets legacy code that retries by itself keep doing so (see
    generator_manager); `fallback_on` defaults to `DEFAULT_FALLBACK_ON`, `breaker` to
    `BreakerSettings()`. `timeout` is the default deadline of one call, overridden per
    call by `timeout=`. `sleep`, `asleep`, `clock` and `rng` are the manager's waits,
    time and jitter (tests pin them).
    """

    default_provider: str | None = None
    settings: Mapping[str, Mapping[str, Any]] | None = None
    config_file: str | os.PathLike[str] | None = None
    environ: Mapping[str, str] | None = None
    use_keyring: bool = False
    entry_points: bool = False
    models: ModelRegistry | None = None
    retry: RetryPolicy | None = None
    fallbacks: Mapping[str, Sequence[str]] | None = None
    fallback_on: tuple[type[GeneratorError], ...] | None = None
    breaker: BreakerSettings | None = None
    cache: CacheBackend[GenerationResult] | None = None
    hooks: Hooks | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] = _async_sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random | None = None
