"""Read a listed file (through the overlay when one is given) and decode Python source the way Python does."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from genmigrate.model import GENERATED_MARKER


class DecodeError(Exception):
    """Source bytes that Python itself could not decode; `line` is 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as declared (PEP 263 cookie or BOM), "utf-8" by default
    newline: str  # "\r\n" when the first line ending is CRLF, else "\n"


class Reader:
    """Bytes of files under `root`, with `overlay` (posix relative path -> bytes) taking precedence."""

    def __init__(self, root: Path, overlay: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self.overlay = dict(overlay or {})

    def read(self, path: str) -> bytes:
        if path in self.overlay:
            return self.overlay[path]
        return (self.root / path).read_bytes()


def decode_python(data: bytes) -> Decoded:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(exc.msg, exc.lineno or 1) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DecodeError(f"cannot decode as {encoding}: {exc.reason}", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(text=text, encoding=encoding, newline=detect_newline(data))


def detect_newline(data: bytes) -> str:
    end = data.find(b"\n")
    return "\r\n" if end > 0 and data[end - 1 : end] == b"\r" else "\n"


def is_generated(data: bytes) -> bool:
    head = data.split(b"\n", 5)[:5]
    marker = GENERATED_MARKER.encode()
    return any(marker in line for line in head)
