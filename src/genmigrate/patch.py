"""The whole change as one unified diff in git's format, byte-faithful so `git apply` takes it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from genmigrate.model import FileChange

NO_NEWLINE = b"\\ No newline at end of file\n"


def _lines(data: bytes) -> list[str]:
    # Split on "\n" only (str.splitlines would also split on form feeds and other separators git
    # does not treat as line ends); surrogateescape keeps undecodable bytes (latin-1 files) intact.
    text = data.decode("utf-8", "surrogateescape")
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _emit(lines: Iterable[str]) -> bytes:
    out = bytearray()
    for line in lines:
        raw = line.encode("utf-8", "surrogateescape")
        if raw.endswith(b"\n"):
            out += raw
        else:  # the last line of a file that does not end with a newline
            out += raw + b"\n" + NO_NEWLINE
    return bytes(out)


def file_diff(change: FileChange) -> bytes:
    old = _lines(change.old or b"")
    new = _lines(change.new)
    header = f"diff --git a/{change.path} b/{change.path}\n"
    if change.created:
        header += "new file mode 100644\n"
    body = difflib.unified_diff(
        old,
        new,
        fromfile="/dev/null" if change.created else f"a/{change.path}",
        tofile=f"b/{change.path}",
        n=3,
    )
    chunks = list(body)
    # difflib's file header lines end with "\n" already; the rest are content lines.
    return header.encode() + "".join(chunks[:2]).encode() + _emit(chunks[2:])


def unified_diff(changes: Sequence[FileChange]) -> bytes:
    return b"".join(file_diff(c) for c in changes)
