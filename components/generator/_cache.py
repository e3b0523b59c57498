# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Opt-in response cache for non-streamed generations.

`CacheBackend` is what the manager needs from a cache; `ResponseCache` (in-process,
TTL and LRU) is the default one; any object with the same `get` and `put` can replace
it, for instance `RedisCache` (`_redis_cache.py`), which processes share. A backend
that also has `aget` and `aput` (coroutines, as `RedisCache` has) is awaited on the
async paths; otherwise they call `get` and `put`. `CachedCalls` is the wrapper the
manager puts around a generation when a cache is configured.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ._types import GenerationRequest, GenerationResult

V = TypeVar("V")


class CacheBackend(Protocol[V]):
    """Keys are `(provider, request digest)` tuples; `get` returns None on a miss."""

    def get(self, key: tuple[str, str]) -> V | None: ...

    def put(self, key: tuple[str, str], value: V) -> None: ...


class ResponseCache(Generic[V]):
    def __init__(
        self,
        max_entries: int = 256,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or ttl <= 0:
            raise ValueError("max_entries must be >= 1 and ttl > 0")
        self._max = max_entries
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None or entry[0] <= self._clock():
                self._items.pop(key, None)
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = (self._clock() + self._ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class CachedCalls:
    """Serves a generation from the cache, else computes and stores it. Keys are
    `(provider, request digest)`; with no `provider=` the manager's default provider
    is part of the key, since a shared cache (`RedisCache`) may serve managers with
    different defaults."""

    def __init__(
        self, backend: CacheBackend[GenerationResult], default: str | None
    ) -> None:
        self.backend, self._default = backend, default

    def key(self, provider: str | None, request: GenerationRequest) -> tuple[str, str]:
        return (provider or self._default or "", request.cache_key())

    def through(
        self,
        provider: str | None,
        request: GenerationRequest,
        compute: Callable[[], GenerationResult],
    ) -> GenerationResult:
        key = self.key(provider, request)
        cached = self.backend.get(key)
        if cached is not None:
            return cached
        result = compute()
        self.backend.put(key, result)
        return result

    async def athrough(
        self,
        provider: str | None,
        request: GenerationRequest,
        compute: Callable[[], Awaitable[GenerationResult]],
    ) -> GenerationResult:
        key = self.key(provider, request)
        aget: Any = getattr(self.backend, "aget", None)
        cached = await aget(key) if aget is not None else self.backend.get(key)
        if cached is not None:
            return cached
        result = await compute()
        aput: Any = getattr(self.backend, "aput", None)
        if aput is not None:
            await aput(key, result)
        else:
            self.backend.put(key, result)
        return result
