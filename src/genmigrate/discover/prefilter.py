"""Cheap byte-level filters run on every listed file before anything is parsed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from genmigrate.discover.dynimport import IMPORT_HELPERS
from genmigrate.discover.providers import CATALOGUE, SDK_MODULES

HTTP_MODULES = frozenset({"requests", "aiohttp", "httpx", "httpx2", "urllib3"})

_SDK_ALT = "|".join(sorted((re.escape(m) for m in SDK_MODULES), key=len, reverse=True))
_WORD_ALT = "|".join(sorted({re.escape(m.replace(".", "_")) for m in SDK_MODULES}
                            | {re.escape(p.name) for p in CATALOGUE if p.sdks}, key=len, reverse=True))
_HELPER_ALT = "|".join(sorted(IMPORT_HELPERS, key=len, reverse=True))
# An SDK import line, matched from the start of a line (`_import_lines` finds the candidates) ...
_IMPORT_LINE = re.compile(
    rb"[ \t]*(?:import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+)?[ \t]*,[ \t]*)*|from[ \t]+)(?:" + _SDK_ALT.encode() + rb")\b"
)
# ... or an import-helper call naming an SDK, searched only in files that name a helper.
_IMPORT_CALL = re.compile(
    rb"\b(?:" + _HELPER_ALT.encode() + rb")\(\s*(?:['\"](?:" + _SDK_ALT.encode()
    + rb")\b|(?i:[\w.]*\b(?:" + _WORD_ALT.encode() + rb")\b))"
)
_HELPER_WORDS = tuple(sorted(h.encode() for h in IMPORT_HELPERS))
_HTTP_IMPORT = re.compile(
    rb"[ \t]*(?:import|from)[ \t]+(?:" + "|".join(sorted(HTTP_MODULES, key=len, reverse=True)).encode() + rb")\b"
)


def _import_lines(data: bytes) -> Iterator[int]:
    """Where each line that starts, after blanks, with `import` or `from` begins: found with
    `bytes.find`, much faster than a line-anchored regex over the whole file."""
    for keyword in (b"import", b"from"):
        at = data.find(keyword)
        while at >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            if not data[start:at].strip(b" \t"):
                yield start
            at = data.find(keyword, at + len(keyword))


def _has_import_line(pattern: re.Pattern[bytes], data: bytes) -> bool:
    return any(pattern.match(data, start) for start in _import_lines(data))


# Substring gates, checked with `bytes.__contains__` (much faster than a regex alternation): provider
# names looked for in the lower-cased bytes, and the SDK package names as written.
_PROVIDER_WORDS = tuple(sorted({t.encode() for p in CATALOGUE for t in p.tokens}
                               | {b"boto", b"aliyuncs", b":11434", b"api.x.ai"}))
_SDK_WORDS = tuple(sorted({w.split(".")[0].encode() for w in SDK_MODULES} - set(_PROVIDER_WORDS)))


class Hit(Enum):
    """Why a file became a candidate: a real-looking SDK import line, or only a provider name."""

    IMPORT = "import"
    NAME = "name"


def classify(data: bytes) -> Hit | None:
    data = data.removeprefix(b"\xef\xbb\xbf")  # a BOM would hide an import on the first line
    lowered = data.lower()
    named = any(word in lowered for word in _PROVIDER_WORDS)
    if not named and not any(word in data for word in _SDK_WORDS):
        return None
    if _has_import_line(_IMPORT_LINE, data) or (
        any(word in data for word in _HELPER_WORDS) and _IMPORT_CALL.search(data)
    ):
        return Hit.IMPORT
    return Hit.NAME if named else None


@dataclass(frozen=True)
class Words:
    """Finds any of some words as whole identifiers (dots allowed inside a word) in bytes."""

    pattern: re.Pattern[bytes]
    # Substrings one of which every match contains: tested first, much faster than the regex over
    # most files; left empty when there are so many that testing each costs more than the regex.
    gate: tuple[bytes, ...]

    def search(self, data: bytes) -> bool:
        if self.gate and not any(word in data for word in self.gate):
            return False
        return self.pattern.search(data) is not None


_GATE_WORDS = 32


def words_pattern(words: Iterable[str]) -> Words | None:
    """A search for any of `words` as whole identifiers; None when there are none."""
    unique = sorted(set(words), key=len, reverse=True)
    if not unique:
        return None
    alternation = b"|".join(re.escape(w.encode()) for w in unique)
    pattern = re.compile(rb"(?<![\w])(?:" + alternation + rb")(?![\w])")
    encoded = [w.encode() for w in unique]
    gate = tuple(w for i, w in enumerate(encoded) if not any(other in w for other in encoded[i + 1 :]))
    return Words(pattern, gate if len(gate) <= _GATE_WORDS else ())


def imports_http_client(data: bytes) -> bool:
    """An import line of requests/aiohttp/httpx/...: the only way a file without an SDK import can be a client."""
    return _has_import_line(_HTTP_IMPORT, data.removeprefix(b"\xef\xbb\xbf"))
