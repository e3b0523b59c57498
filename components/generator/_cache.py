# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Opt-in response cache for non-streamed generations.

`CacheBackend` is what the manager needs from a cache; `ResponseCache` (in-process,
TTL and LRU) is the default one; any object with the same `get` and `put` can replace
it, for instance `RedisCache` (`_redis_cache.py`), which processes share.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar

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
