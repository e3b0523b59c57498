"""Generated adapters around legacy-style clients, against fake provider servers on loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from servers import wire
from servers.harness import Recorder, manager, pkg, servers

pytestmark = pytest.mark.integration

__all__ = ["pkg", "servers"]  # fixtures used by the tests below


# -- OpenAI-compatible through an AdalFlow ModelClient ----------------------------------------


def test_modelclient_generate_maps_text_usage_and_ids(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())
    result = m.generate("hello there", model="4o")
    assert result.text == "echo: hello there" and result.provider == "openai"
    assert result.model == "gpt-4o" and result.request_id == "chatcmpl-1"
    assert result.finish_reason == "stop"
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.cached_tokens) == (
        11,
        7,
        3,
    )
    sent = servers.openai.hits("/v1/chat/completions")[0]
    assert sent.json()["messages"] == [{"role": "user", "content": "hello there"}]
    assert sent.headers["authorization"] == "Bearer sk-test-key-0001"
    assert m.get("openai").client.max_retries == 0  # the manager retries, the SDK must not


def test_modelclient_stream_carries_usage_on_final_chunk(pkg: Any, servers: Any) -> None:
    chunks = list(manager(pkg, servers, Recorder()).stream("a b c", model="gpt-4o"))
    assert "".join(c.delta for c in chunks) == "abc"
    assert chunks[-1].usage.total_tokens == 18
    assert any(c.finish_reason == "stop" for c in chunks)
    body = servers.openai.hits("/v1/chat/completions")[0].json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_modelclient_async_generate_stream_and_embed(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())

    async def main() -> tuple[Any, list[str], Any]:
        result = await m.agenerate("x y", model="gpt-4o")
        deltas = [c.delta async for c in m.astream("p q", model="gpt-4o") if c.delta]
        vectors = await m.aembed(["u", "v"], provider="openai", model="text-embedding-3-small")
        return result, deltas, vectors

    result, deltas, vectors = asyncio.run(main())
    assert result.text == "echo: x y" and deltas == ["p", "q"]
    assert vectors.vectors == ((0.0, 0.5), (1.0, 0.5))


# -- retries, fallbacks, breaker, cache ----------------------------------------------------------


def test_retry_honours_retry_after_and_sleeps_are_recorded(pkg: Any, servers: Any) -> None:
    servers.openai.queue(
        "/v1/chat/completions",
        wire.openai_error(429, "rate_limit_exceeded", headers={"retry-after": "2"}),
    )
    rec = Recorder()
    result = manager(pkg, servers, rec).generate("hi", model="gpt-4o")
    assert result.text == "echo: hi"
    assert rec.sleeps == [2.0]
    assert rec.names() == ["request", "error", "retry", "request", "response"]
    assert len(servers.openai.hits("/v1/chat/completions")) == 2


def test_non_retryable_errors_are_raised_at_once(pkg: Any, servers: Any) -> None:
    servers.openai.queue("/v1/chat/completions", wire.openai_error(400, "context_length_exceeded"))
    rec = Recorder()
    with pytest.raises(pkg.base.ContextWindowExceededError) as caught:
        manager(pkg, servers, rec).generate("hi", model="gpt-4o")
    assert caught.value.status_code == 400 and rec.sleeps == []
    assert type(caught.value.original).__name__ == "BadRequestError"


def test_fallback_on_unavailable_primary(pkg: Any, servers: Any) -> None:
    failure = wire.openai_error(503, "server_error")
    servers.openai.queue("/v1/chat/completions", failure, failure)
    rec = Recorder()
    retry = pkg._resilience.RetryPolicy(max_attempts=2)
    m = manager(pkg, servers, rec, retry=retry, fallbacks={"openai": ["anthropic"]})
    result = m.generate("hi", model="gpt-4o")
    assert result.provider == "anthropic" and result.text == "echo: hi"
    assert len(servers.openai.hits("/v1/chat")) == 2 and len(rec.sleeps) == 1
    fallback = [p for e, _, p in rec.events if e == "fallback"]
    assert type(fallback[0][0]).__name__ == "UnavailableError"
    assert fallback[0][1].provider == "anthropic"
    # the anthropic route got its own default model, not the openai one
    assert servers.anthropic.hits("/v1/messages")[0].json()["model"] == "claude-haiku-4-5"


def test_breaker_opens_then_half_open_probe_closes_it(pkg: Any, servers: Any) -> None:
    now = [0.0]
    r = pkg._resilience
    m = manager(
        pkg,
        servers,
        Recorder(),
        retry=r.RetryPolicy(max_attempts=2),
        breaker=r.BreakerSettings(failure_threshold=2, reset_timeout=10),
        clock=lambda: now[0],
    )
    failure = wire.openai_error(503, "x")
    servers.openai.queue("/v1/chat/completions", failure, failure)
    with pytest.raises(pkg.base.UnavailableError):
        m.generate("hi", model="gpt-4o")  # two attempts, two failures: the circuit opens
    assert m.breaker("openai", "gpt-4o").state == "open"
    with pytest.raises(pkg.base.CircuitOpenError):
        m.generate("hi", model="gpt-4o")
    assert len(servers.openai.hits("/v1/chat")) == 2  # the open circuit sent nothing
    now[0] = 10.0
    assert m.breaker("openai", "gpt-4o").state == "half-open"
    assert m.generate("hi", model="gpt-4o").text == "echo: hi"
    assert m.breaker("openai", "4o").state == "closed"


def test_cache_hits_skip_the_provider_but_streams_are_never_cached(pkg: Any, servers: Any) -> None:
    cache = pkg._cache.ResponseCache(max_entries=8, ttl=60)
    m = manager(pkg, servers, Recorder(), cache=cache)
    first = m.generate("same", model="gpt-4o")
    second = m.generate("same", model="gpt-4o")
    assert first == second and cache.hits == 1
    assert len(servers.openai.hits("/v1/chat")) == 1
    list(m.stream("same", model="gpt-4o"))
    list(m.stream("same", model="gpt-4o"))
    assert len(servers.openai.hits("/v1/chat")) == 3


# -- streams: errors before and after the first chunk ----------------------------------------------


def test_drop_after_first_chunk_raises_mapped_error(pkg: Any, servers: Any) -> None:
    servers.openai.queue("/v1/chat", wire.openai_stream(["a", "b", "c"], drop_after=1))
    rec = Recorder()
    m = manager(pkg, servers, rec, fallbacks={"openai": ["ollama"]})
    got: list[str] = []
    with pytest.raises(pkg.base.ConnectionError):
        for chunk in m.stream("a b c", model="gpt-4o"):
            got.append(chunk.delta)
    assert got == ["a"]  # committed to openai: no fallback after the first chunk
    assert servers.ollama.requests == [] and "fallback" not in rec.names()


def test_failure_before_first_chunk_falls_back(pkg: Any, servers: Any) -> None:
    servers.openai.queue("/v1/chat", wire.openai_stream(["a"], drop_after=0))
    m = manager(
        pkg, servers, Recorder(), retry=pkg._resilience.NO_RETRY, fallbacks={"openai": ["ollama"]}
    )
    chunks = list(m.stream("x y", model="gpt-4o"))
    assert "".join(c.delta for c in chunks) == "x y "
    assert chunks[-1].finish_reason == "stop" and chunks[-1].usage.input_tokens == 6


def test_anthropic_stream_usage_merges_message_start_input_tokens(pkg: Any, servers: Any) -> None:
    chunks = list(manager(pkg, servers, Recorder()).stream("one two three", provider="anthropic"))
    assert "".join(c.delta for c in chunks) == "one two three "
    final = [c for c in chunks if c.usage is not None]
    assert len(final) == 1 and final[0].finish_reason == "end_turn"
    # input tokens come from message_start, output tokens from the closing message_delta
    assert (final[0].usage.input_tokens, final[0].usage.output_tokens) == (9, 3)


def test_anthropic_error_event_mid_stream_is_mapped(pkg: Any, servers: Any) -> None:
    servers.anthropic.queue("/v1/messages", wire.anthropic_stream(["one ", "two "], error_after=1))
    got: list[str] = []
    m = manager(pkg, servers, Recorder())
    with pytest.raises(pkg.base.OverloadedError):
        for chunk in m.stream("one two", provider="anthropic"):
            got.append(chunk.delta)
    assert got == ["one "]


# -- chat wrappers: Anthropic, Bedrock, Ollama -----------------------------------------------------


def test_anthropic_wrapper_generate_async_and_status_mapping(pkg: Any, servers: Any) -> None:
    rec = Recorder()
    m = manager(pkg, servers, rec)
    assert m.generate("hi", provider="anthropic", max_tokens=64).text == "echo: hi"
    assert servers.anthropic.hits("/v1/messages")[0].json()["max_tokens"] == 64
    assert asyncio.run(m.agenerate("yo", provider="anthropic")).text == "echo: yo"
    servers.anthropic.queue("/v1/messages", *[wire.anthropic_error(529, "overloaded_error")] * 3)
    with pytest.raises(pkg.base.OverloadedError):
        m.generate("hi", provider="anthropic")
    assert len(rec.sleeps) == 2 and len(servers.anthropic.hits("/v1/messages")) == 5
    with pytest.raises(pkg.base.UnsupportedOperation, match="anthropic: embeddings"):
        m.embed(["x"], provider="anthropic")


def test_wrapper_refuses_options_its_method_does_not_take(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())
    with pytest.raises(pkg.base.UnsupportedOperation, match="AnthropicChat.chat.. takes no tools"):
        m.generate("hi", provider="anthropic", tools=({"type": "function"},))
    assert servers.anthropic.requests == []


def test_bedrock_converse_stream_and_invoke(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())
    result = m.generate("hi there", provider="bedrock")
    assert result.text == "echo: hi there" and result.finish_reason == "end_turn"
    assert result.usage.input_tokens == 5 and result.usage.output_tokens == 3
    chunks = list(m.stream("a b", provider="bedrock"))
    assert "".join(c.delta for c in chunks) == "a b "
    assert chunks[-1].usage.output_tokens == 2
    assert any(c.finish_reason == "end_turn" for c in chunks)
    assert m.embed(["abc"], provider="bedrock").vectors == ((3.0, 1.0),)
    paths = [r.path for r in servers.bedrock.requests]
    assert any(p.endswith("/converse-stream") for p in paths) and any(
        p.endswith("/invoke") for p in paths
    )


def test_bedrock_errors_map_by_aws_code(pkg: Any, servers: Any) -> None:
    servers.bedrock.queue("/model", wire.bedrock_error(400, "ThrottlingException", "slow down"))
    rec = Recorder()
    result = manager(pkg, servers, rec).generate("hi", provider="bedrock")
    assert result.text == "echo: hi" and len(rec.sleeps) == 1  # retried as a rate limit
    servers.bedrock.queue("/model", wire.bedrock_stream(["a ", "b "], error_after=1))
    got: list[str] = []
    with pytest.raises(pkg.base.RateLimitError):
        for chunk in manager(pkg, servers, Recorder()).stream("a b", provider="bedrock"):
            got.append(chunk.delta)
    assert got == ["a "]


def test_ollama_chat_stream_and_embed(pkg: Any, servers: Any) -> None:
    m = manager(pkg, servers, Recorder())
    assert m.generate("hey", provider="ollama").text == "echo: hey"
    assert servers.ollama.hits("/api/chat")[0].json()["model"] == "llama3.2"
    embedded = m.embed(["ab", "abcd"], provider="ollama")
    assert embedded.vectors == ((2.0, 2.0), (4.0, 2.0))
