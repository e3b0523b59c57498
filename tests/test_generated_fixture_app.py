"""The generated layer of the migrated fixture app, wrapping the app's own legacy clients,
driven against the loopback provider servers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from servers import wire
from servers.harness import Recorder, servers
from servers.migrated import fixture_manager, provider_module

pytestmark = pytest.mark.integration

__all__ = ["servers"]  # a fixture used by the tests below (migrated_app: conftest)

BEDROCK_CHAT = "anthropic.claude-3-5-sonnet-20240620-v1:0"
BEDROCK_EMBED = "amazon.titan-embed-text-v2:0"


@pytest.fixture()
def rec() -> Recorder:
    return Recorder()


@pytest.fixture()
def m(migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch) -> Any:
    return fixture_manager(migrated_app, servers, rec, monkeypatch)


def errors(app: Any) -> Any:
    return app.base


# -- every operation each legacy class supports -------------------------------------------------


def test_openai_generate_stream_and_embed(m: Any, servers: Any) -> None:
    result = m.generate("hello there", model="4o")
    assert (result.text, result.model, result.request_id) == (
        "echo: hello there",
        "gpt-4o",
        "chatcmpl-1",
    )
    assert (result.usage.input_tokens, result.usage.output_tokens) == (11, 7)
    chunks = list(m.stream("a b", model="gpt-4o"))
    assert "".join(c.delta for c in chunks) == "ab" and chunks[-1].usage.total_tokens == 18
    sent = [r.json() for r in servers.openai.hits("/v1/chat/completions")]
    assert sent[0]["messages"] == [{"role": "user", "content": "hello there"}]
    assert sent[1]["stream_options"] == {"include_usage": True}
    vectors = m.embed(["u", "v"], provider="openai", model="text-embedding-3-small")
    assert vectors.vectors == ((0.0, 0.5), (1.0, 0.5)) and vectors.usage.input_tokens == 2
    assert (
        type(m.get("openai").client).__module__
        == "api.components.generator.providers.openai_generator"
    )


def test_openai_async_operations_share_one_loop(m: Any) -> None:
    async def main() -> tuple[Any, list[str], Any]:
        result = await m.agenerate("x y", model="gpt-4o")
        deltas = [c.delta async for c in m.astream("p q", model="gpt-4o")]
        vectors = await m.aembed(["u"], provider="openai", model="text-embedding-3-small")
        return result, deltas, vectors

    result, deltas, vectors = asyncio.run(main())
    assert result.text == "echo: x y" and deltas == ["p", "q", ""]  # "": the final chunk
    assert vectors.vectors == ((0.0, 0.5),)


def test_azure_keeps_the_requested_model_as_its_deployment(m: Any, servers: Any) -> None:
    assert m.generate("hi", provider="azure", model="gpt-4o").text == "echo: hi"
    chunks = list(m.stream("a b", provider="azure", model="gpt-4o"))
    assert [c.delta for c in chunks if c.delta] == ["a", "b"]
    assert m.embed(["q"], provider="azure", model="text-embedding-3-small").vectors == ((0.0, 0.5),)
    paths = [r.path for r in servers.openai.requests]
    assert paths[0] == "/openai/deployments/gpt-4o/chat/completions?api-version=2024-02-01"
    assert servers.openai.requests[0].headers["api-key"] == "azure-test-key-0003"


def test_bedrock_converse_stream_async_stream_and_titan_embeddings(m: Any, servers: Any) -> None:
    result = m.generate("hi there", provider="bedrock", model=BEDROCK_CHAT)
    assert result.text == "echo: hi there" and result.usage.input_tokens == 5
    assert [c.delta for c in m.stream("a b", provider="bedrock", model=BEDROCK_CHAT)] == [
        "a ",
        "b ",
    ]

    async def main() -> list[str]:  # the legacy acall runs call in a thread: a sync generator
        return [c.delta async for c in m.astream("c d", provider="bedrock", model=BEDROCK_CHAT)]

    assert asyncio.run(main()) == ["c ", "d "]
    assert m.embed(["abc"], provider="bedrock", model=BEDROCK_EMBED).vectors == ((3.0, 1.0),)
    paths = [r.path for r in servers.bedrock.requests]
    assert paths[2].endswith("/converse-stream") and paths[-1].endswith("v2%3A0/invoke")


def test_ollama_and_openrouter_wrappers(m: Any, servers: Any) -> None:
    assert m.generate("hey", provider="ollama").text == "echo: hey"
    assert [c.delta for c in m.stream("a b", provider="ollama")] == ["a ", "b "]
    assert asyncio.run(m.agenerate("yo", provider="ollama")).text == "echo: yo"
    assert m.embed(["ab"], provider="ollama", model="nomic-embed-text").vectors == ((2.0, 2.0),)
    assert servers.ollama.hits("/api/chat")[0].json()["model"] == "qwen3:1.7b"  # legacy default
    assert m.generate("hi", provider="openrouter").text == "echo: hi"
    assert [c.delta for c in m.stream("p q", provider="openrouter")] == ["p", "q"]
    sent = servers.openai.hits("/v1/chat/completions")[0]
    assert sent.json()["model"] == "openai/gpt-4o-mini" and sent.headers["x-title"] == "WikiQA"


def test_anthropic_generate_async_and_stream(m: Any, servers: Any) -> None:
    result = m.generate("hi", provider="anthropic", max_tokens=64)
    assert result.text == "echo: hi" and result.provider == "anthropic"
    assert asyncio.run(m.agenerate("yo", provider="anthropic")).text == "echo: yo"
    assert [c.delta for c in m.stream("a b", provider="anthropic")] == ["a ", "b "]
    sent = [r.json() for r in servers.anthropic.hits("/v1/messages")]
    assert sent[0]["max_tokens"] == 64 and sent[0]["model"] == "claude-3-5-haiku-latest"
    assert sent[2]["stream"] is True
    assert servers.anthropic.requests[0].headers["x-client-name"] == "wikiqa"


# -- retries: the manager's, the legacy decorators' and the SDK's -------------------------------


def test_a_servers_retry_after_is_honoured_once_under_the_legacy_decorators_schedule(
    m: Any, servers: Any, rec: Recorder
) -> None:
    servers.openai.queue(
        "/v1/chat", wire.openai_error(429, "rate_limit_exceeded", headers={"retry-after": "2"})
    )
    assert m.generate("hi", model="gpt-4o").text == "echo: hi"
    # OpenAIClient.call's @backoff retries RateLimitError: the manager runs that schedule with
    # the SDK's retries off, waiting at least the server's retry-after (recorded, not slept)
    assert rec.sleeps == [2.0] and rec.legacy_sleeps == []
    assert rec.names() == ["request", "error", "retry", "request", "response"]
    assert len(servers.openai.hits("/v1/chat")) == 2


def test_default_policy_sends_as_many_requests_as_the_legacy_decorator(
    migrated_app: Any, m: Any, servers: Any, rec: Recorder
) -> None:
    failure = wire.openai_error(429, "rate_limit_exceeded", headers={"retry-after": "1"})
    servers.openai.queue("/openai/", *[failure] * 6)
    assert provider_module("azure").AzureOpenAIGenerator.legacy_retries is True
    with pytest.raises(errors(migrated_app).RateLimitError):
        m.generate("hi", provider="azure", model="gpt-4o")
    managed = len(servers.openai.requests)
    # the manager ran the schedule: backoff.expo under full jitter, at least the retry-after 1 s
    assert rec.legacy_sleeps == [] and len(rec.sleeps) == 2
    assert all(1.0 <= wait <= max(1.0, 2**i) for i, wait in enumerate(rec.sleeps))
    legacy = provider_module("azure").AzureAIClient(
        api_key="k", azure_endpoint=servers.openai.url, api_version="2024-02-01"
    )
    with pytest.raises(Exception, match="429") as raw:
        legacy.call({"model": "gpt-4o", "messages": []}, provider_module("azure")._ModelType.LLM)
    assert type(raw.value).__name__ == "RateLimitError"
    direct = len(servers.openai.requests) - managed
    assert managed == direct == 3  # backoff's max_tries=3, no more
    assert len(rec.legacy_sleeps) == 2  # the decorator's own waits, between its 3 tries


def test_explicit_policy_is_the_only_retry_layer(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = wire.openai_error(429, "rate_limit_exceeded", headers={"retry-after": "3"})
    servers.openai.queue("/openai/", failure)
    retry = migrated_app._resilience.RetryPolicy(max_attempts=2)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, retry=retry)
    assert m.generate("hi", provider="azure", model="gpt-4o").text == "echo: hi"
    assert rec.sleeps == [3.0] and rec.legacy_sleeps == []  # backoff is stepped past
    assert len(servers.openai.requests) == 2
    assert rec.names() == ["request", "error", "retry", "request", "response"]


# -- fallbacks and cache (the breaker: test_generated_observability.py) ------------------------


def test_fallback_from_azure_to_ollama_after_the_legacy_retries(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers.openai.queue("/openai/", *[wire.openai_error(503, "server_error")] * 3)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, fallbacks={"azure": ["ollama"]})
    result = m.generate("hi", provider="azure", model="gpt-4o")
    assert result.provider == "ollama" and result.text == "echo: hi"
    fallback = [p for e, _, p in rec.events if e == "fallback"]
    assert (
        type(fallback[0][0]).__name__ == "UnavailableError" and fallback[0][1].provider == "ollama"
    )
    assert (
        len(servers.openai.requests) == 3
        and servers.ollama.hits("/api/chat")[0].json()["model"] == "qwen3:1.7b"
    )


def test_cache_hit_skips_the_legacy_client(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = migrated_app._cache.ResponseCache(max_entries=4, ttl=60)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, cache=cache)
    assert m.generate("same", model="gpt-4o") == m.generate("same", model="gpt-4o")
    assert cache.hits == 1 and len(servers.openai.hits("/v1/chat")) == 1


# -- streams failing before and after the first chunk --------------------------------------------


def test_stream_cut_after_the_first_chunk_raises_a_mapped_error(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers.openai.queue("/v1/chat", wire.openai_stream(["a", "b", "c"], drop_after=1))
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, fallbacks={"openai": ["ollama"]})
    got: list[str] = []
    with pytest.raises(errors(migrated_app).ConnectionError):
        for chunk in m.stream("a b c", model="gpt-4o"):
            got.append(chunk.delta)
    assert got == ["a"] and servers.ollama.requests == [] and "fallback" not in rec.names()


def test_stream_cut_before_the_first_chunk_falls_back(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers.openai.queue("/v1/chat", wire.openai_stream(["a"], drop_after=0))
    m = fixture_manager(
        migrated_app, servers, rec, monkeypatch, fallbacks={"openai": [f"bedrock:{BEDROCK_CHAT}"]}
    )
    chunks = list(m.stream("x y", model="gpt-4o"))
    assert [c.delta for c in chunks] == ["x ", "y "] and "fallback" in rec.names()
    assert servers.bedrock.requests[0].path.endswith("/converse-stream")


# -- concurrency ----------------------------------------------------------------------------------


def test_threads_share_one_instance_per_provider(m: Any, servers: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def call(i: int) -> str:
        provider, model = ("openai", "gpt-4o") if i % 2 else ("bedrock", BEDROCK_CHAT)
        return m.generate(f"n{i}", provider=provider, model=model).text

    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(call, range(24)))
    assert texts == [f"echo: n{i}" for i in range(24)]
    assert len(servers.openai.requests) == 12 and len(servers.bedrock.requests) == 12
    assert m.get("openai") is m.get("openai")


def test_asyncio_gather_across_providers(m: Any, servers: Any) -> None:
    async def main() -> list[str]:
        routes = (("openai", "gpt-4o"), ("ollama", None), ("openrouter", None))
        calls = [
            m.agenerate(f"n{i}", provider=routes[i % 3][0], model=routes[i % 3][1])
            for i in range(12)
        ]
        return [r.text for r in await asyncio.gather(*calls)]

    assert asyncio.run(main()) == [f"echo: n{i}" for i in range(12)]
    assert len(servers.ollama.requests) == 4 and len(servers.openai.requests) == 8
