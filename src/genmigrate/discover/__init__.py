"""Discovery: find the legacy client modules of a repository and everything that depends on them.

`discover()` lists files, prefilters their bytes, confirms candidates with `ast`, analyses client
modules on the same tree and collects dependents and hazards into a `ScanResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from genmigrate.config import Config
from genmigrate.discover.pipeline import run
from genmigrate.model import ScanResult

__all__ = ["discover"]


def discover(
    root: Path,
    config: Config,
    overlay: Mapping[str, bytes] | None = None,
    on_libraries: Callable[[list[str]], None] | None = None,
) -> ScanResult:
    """Scan `root` as if every `overlay` file (posix relative path -> bytes) had been written.

    `on_libraries` is told early (before the costly analysis) what the candidate client modules import."""
    return run(root, config, overlay, on_libraries)
