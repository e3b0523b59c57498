"""Read and write source text without losing its encoding, byte-order mark or line endings."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, line endings untouched
    encoding: str
    bom: bool

    @classmethod
    def from_bytes(cls, data: bytes, python: bool = True) -> SourceText:
        bom = data.startswith(codecs.BOM_UTF8)
        body = data[len(codecs.BOM_UTF8) :] if bom else data
        encoding = "utf-8"
        if python and not bom:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(body).readline)
            if encoding == "utf-8-sig":
                encoding = "utf-8"
        return cls(text=body.decode(encoding), encoding=encoding, bom=bom)

    @classmethod
    def read(cls, path: Path) -> SourceText:
        return cls.from_bytes(path.read_bytes(), python=path.suffix == ".py")

    def with_text(self, text: str) -> SourceText:
        return replace(self, text=text)

    def encode(self) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + self.text.encode(self.encoding)
