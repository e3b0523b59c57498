"""One retry owner and one deadline per call, on the migrated fixture app's own clients."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from servers import wire
from servers.harness import Recorder, servers
from servers.migrated import fixture_manager, provider_module

pytestmark = pytest.mark.unit

__all__ = ["servers"]  # a fixture used by the tests below (migrated_app: conftest)

BEDROCK_CHAT = "anthropic.claude-3-5-sonnet-20240620-v1:0"


@pytest.fixture()
def rec() -> Recorder:
    return Recorder()


@pytest.mark.parametrize("attempts", [1, 3])
def test_requests_sent_equal_the_policy_attempts_on_a_backoff_and_sdk_retrying_client(
    migrated_app: Any,
    servers: Any,
    rec: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    attempts: int,
) -> None:
    # BedrockClient.call carries @backoff.on_exception(max_tries=4) and botocore retries
    throttled = wire.bedrock_error(400, "ThrottlingException", "slow down")
    servers.bedrock.queue("/model/", *[throttled] * 12)
    r = migrated_app._resilience
    retry = r.RetryPolicy(max_attempts=attempts, base_delay=0.0)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, retry=retry)
    with pytest.raises(migrated_app.base.RateLimitError):
        m.generate("hi", provider="bedrock", model=BEDROCK_CHAT)
    assert len(servers.bedrock.requests) == attempts
    assert rec.legacy_sleeps == [] and len(rec.sleeps) == attempts - 1


@pytest.mark.parametrize("overrides", [{}, {"bedrock": {"max_retries": 0}}])
def test_default_policy_runs_the_legacy_decorators_schedule_in_its_place(
    migrated_app: Any,
    servers: Any,
    rec: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    overrides: dict[str, Any],
) -> None:
    throttled = wire.bedrock_error(400, "ThrottlingException", "slow down")
    servers.bedrock.queue("/model/", *[throttled] * 12)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, overrides=overrides)
    with pytest.raises(migrated_app.base.RateLimitError):
        m.generate("hi", provider="bedrock", model=BEDROCK_CHAT)
    managed = len(servers.bedrock.requests)
    # backoff.expo under full jitter: the waits before tries 2, 3 and 4 are at most 1, 2, 4 s
    assert len(rec.sleeps) == 3 and rec.legacy_sleeps == []
    assert all(0 <= wait <= 2**i for i, wait in enumerate(rec.sleeps))
    legacy = m.get("bedrock").client  # the decorated method, called as the app did
    kwargs = legacy.convert_inputs_to_api_kwargs(
        input="hi", model_kwargs={"model": BEDROCK_CHAT}, model_type=provider_module("bedrock")._ModelType.LLM
    )
    with pytest.raises(Exception, match="ThrottlingException"):
        legacy.call(api_kwargs=kwargs, model_type=provider_module("bedrock")._ModelType.LLM)
    direct = len(servers.bedrock.requests) - managed
    assert managed == direct == 4  # backoff's max_tries=4; the SDK's retries are off
    assert len(rec.legacy_sleeps) == 3


def test_no_worker_thread_is_started_for_a_decorated_sync_call(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = fixture_manager(migrated_app, servers, rec, monkeypatch)
    generator = m.get("openai")  # OpenAIClient.call carries @backoff.on_exception
    assert type(generator).legacy_retries and generator.legacy_schedule is not None
    caller, started = threading.current_thread(), []
    start = threading.Thread.start

    def record(thread: threading.Thread) -> None:  # the loopback server starts its own
        if threading.current_thread() is caller:
            started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", record)
    assert m.generate("hi", model="gpt-4o").text == "echo: hi"
    assert started == [] and m._runner._workers is None


@pytest.fixture()
def silent() -> Iterator[str]:
    """A server on loopback that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _silent_manager(app: Any, servers: Any, rec: Recorder, patch: Any, url: str, **kw: Any) -> Any:
    settings = {"azure": {"azure_endpoint": url}, "ollama": {"host": url}}
    return fixture_manager(app, servers, rec, patch, overrides=settings, **kw)


def test_a_silent_server_costs_one_deadline_across_retries_and_fallbacks(
    migrated_app: Any,
    servers: Any,
    rec: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    silent: str,
) -> None:
    m = _silent_manager(migrated_app, servers, rec, monkeypatch, silent, fallbacks={"azure": ["ollama"]})

    async def async_call() -> None:  # ollama's async client: cancelled at the deadline
        await m.agenerate("hi", provider="ollama", timeout=0.3)

    calls = (
        lambda: m.generate("hi", provider="azure", model="gpt-4o", timeout=0.3),
        lambda: asyncio.run(async_call()),
    )
    for call in calls:
        started = time.monotonic()
        with pytest.raises(migrated_app.base.DeadlineExceededError):
            call()
        assert time.monotonic() - started < 2.0
    assert "fallback" not in rec.names() and servers.ollama.requests == []


