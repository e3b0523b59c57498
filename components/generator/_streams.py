# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Stream commitment: a stream belongs to a provider once its first chunk arrived.

`prime` pulls the first chunk inside the retry/fallback loop, so a failure before it is
retried or falls back; `follow` yields the rest and maps mid-stream failures to unified
errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from ._errors import classify
from ._hooks import CallContext, Hooks
from ._resilience import BreakerBoard
from ._types import StreamChunk


@dataclass
class PrimedStream:
    context: CallContext
    first: StreamChunk | None  # None: the provider ended the stream without any chunk
    rest: Any  # the iterator (sync or async) positioned after `first`


def prime(context: CallContext, stream: Iterator[StreamChunk]) -> PrimedStream:
    iterator = iter(stream)
    return PrimedStream(context, next(iterator, None), iterator)


async def aprime(
    context: CallContext, stream: AsyncIterator[StreamChunk]
) -> PrimedStream:
    iterator = aiter(stream)
    return PrimedStream(context, await anext(iterator, None), iterator)


def follow(
    primed: PrimedStream, hooks: Hooks, breakers: BreakerBoard
) -> Iterator[StreamChunk]:
    ctx = primed.context
    try:
        if primed.first is None:
            return
        hooks.emit("chunk", ctx, primed.first)
        yield primed.first
        for chunk in primed.rest:
            hooks.emit("chunk", ctx, chunk)
            yield chunk
    except Exception as exc:
        raise _failed(ctx, exc, hooks, breakers) from exc
    finally:
        close = getattr(primed.rest, "close", None)
        if close is not None:
            close()


async def afollow(
    primed: PrimedStream, hooks: Hooks, breakers: BreakerBoard
) -> AsyncIterator[StreamChunk]:
    ctx = primed.context
    try:
        if primed.first is None:
            return
        hooks.emit("chunk", ctx, primed.first)
        yield primed.first
        async for chunk in primed.rest:
            hooks.emit("chunk", ctx, chunk)
            yield chunk
    except Exception as exc:
        raise _failed(ctx, exc, hooks, breakers) from exc
    finally:
        aclose = getattr(primed.rest, "aclose", None)
        if aclose is not None:
            await aclose()


def _failed(
    ctx: CallContext, exc: Exception, hooks: Hooks, breakers: BreakerBoard
) -> Exception:
    """Map, count and report a mid-stream failure; the original stays the mapped error's
    cause."""
    error = classify(exc, ctx.provider)
    breakers.get(ctx.provider, ctx.model).record_failure(error)
    hooks.emit("error", ctx, error)
    return error
