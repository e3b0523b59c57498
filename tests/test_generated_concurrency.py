"""Threads and asyncio against one manager: one instance per key, consistent breaker counts."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from servers import wire
from servers.harness import Recorder, manager, pkg, servers

pytestmark = pytest.mark.unit

__all__ = ["pkg", "servers"]  # fixtures used by the tests below


def test_one_instance_per_provider_and_settings_under_contention(pkg: Any, servers: Any) -> None:
    built: list[int] = []
    base = pkg.base

    class Slow(base.BaseGenerator):
        provider = "slow"

        def __init__(self, **settings: Any) -> None:
            time.sleep(0.02)  # widen the window a racy factory would lose
            built.append(id(self))
            self.settings = settings

    m = manager(pkg, servers, Recorder())
    m.register("slow", Slow)
    barrier = threading.Barrier(16)

    def get(i: int) -> Any:
        barrier.wait()
        return m.get("slow", region="a" if i % 2 else "b")

    with ThreadPoolExecutor(16) as pool:
        instances = list(pool.map(get, range(16)))
    assert len(built) == 2 and len({id(i) for i in instances}) == 2
    assert {i.settings["region"] for i in instances} == {"a", "b"}


def test_threaded_calls_through_one_shared_client(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())

    def call(i: int) -> str:
        return m.generate(f"n{i}", model="gpt-4o").text

    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(call, range(32)))
    assert texts == [f"echo: n{i}" for i in range(32)]
    assert len(servers.openai.hits("/v1/chat")) == 32


def test_breaker_counts_every_concurrent_failure_once(pkg: Any, servers: Any) -> None:
    r = pkg._resilience
    failure = wire.openai_error(503, "server_error")
    servers.openai.queue("/v1/chat/completions", *[failure] * 20)
    m = manager(
        pkg,
        servers,
        Recorder(),
        overrides={"openai": {"max_retries": 0}},  # no manager retries, and no SDK retries either
        retry=r.NO_RETRY,
        breaker=r.BreakerSettings(failure_threshold=1000),
    )

    def call(i: int) -> str:
        try:
            m.generate("x", provider="openai", model="gpt-4o")
        except pkg.base.UnavailableError:
            return "failed"
        return "ok"

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(call, range(20)))
    assert outcomes.count("failed") == 20
    assert m.breaker("openai", "gpt-4o").failures == 20


def test_asyncio_gather_of_generations_and_streams(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())

    async def stream_text(i: int) -> str:
        return "".join([c.delta async for c in m.astream(f"s{i} t{i}", model="gpt-4o")])

    async def main() -> tuple[list[Any], list[str]]:
        results = await asyncio.gather(*(m.agenerate(f"a{i}", model="gpt-4o") for i in range(10)))
        streams = await asyncio.gather(*(stream_text(i) for i in range(5)))
        return list(results), list(streams)

    results, streams = asyncio.run(main())
    assert [r.text for r in results] == [f"echo: a{i}" for i in range(10)]
    assert streams == [f"s{i}t{i}" for i in range(5)]
