# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""`RedisCache`: a `CacheBackend` that several app processes share through Redis.

    from .generator_manager import GeneratorManager, RedisCache

    manager = GeneratorManager(cache=RedisCache("redis://localhost:6379/0", ttl=600))

The async paths of the manager (`agenerate`) use `aget`/`aput`, which talk to Redis
through `redis.asyncio` on the running event loop (one connection pool per loop, made
on first use), so a cache lookup never blocks the loop. The `redis` package is imported
when a `RedisCache` is built, never before. Entries
expire through Redis itself (`ttl` seconds), live under `prefix` and are stored as JSON
(never pickle); `raw`, the provider's own reply object, is not stored, so a hit has
`raw=None`. An error from Redis (down, timed out, unreadable entry) is a cache miss:
the call goes to the provider as if there were no cache, and the first error of an
outage is logged as a warning (the rest at debug level until Redis answers again).
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from dataclasses import astuple
from importlib import import_module
from typing import Any, Protocol

from ._types import GenerationResult, ToolCall, Usage

_log = logging.getLogger(__name__)
FORMAT = 1  # bumped when the stored JSON changes: older entries are then misses


class RedisClient(Protocol):
    """The two commands used; a `redis.Redis` (or a client of your own) has them."""

    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: str, *, px: int) -> Any: ...


class AsyncRedisClient(Protocol):
    """The same two commands as coroutines; a `redis.asyncio.Redis` has them."""

    async def get(self, name: str) -> Any: ...

    async def set(self, name: str, value: str, *, px: int) -> Any: ...


class RedisCache:
    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        ttl: float = 300.0,
        prefix: str = "generator:",
        timeout: float = 1.0,
        client: RedisClient | None = None,
        async_client: AsyncRedisClient | None = None,
    ) -> None:
        """`client` and `async_client` replace the connections made from `url` (e.g.
        shared pools); with a `client` but no `async_client` the async paths use
        `client`. `timeout` bounds each Redis command, in seconds."""
        if ttl <= 0 or timeout <= 0:
            raise ValueError("ttl and timeout must be > 0")
        self._client = client if client is not None else _connect(url, timeout)
        self._url = url if client is None else None
        self._timeout = timeout
        self._async_client = async_client
        self._loop_clients: weakref.WeakKeyDictionary[Any, AsyncRedisClient] = (
            weakref.WeakKeyDictionary()
        )
        self._ttl_ms = max(1, round(ttl * 1000))
        self._prefix = prefix
        self._lock = threading.Lock()
        self._failing = False
        self.hits = 0
        self.misses = 0
        self.errors = 0

    def get(self, key: tuple[str, str]) -> GenerationResult | None:
        try:
            stored = self._client.get(self._name(key))
        except Exception as exc:  # a cache never fails the call: a miss
            return self._read_failed(exc)
        return self._read(stored)

    def put(self, key: tuple[str, str], value: GenerationResult) -> None:
        try:
            self._client.set(self._name(key), result_to_json(value), px=self._ttl_ms)
        except Exception as exc:  # the result is still returned to the caller
            self._degraded("write", exc)
            return
        self._answered()

    async def aget(self, key: tuple[str, str]) -> GenerationResult | None:
        try:
            client = self._async()
            if client is None:
                return self.get(key)
            stored = await client.get(self._name(key))
        except Exception as exc:
            return self._read_failed(exc)
        return self._read(stored)

    async def aput(self, key: tuple[str, str], value: GenerationResult) -> None:
        try:
            client = self._async()
            if client is None:
                self.put(key, value)
                return
            await client.set(self._name(key), result_to_json(value), px=self._ttl_ms)
        except Exception as exc:
            self._degraded("write", exc)
            return
        self._answered()

    def _async(self) -> AsyncRedisClient | None:
        """The async client for the running event loop (None: use the sync one)."""
        if self._async_client is not None or self._url is None:
            return self._async_client
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._loop_clients.get(loop)
            if client is None:
                client = _connect_async(self._url, self._timeout)
                self._loop_clients[loop] = client
            return client

    def _read(self, stored: Any) -> GenerationResult | None:
        try:
            result = None if stored is None else result_from_json(stored)
        except Exception as exc:  # an unreadable entry is a miss too
            return self._read_failed(exc)
        self._count(hit=result is not None)
        return result

    def _read_failed(self, exc: Exception) -> GenerationResult | None:
        """A read that failed is a miss."""
        self._degraded("read", exc)
        return None

    def _answered(self) -> None:
        with self._lock:
            self._failing = False

    def _name(self, key: tuple[str, str]) -> str:
        provider, digest = key
        return f"{self._prefix}{provider}:{digest}"

    def _count(self, *, hit: bool) -> None:
        with self._lock:
            self._failing = False
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def _degraded(self, action: str, exc: Exception) -> None:
        with self._lock:
            self.errors += 1
            if action == "read":
                self.misses += 1
            first, self._failing = not self._failing, True
        level = logging.WARNING if first else logging.DEBUG
        _log.log(level, "Redis cache %s failed, treated as a miss: %r", action, exc)


def _connect(url: str, timeout: float) -> RedisClient:
    try:
        redis = import_module("redis")
    except ImportError as exc:
        raise ImportError("RedisCache needs the redis package") from exc
    client: RedisClient = redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    return client


def _connect_async(url: str, timeout: float) -> AsyncRedisClient:
    asyncio_redis = import_module("redis.asyncio")
    client: AsyncRedisClient = asyncio_redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    return client


def result_to_json(result: GenerationResult) -> str:
    usage = None if result.usage is None else astuple(result.usage)
    return json.dumps(
        {
            "format": FORMAT,
            "text": result.text,
            "provider": result.provider,
            "model": result.model,
            "tool_calls": [[c.id, c.name, c.arguments] for c in result.tool_calls],
            "finish_reason": result.finish_reason,
            "usage": usage,
            "request_id": result.request_id,
        }
    )


def result_from_json(stored: str | bytes) -> GenerationResult | None:
    """None for an entry written in another format."""
    data = json.loads(stored)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    usage = data["usage"]
    return GenerationResult(
        text=data["text"],
        provider=data["provider"],
        model=data["model"],
        tool_calls=tuple(ToolCall(*c) for c in data["tool_calls"]),
        finish_reason=data["finish_reason"],
        usage=None if usage is None else Usage(*usage),
        request_id=data["request_id"],
    )
