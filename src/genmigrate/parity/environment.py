"""A controlled process environment for one scenario: planted fake secrets, recorded reads,
no real credentials, retry sleeps recorded instead of slept, seeded randomness."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import importlib
import logging
import os
import random
import re
import sys
import sysconfig
import time
import types
from collections.abc import Callable, ItemsView, Iterator, Mapping, MutableMapping, ValuesView
from typing import Any
from unittest import mock

from genmigrate.parity.trace import SECRET_PREFIX, redact

# Non-secret settings the provider SDKs need to build a client offline.
PLANTED: dict[str, str] = {
    "AZURE_OPENAI_ENDPOINT": "https://parity.openai.azure.com",
    "AZURE_OPENAI_VERSION": "2024-02-01",
    "OPENAI_API_VERSION": "2024-02-01",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION_NAME": "us-east-1",
    "OLLAMA_HOST": "http://ollama.parity.invalid:11434",
    "OPENAI_BASE_URL": "https://openai.parity.invalid/v1",
    "ANTHROPIC_BASE_URL": "https://anthropic.parity.invalid",
    "DASHSCOPE_WORKSPACE_ID": "ws-parity",
    "OPENROUTER_BASE_URL": "https://openrouter.ai/api/v1",
}
PLANTED_SECRETS = (
    "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DASHSCOPE_API_KEY", "OPENROUTER_API_KEY",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_API_KEY", "GROQ_API_KEY",
    "MISTRAL_API_KEY", "DEEPSEEK_API_KEY", "TOGETHER_API_KEY", "XAI_API_KEY", "COHERE_API_KEY", "FIREWORKS_API_KEY",
)
# The only host variables a run sees: the rest (credentials, proxies, settings other tests or the
# CI set) would make a trace depend on where and after what it runs.
_KEPT = re.compile(r"^(PATH|HOME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|WINDIR|PATHEXT|COMSPEC|"
                   r"TIKTOKEN_CACHE_DIR|PYTHONDONTWRITEBYTECODE)$")
_ISOLATION = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
              "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "*"}
_DYNAMIC_SECRET = re.compile(r"^(?!AWS_)[A-Z0-9_]+_API_KEY$")


_LIBRARY_ROOTS = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
                       | {os.path.realpath(p) for p in sysconfig.get_paths().values()}
                       | {os.path.dirname(os.path.dirname(os.path.realpath(__file__)))})
_INSTALLED = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def is_library_file(path: str) -> bool:
    """The standard library, an installed package or genmigrate: not the code under test (a
    virtualenv whose packages live elsewhere, through a symlink, still counts as installed)."""
    real = os.path.realpath(path)
    return real.startswith(_LIBRARY_ROOTS) or any(part in real for part in _INSTALLED)


def _library_import_in_progress() -> bool:
    """Whether the caller runs inside a library module's import (its top-level code).

    Which libraries a scenario imports itself, rather than finding them loaded already, depends
    on what ran before it: the variables they read at import are not the code under test's."""
    frame = sys._getframe(2)
    while frame is not None:
        spec = frame.f_globals.get("__spec__")
        if frame.f_code.co_name == "<module>" and getattr(spec, "_initializing", False):
            return is_library_file(frame.f_code.co_filename)
        frame = frame.f_back
    return False


def secret_value(name: str) -> str:
    return SECRET_PREFIX + name


class RecordingEnviron(MutableMapping[str, str]):
    """Stands in for `os.environ`; remembers which planted names were read, and answers any
    unknown `*_API_KEY` with a planted fake secret."""

    def __init__(self, data: dict[str, str], watched: set[str], absent: set[str] | None = None) -> None:
        self._data = data
        self._watched = watched
        self._absent = absent or set()  # names a scenario removed: no planted fallback either
        self.read: set[str] = set()

    def _planted(self, key: str) -> bool:
        return key not in self._data and key not in self._absent and bool(_DYNAMIC_SECRET.match(key))

    def _note(self, key: str) -> None:
        if (key in self._watched or _DYNAMIC_SECRET.match(key)) and not _library_import_in_progress():
            self.read.add(key)

    def __getitem__(self, key: str) -> str:
        self._note(key)
        if self._planted(key):
            return secret_value(key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._note(key)
            return key in self._data or self._planted(key)
        return False

    def __setitem__(self, key: str, value: str) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)

    # Bulk views read nothing in particular: they do not count as reads of planted names.
    def items(self) -> ItemsView[str, str]:
        return self._data.items()

    def values(self) -> ValuesView[str]:
        return self._data.values()

    def copy(self) -> dict[str, str]:
        return dict(self._data)


