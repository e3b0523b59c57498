# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Sync <-> async bridges used by BaseGenerator's default methods.

Sync-from-async must also work when the caller already runs an event loop (a notebook,
an async web handler calling sync code): the coroutine then runs on a private loop in a
worker thread. A stream is always created and consumed on one loop, and a sync stream on
one thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

# asyncio and concurrent.futures cost more to import than this whole package, and code
# that never goes async never needs them: each function imports them on first use.
if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")
_DONE = object()


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run the awaitable built by `make` to completion from synchronous code."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def main() -> T:
        return await make()

    if not _loop_running():
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def iterate_sync(make: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
    """Consume an async iterator from sync code on a private loop owned by one worker
    thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.new_event_loop()
    pool = ThreadPoolExecutor(max_workers=1)

    def step(awaitable: Awaitable[Any]) -> Any:
        return pool.submit(loop.run_until_complete, awaitable).result()

    async def create() -> AsyncIterator[T]:
        return make()

    stream = None
    try:
        stream = step(create())
        while True:
            try:
                item = step(stream.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        _close_loop(loop, pool, stream, step)


def _close_loop(
    loop: asyncio.AbstractEventLoop,
    pool: ThreadPoolExecutor,
    stream: Any,
    step: Callable[[Awaitable[Any]], Any],
) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        step(aclose())
    step(loop.shutdown_asyncgens())
    pool.submit(loop.close).result()
    pool.shutdown()


async def iterate_async(make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """Consume a sync iterator from async code; every `next` runs on one dedicated
    thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        stream = await loop.run_in_executor(pool, make)
        try:
            while True:
                item = await loop.run_in_executor(pool, next, stream, _DONE)
                if item is _DONE:
                    return
                yield cast(T, item)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                await loop.run_in_executor(pool, close)
    finally:
        pool.shutdown(wait=False)


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """`asyncio.to_thread`, imported on first use."""
    import asyncio

    return await asyncio.to_thread(function, *args)


async def sleep(seconds: float) -> None:
    """`asyncio.sleep`, imported on first use."""
    import asyncio

    await asyncio.sleep(seconds)
