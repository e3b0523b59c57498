"""What one run has read and parsed, so that no stage pays twice for the same file.

Inside `shared()` (one migration run), file reads are kept per path and the pure per-file steps
(`ast` and LibCST parses, the analysis of a candidate) per `(step, path, bytes)`: the second pass
of the idempotency check then only works on the files the first pass rendered, and every other
file costs a dictionary look-up. Outside `shared()` nothing is kept and every call computes.

Nothing is written during a run, so a file read once keeps its bytes for the whole run (a
consistent snapshot even if the user edits the tree meanwhile).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import libcst as cst

T = TypeVar("T")


@dataclass
class RunCache:
    reads: dict[Path, bytes | None] = field(default_factory=dict)
    results: dict[Hashable, Any] = field(default_factory=dict)  # (step, *inputs) -> result or raised error
    computed: dict[str, int] = field(default_factory=dict)  # step -> how often it really ran (benches, tests)


_current: ContextVar[RunCache | None] = ContextVar("genmigrate_run_cache", default=None)


@contextmanager
def shared() -> Iterator[RunCache]:
    """Keep reads and parses for the duration of the block (nested blocks share the outer cache)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    cache = RunCache()
    token = _current.set(cache)
    try:
        yield cache
    finally:
        _current.reset(token)


def memo(step: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per `(step, key)` in the current run; an exception it raised is raised again."""
    cache = _current.get()
    if cache is None:
        return compute()
    slot = (step, key)
    if slot not in cache.results:
        cache.computed[step] = cache.computed.get(step, 0) + 1
        try:
            cache.results[slot] = (True, compute())
        except (SyntaxError, ValueError, LookupError, cst.ParserSyntaxError) as exc:
            cache.results[slot] = (False, exc)
    ok, value = cache.results[slot]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def read(path: Path) -> bytes | None:
    """The bytes of the regular file at `path` (None when it is none), read once per run."""
    cache = _current.get()
    if cache is not None and path in cache.reads:
        return cache.reads[path]
    data = path.read_bytes() if path.is_file() else None
    if cache is not None:
        cache.reads[path] = data
    return data


def parse_ast(path: str, data: bytes) -> ast.Module:
    return memo("ast", (path, data), lambda: ast.parse(data, filename=path))


def parse_cst(path: str, source: str | bytes) -> cst.Module:
    """LibCST parse of `source` (text, or bytes honouring an encoding cookie); never mutate the result."""
    return memo("cst", (path, source), lambda: cst.parse_module(source))