def base_environment(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The variables a run sees; a None in `extra` removes that variable."""
    data = {k: v for k, v in os.environ.items() if _KEPT.match(k)}
    data.update(_ISOLATION)
    data.update(PLANTED)
    data.update({name: secret_value(name) for name in PLANTED_SECRETS})
    for name, value in (extra or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@contextlib.contextmanager
def planted_environment(extra: Mapping[str, str | None] | None = None) -> Iterator[RecordingEnviron]:
    data = base_environment(extra)
    absent = {name for name, value in (extra or {}).items() if value is None}
    environ = RecordingEnviron(data, set(PLANTED) | set(PLANTED_SECRETS) | set(extra or {}), absent)
    with mock.patch.object(os, "environ", environ):
        yield environ


MAX_SLEEPS = 64


class RetryStorm(RuntimeError):
    """More retry sleeps than any sane policy takes: the code under test retries forever."""


class VirtualClock:
    """Time as the code under test sees it: a fixed start plus every sleep it asked for."""

    START = datetime.datetime(2024, 1, 1, 12, 0, 0)

    def __init__(self, record: Callable[[float], None]) -> None:
        self.elapsed = 0.0
        self.count = 0
        self._record = record

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.count += 1
        if self.count > MAX_SLEEPS:
            raise RetryStorm(f"parity: more than {MAX_SLEEPS} retry sleeps")
        self.elapsed += float(seconds)
        self._record(float(seconds))

    def datetime_module(self) -> Any:
        clock = self

        class Shifted(datetime.datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return VirtualClock.START.replace(tzinfo=tz) + datetime.timedelta(seconds=clock.elapsed)

        return types.SimpleNamespace(datetime=Shifted, timedelta=datetime.timedelta)


def _sleep_patches(clock: VirtualClock) -> list[Any]:
    real_async_sleep = asyncio.sleep

    async def async_sleep(seconds: float, result: Any = None) -> Any:
        clock.sleep(seconds)
        return await real_async_sleep(0, result)

    patches = [mock.patch.object(time, "sleep", clock.sleep), mock.patch.object(asyncio, "sleep", async_sleep)]
    with contextlib.suppress(ImportError):
        import anyio

        patches.append(mock.patch.object(anyio, "sleep", async_sleep))
    for name in ("backoff._sync", "backoff._async"):
        with contextlib.suppress(ImportError):
            module = importlib.import_module(name)
            patches.append(mock.patch.object(module, "datetime", clock.datetime_module()))
    return patches


@contextlib.contextmanager
def recorded_sleeps(record: Callable[[float], None]) -> Iterator[VirtualClock]:
    """time.sleep, asyncio.sleep and anyio.sleep record positive durations and return at once;
    backoff's elapsed-time checks see a virtual clock advanced by those sleeps; random is seeded."""
    clock = VirtualClock(record)
    state = random.getstate()
    random.seed(0)
    try:
        with contextlib.ExitStack() as stack:
            for patch in _sleep_patches(clock):
                stack.enter_context(patch)
            yield clock
    finally:
        random.setstate(state)


@contextlib.contextmanager
def redacted_logs() -> Iterator[None]:
    """Whatever the code under test logs during a scenario, planted secrets come out redacted."""
    real = logging.LogRecord.getMessage

    def get_message(record: logging.LogRecord) -> str:
        return redact(real(record))

    with mock.patch.object(logging.LogRecord, "getMessage", get_message):
        yield
