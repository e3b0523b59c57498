"""A read-only view of the target repo, optionally with pending changes laid over it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from genmigrate.sourcefile import SourceText


@dataclass(frozen=True)
class Tree:
    root: Path
    overlay: Mapping[str, bytes] = field(default_factory=dict)  # posix relative path -> new bytes

    def read(self, rel: str) -> bytes | None:
        if rel in self.overlay:
            return self.overlay[rel]
        path = self.root / rel
        return path.read_bytes() if path.is_file() else None

    def exists(self, rel: str) -> bool:
        return rel in self.overlay or (self.root / rel).is_file()

    def is_dir(self, rel: str) -> bool:
        """`rel` is a folder of the repo (or of the pending changes)."""
        prefix = rel.rstrip("/") + "/"
        return (self.root / rel).is_dir() or any(key.startswith(prefix) for key in self.overlay)

    def source(self, rel: str) -> SourceText:
        data = self.read(rel)
        if data is None:
            raise FileNotFoundError(rel)
        return SourceText.from_bytes(data, python=rel.endswith(".py"))


def linked_component(root: Path, rel: str) -> str | None:
    """The first component of `rel` (posix, under `root`) that is a symbolic link, as a posix path
    relative to `root`; None when no component is. Writing there would write through the link."""
    current = root
    parts = rel.split("/")
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            return "/".join(parts[: index + 1])
        if not current.exists():
            return None
    return None


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every link resolved, lies under `root` (also resolved)."""
    return path.resolve().is_relative_to(root.resolve())
