"""Progress of the pipeline's stages, reported to whoever listens (the command line on a terminal).

The stages call `track()` / `stage()`; with no listener installed (a pipe, a library caller, the
tests) both cost one context-variable lookup and report nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class Listener(Protocol):
    def start(self, stage: str, total: int | None) -> object:
        """Begin a stage of `total` steps (None: unknown); returns a handle for `advance`/`finish`."""

    def advance(self, handle: object, steps: int) -> None: ...

    def finish(self, handle: object) -> None: ...


_listener: ContextVar[Listener | None] = ContextVar("genmigrate_progress", default=None)
_prefix: ContextVar[str] = ContextVar("genmigrate_progress_prefix", default="")


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Report the stages run inside this block to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


@contextmanager
def labelled(prefix: str) -> Iterator[None]:
    """Stages run inside this block show as `prefix` + their name (a second pass over the output)."""
    token = _prefix.set(_prefix.get() + prefix)
    try:
        yield
    finally:
        _prefix.reset(token)


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A stage of `total` steps; yields `advance(steps)`."""
    listener = _listener.get()
    if listener is None:
        yield lambda _steps: None
        return
    handle = listener.start(_prefix.get() + name, total)
    try:
        yield lambda steps: listener.advance(handle, steps)
    finally:
        listener.finish(handle)


def track(items: Iterable[T], name: str, total: int | None = None) -> Iterator[T]:
    """Yield `items`, one step of stage `name` each."""
    if _listener.get() is None:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with stage(name, total) as advance:
        for item in items:
            yield item
            advance(1)


@contextmanager
def counting(name: str, count: Callable[[], int], every: float = 0.25) -> Iterator[None]:
    """A stage whose steps are counted by calling `count()` every `every` seconds while the block
    runs (e.g. the rows a subprocess appends to a report file)."""
    if _listener.get() is None:
        yield
        return
    with stage(name) as advance:
        done, stop = [0], threading.Event()

        def catch_up() -> None:
            now = count()
            if now > done[0]:
                advance(now - done[0])
                done[0] = now

        def poll() -> None:
            while not stop.wait(every):
                catch_up()

        poller = threading.Thread(target=poll, name="genmigrate-progress", daemon=True)
        poller.start()
        try:
            yield
        finally:
            stop.set()
            poller.join()
            catch_up()
