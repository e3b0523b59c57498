"""Unit behaviour of the generated layer: errors, bridges, registry, resilience, cache, settings."""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from servers.render import import_package, write_package

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("core")
    package = write_package(root, ())
    import_package(root, package)
    names = ("base", "generator_manager", "_resilience", "_cache", "_settings", "_models")
    return SimpleNamespace(**{n: importlib.import_module(f"{package}.{n}") for n in names})


class Boom(Exception):
    def __init__(self, message: str, **attrs: Any) -> None:
        super().__init__(message)
        self.__dict__.update(attrs)


def _response(status: int, headers: dict[str, str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(status_code=status, headers=headers or {})


@pytest.mark.parametrize(
    ("provider", "exc", "expected", "retryable"),
    [
        (
            "openai",
            Boom("bad", status_code=400, code="context_length_exceeded"),
            "ContextWindowExceededError",
            False,
        ),
        (
            "openai",
            Boom("quota", status_code=429, body={"error": {"code": "insufficient_quota"}}),
            "QuotaExhaustedError",
            False,
        ),
        (
            "openai",
            Boom("slow down", response=_response(429, {"retry-after": "7"})),
            "RateLimitError",
            True,
        ),
        (
            "anthropic",
            Boom(
                "busy",
                status_code=529,
                body={"type": "error", "error": {"type": "overloaded_error"}},
            ),
            "OverloadedError",
            True,
        ),
        (
            "bedrock",
            Boom(
                "x",
                response={
                    "Error": {"Code": "ThrottlingException"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
            ),
            "RateLimitError",
            True,
        ),
        (
            "bedrock",
            Boom("x", response={"Error": {"Code": "ModelTimeoutException"}}),
            "TimeoutError",
            True,
        ),
        (
            "bedrock",
            Boom(
                "Input is too long for requested model",
                response={"Error": {"Code": "ValidationException"}},
            ),
            "ContextWindowExceededError",
            False,
        ),
        (
            "dashscope",
            Boom("x", code="DataInspectionFailed", status_code=400),
            "ContentFilterError",
            False,
        ),
        ("ollama", Boom("model 'x' not found", status_code=404), "NotFoundError", False),
        ("openai", Boom("nope", status_code=401), "AuthenticationError", False),
        ("openai", Boom("gateway", status_code=502), "UnavailableError", True),
        ("openai", type("APITimeoutError", (Exception,), {})("timed"), "TimeoutError", True),
        (
            "openai",
            type("RemoteProtocolError", (Exception,), {})("peer closed"),
            "ConnectionError",
            True,
        ),
        ("openai", ValueError("something odd"), "ProviderError", False),
    ],
)
def test_classification_table(
    gen: SimpleNamespace, provider: str, exc: Exception, expected: str, retryable: bool
) -> None:
    error = gen.base.classify(exc, provider)
    assert type(error).__name__ == expected
    assert error.is_retryable is retryable
    assert error.original is exc and error.provider == provider


def test_retry_after_headers_are_read(gen: SimpleNamespace) -> None:
    ms = gen.base.classify(Boom("x", response=_response(429, {"retry-after-ms": "1500"})), "openai")
    assert ms.retry_after == 1.5
    bare = gen.base.classify(Boom("x", status_code=429), "openai")
    assert bare.retry_after is None


def test_error_tree(gen: SimpleNamespace) -> None:
    b = gen.base
    assert issubclass(b.ContextWindowExceededError, b.InvalidRequestError)
    assert issubclass(b.ContentFilterError, b.InvalidRequestError)
    assert issubclass(b.OverloadedError, b.UnavailableError)
    assert all(
        issubclass(c, b.GeneratorError)
        for c in (b.TimeoutError, b.ConnectionError, b.QuotaExhaustedError)
    )


def _sync_generator(gen: SimpleNamespace) -> type:
    b = gen.base

    class SyncOnly(b.BaseGenerator):
        provider = "fake"
        capabilities = b.Capabilities(streaming=True)

        def generate(self, request: Any) -> Any:
            return b.GenerationResult(text=request.messages[-1].text.upper(), provider="fake")

        def stream(self, request: Any) -> Iterator[Any]:
            self.thread = threading.get_ident()
            for word in request.messages[-1].text.split():
                assert threading.get_ident() == self.thread  # one thread for the whole stream
                yield b.StreamChunk(delta=word)

    return SyncOnly


def _async_generator(gen: SimpleNamespace) -> type:
    b = gen.base

    class AsyncOnly(b.BaseGenerator):
        provider = "afake"

        async def agenerate(self, request: Any) -> Any:
            await asyncio.sleep(0)
            return b.GenerationResult(text="async:" + request.messages[-1].text, provider="afake")

        async def astream(self, request: Any) -> Any:
            loop = asyncio.get_running_loop()
            for word in request.messages[-1].text.split():
                assert asyncio.get_running_loop() is loop  # created and consumed on one loop
                await asyncio.sleep(0)
                yield b.StreamChunk(delta=word)

    return AsyncOnly


def test_async_from_sync_bridges(gen: SimpleNamespace) -> None:
    request = gen.base.GenerationRequest.from_prompt("a b c")
    adapter = _sync_generator(gen)()

    async def main() -> tuple[Any, list[str]]:
        result = await adapter.agenerate(request)
        return result, [c.delta async for c in adapter.astream(request)]

    result, chunks = asyncio.run(main())
    assert result.text == "A B C" and chunks == ["a", "b", "c"]


def test_sync_from_async_bridges_also_inside_a_running_loop(gen: SimpleNamespace) -> None:
    request = gen.base.GenerationRequest.from_prompt("x y")
    adapter = _async_generator(gen)()
    assert adapter.generate(request).text == "async:x y"
    assert [c.delta for c in adapter.stream(request)] == ["x", "y"]

    async def inside_loop() -> tuple[str, list[str]]:
        return adapter.generate(request).text, [c.delta for c in adapter.stream(request)]

    assert asyncio.run(inside_loop()) == ("async:x y", ["x", "y"])


def test_missing_operations_raise_unsupported_naming_provider(gen: SimpleNamespace) -> None:
    adapter = _sync_generator(gen)()
    with pytest.raises(gen.base.UnsupportedOperation, match="fake: embeddings is not supported"):
        adapter.embed(["x"])
    assert adapter.capabilities.supports("streaming") and not adapter.capabilities.supports(
        "embeddings"
    )


def test_cache_ttl_and_lru(gen: SimpleNamespace) -> None:
    now = [0.0]
    cache = gen._cache.ResponseCache(max_entries=2, ttl=10, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)  # evicts b, the least recently used
    assert cache.get("b") is None and cache.get("a") == 1
    now[0] = 10.0
    assert cache.get("a") is None  # expired


def test_breaker_transitions(gen: SimpleNamespace) -> None:
    now = [0.0]
    r = gen._resilience
    breaker = r.CircuitBreaker(
        r.BreakerSettings(failure_threshold=2, reset_timeout=5), lambda: now[0]
    )
    failure = gen.base.UnavailableError("down", provider="p")
    breaker.record_failure(failure)
    assert breaker.state == "closed"
    breaker.record_failure(failure)
    assert breaker.state == "open"
    with pytest.raises(gen.base.CircuitOpenError):
        breaker.acquire("p")
    now[0] = 5.0
    assert breaker.state == "half-open"
    breaker.acquire("p")  # the single probe
    with pytest.raises(gen.base.CircuitOpenError):
        breaker.acquire("p")  # a second caller waits for the probe's outcome
    breaker.record_failure(failure)
    assert breaker.state == "open"
    now[0] = 10.0
    breaker.acquire("p")
    breaker.record_success()
    assert breaker.state == "closed" and breaker.failures == 0


def test_full_jitter_and_capped_retry_after(gen: SimpleNamespace) -> None:
    r = gen._resilience
    policy = r.RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=4.0, max_retry_after=30)
    rng = __import__("random").Random(1)
    plain = gen.base.RateLimitError("x")
    delays = [policy.delay(5, plain, rng) for _ in range(200)]
    assert all(0 <= d <= 4.0 for d in delays) and max(delays) > 2.0
    told = gen.base.RateLimitError("x", retry_after=120.0)
    assert policy.delay(0, told, rng) == 30
    assert policy.should_retry(1, plain) and not policy.should_retry(2, plain)


def test_settings_precedence_and_masking(gen: SimpleNamespace, tmp_path: Path) -> None:
    s = gen._settings
    config = tmp_path / "generators.json"
    config.write_text(
        '{"providers": {"openai": {"base_url": "file", "api_key": "from-file-123456"}}}'
    )
    env = {"GENERATOR_OPENAI_BASE_URL": "env", "GENERATOR_OPENAI_ORG": "env-org"}
    merged = s.resolve("openai", {"base_url": "explicit"}, s.load_config_file(config), env, False)
    assert merged == {"base_url": "explicit", "api_key": "from-file-123456", "org": "env-org"}
    assert s.mask(merged)["api_key"] == "****3456"
    manager = gen.generator_manager.GeneratorManager(
        settings={"openai": {"api_key": "sk-secret-value"}}
    )
    assert "sk-secret-value" not in repr(manager) and "****alue" in repr(manager)


def test_model_registry_aliases_overrides_and_api_choice(gen: SimpleNamespace) -> None:
    m = gen._models
    registry = m.ModelRegistry()
    assert registry.canonical("4o") == "gpt-4o"
    assert registry.resolve("o3").api == "responses"
    registry.register(m.ModelInfo("gpt-4o", "openai", context_window=1000, aliases=("mine",)))
    assert registry.resolve("mine").context_window == 1000
    b = gen.base
    msgs = (
        b.Message("user", (b.TextPart("hi"), b.ImagePart(data=b"\x89PNG", media_type="image/png"))),
    )
    chat = m.convert_messages(msgs, "chat")[0]["content"]
    assert chat[1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw=="}}
    responses = m.convert_messages(msgs, "responses")[0]["content"]
    assert responses == [
        {"type": "input_text", "text": "hi"},
        {"type": "input_image", "image_url": "data:image/png;base64,iVBORw=="},
    ]