def test_a_retry_wait_that_would_pass_the_deadline_is_not_slept(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = wire.openai_error(429, "rate_limit_exceeded", headers={"retry-after": "30"})
    servers.openai.queue("/openai/", failure)
    retry = migrated_app._resilience.RetryPolicy(max_attempts=3, max_retry_after=60)
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, retry=retry, timeout=5.0)
    with pytest.raises(migrated_app.base.DeadlineExceededError) as caught:
        m.generate("hi", provider="azure", model="gpt-4o")
    assert type(caught.value.__cause__).__name__ == "RateLimitError"
    assert rec.sleeps == [] and len(servers.openai.requests) == 1


def test_the_deadline_reaches_constructors_that_take_a_timeout(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = fixture_manager(migrated_app, servers, rec, monkeypatch, timeout=42.0)
    bedrock = m.get("bedrock")  # the manager runs its @backoff: one attempt bounds itself
    assert bedrock.client.timeout == 42.0 and bedrock.request_timeout == 42.0
    assert m.config.timeout == 42.0
    default = fixture_manager(migrated_app, servers, rec, monkeypatch)
    assert default.config.timeout == migrated_app.generator_manager.ManagerConfig().timeout == 120.0
    retry = migrated_app._resilience.RetryPolicy()
    owned = fixture_manager(migrated_app, servers, rec, monkeypatch, timeout=42.0, retry=retry)
    bedrock = owned.get("bedrock")  # the manager retries: one attempt bounds itself
    assert bedrock.client.timeout == 42.0 and bedrock.request_timeout == 42.0


def test_sdk_clients_the_legacy_client_holds_get_the_deadline_and_no_retries(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AzureAIClient's constructor takes no timeout; it builds AzureOpenAI(timeout=90.0)
    retry = migrated_app._resilience.RetryPolicy()
    owned = fixture_manager(migrated_app, servers, rec, monkeypatch, timeout=42.0, retry=retry)
    sdk = owned.get("azure").client.sync_client
    assert (sdk.timeout, sdk.max_retries) == (42.0, 0)
    assert owned.get("azure").request_timeout == 42.0
    kept = fixture_manager(migrated_app, servers, rec, monkeypatch, timeout=300.0)
    sdk = kept.get("azure").client.sync_client  # its own 90 s is shorter; the manager runs @backoff
    assert (sdk.timeout, sdk.max_retries) == (90.0, 0) and kept.get("azure").request_timeout == 300.0


def test_an_sdk_client_the_legacy_client_creates_on_first_use_is_bound_as_it_is_assigned(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    retry = migrated_app._resilience.RetryPolicy()
    owned = fixture_manager(migrated_app, servers, rec, monkeypatch, timeout=42.0, retry=retry)
    legacy = owned.get("azure").client
    assert legacy.async_client is None  # AzureAIClient.acall creates it on first use
    legacy.async_client = legacy.init_async_client()  # what acall does
    assert (legacy.async_client.timeout, legacy.async_client.max_retries) == (42.0, 0)
    other = type(legacy)(api_key="k", azure_endpoint="http://127.0.0.1:9", api_version="2024-06-01")
    other.async_client = other.init_async_client()  # an instance no manager built keeps its own
    assert (other.async_client.timeout, other.async_client.max_retries) != (42.0, 0)


def test_a_silent_server_costs_one_deadline_without_a_worker_thread_when_the_manager_retries(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch, silent: str
) -> None:
    retry = migrated_app._resilience.RetryPolicy(max_attempts=3)
    m = _silent_manager(migrated_app, servers, rec, monkeypatch, silent, retry=retry, timeout=0.4)
    m.get("azure")  # built beforehand: building it on the call would eat into the deadline
    started = time.monotonic()
    with pytest.raises(migrated_app.base.DeadlineExceededError):
        m.generate("hi", provider="azure", model="gpt-4o")
    assert time.monotonic() - started < 2.0
    assert m._runner._workers is None  # called on the caller's thread, bounded by the SDK
    assert "retry" not in rec.names()  # no retry wait fits in what is left
    assert len(servers.openai.requests) == 0
    shorter = _silent_manager(migrated_app, servers, rec, monkeypatch, silent, retry=retry)
    started = time.monotonic()
    with pytest.raises(migrated_app.base.DeadlineExceededError):  # SDK bound 120 s: a thread
        shorter.generate("hi", provider="azure", model="gpt-4o", timeout=0.4)
    assert time.monotonic() - started < 2.0 and shorter._runner._workers is not None


def test_a_silent_server_costs_one_deadline_under_the_legacy_decorators_schedule(
    migrated_app: Any, servers: Any, rec: Recorder, monkeypatch: pytest.MonkeyPatch, silent: str
) -> None:
    m = _silent_manager(migrated_app, servers, rec, monkeypatch, silent, timeout=0.4)
    assert m.get("azure").legacy_schedule is not None  # AzureAIClient.call: @backoff, 3 tries
    started = time.monotonic()
    with pytest.raises(migrated_app.base.DeadlineExceededError) as caught:
        m.generate("hi", provider="azure", model="gpt-4o")
    assert time.monotonic() - started < 2.0
    assert type(caught.value.__cause__).__name__ == "TimeoutError"  # APITimeoutError, mapped
    assert m._runner._workers is None and rec.sleeps == [] and rec.legacy_sleeps == []
