"""Read a listed file, through the overlay when one is given, and spot generated output."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from genmigrate.model import GENERATED_MARKER


class Reader:
    """Bytes of files under `root`, with `overlay` (posix relative path -> bytes) taking precedence."""

    def __init__(self, root: Path, overlay: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self.overlay = dict(overlay or {})

    def read(self, path: str) -> bytes:
        if path in self.overlay:
            return self.overlay[path]
        return (self.root / path).read_bytes()


def is_generated(data: bytes) -> bool:
    """The generated-output marker appears within the first five lines."""
    head = data.split(b"\n", 5)[:5]
    marker = GENERATED_MARKER.encode()
    return any(marker in line for line in head)
