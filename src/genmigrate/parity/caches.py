"""Where the bytecode of the code a parity run imports goes: never into the user's tree.

A run on the user's own tree (`genmigrate parity PATH`, the generated tests in CI) keeps its
bytecode, pytest's assertion-rewrite cache included (pytest writes it under `sys.pycache_prefix`
when one is set), in `GENMIGRATE_CACHE_DIR` (default `$XDG_CACHE_HOME/genmigrate`, else
`~/.cache/genmigrate`), under `pycache/`. A run on scratch copies (`diff`, `apply`) writes no
bytecode at all: their paths are new every time, so a cache of them would only grow.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "GENMIGRATE_CACHE_DIR"


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "genmigrate"


def bytecode_environment(tree: Path | None) -> dict[str, str]:
    """The variables of a process that imports code from `tree` (None: from scratch copies only)."""
    if tree is not None:
        prefix = cache_dir() / "pycache"
        if not prefix.resolve().is_relative_to(tree.resolve()):
            return {"PYTHONPYCACHEPREFIX": str(prefix)}
    return {"PYTHONDONTWRITEBYTECODE": "1"}
