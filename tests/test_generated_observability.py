"""Breaker state changes reach the hooks, and `stats()` counts attempts per provider/model."""

from __future__ import annotations

from typing import Any

import pytest

from servers import wire
from servers.harness import Recorder, servers
from servers.migrated import fixture_manager

pytestmark = pytest.mark.integration

__all__ = ["servers"]  # a fixture used by the tests below (migrated_app: conftest)


def test_breaker_changes_and_stats_of_a_failing_then_recovering_provider(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    r = migrated_app._resilience
    m = fixture_manager(
        migrated_app,
        servers,
        Recorder(),
        monkeypatch,
        retry=r.NO_RETRY,
        breaker=r.BreakerSettings(failure_threshold=2, reset_timeout=10),
        clock=lambda: now[0],
    )
    changes: list[tuple[str, str | None, Any]] = []
    m.hooks.on("breaker", lambda ctx, p: changes.append((ctx.provider, ctx.model, p)))
    servers.ollama.queue("/api/chat", *[wire.Reply.json({"error": "busy"}, 503)] * 3)
    for _ in range(2):
        with pytest.raises(migrated_app.base.UnavailableError):
            m.generate("hi", provider="ollama")
    assert changes == [("ollama", None, ("closed", "open"))]
    assert m.breaker("ollama").state == "open"
    with pytest.raises(migrated_app.base.CircuitOpenError):
        m.generate("hi", provider="ollama")
    assert len(servers.ollama.requests) == 2  # refused without calling
    now[0] = 10.0
    assert m.breaker("ollama").state == "half-open"
    with pytest.raises(migrated_app.base.UnavailableError):
        m.generate("hi", provider="ollama")  # the half-open probe fails: open again
    now[0] = 20.0
    assert m.generate("hi", provider="ollama").text == "echo: hi"
    assert m.breaker("ollama").state == "closed"
    assert [p for _, _, p in changes] == [
        ("closed", "open"),
        ("open", "half-open"),
        ("half-open", "open"),
        ("open", "half-open"),
        ("half-open", "closed"),
    ]
    assert m.generate("hi", provider="openai", model="4o").text == "echo: hi"
    stats = m.stats()
    assert set(stats) == {"ollama", "openai:gpt-4o"}
    assert (stats["ollama"]["calls"], stats["ollama"]["errors"]) == (4, 3)
    assert (stats["openai:gpt-4o"]["calls"], stats["openai:gpt-4o"]["errors"]) == (1, 0)
    row = stats["ollama"]
    assert 0 < row["latency_max_s"] <= row["latency_total_s"] < 5
    assert row["latency_mean_s"] == pytest.approx(row["latency_total_s"] / 4)


def test_health_probes_the_cheapest_call_and_reports_through_the_hooks(
    migrated_app: Any, servers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch)
    heard: list[dict[str, Any]] = []
    m.hooks.on("health", lambda ctx, report: heard.append(report))
    ok = m.health("ollama")
    assert (ok["ok"], ok["probe"], ok["error"]) == (True, "list_models", None)
    assert servers.ollama.requests[-1].path == "/api/tags" and ok["seconds"] > 0
    servers.ollama.queue("/api/tags", wire.Reply.json({"error": "busy"}, 503))
    down = m.health("ollama")
    assert down["ok"] is False
    assert isinstance(down["error"], migrated_app.base.UnavailableError)
    none = m.health("azure")  # AzureAIClient offers no cheap call
    assert (none["ok"], none["probe"]) == (None, None) and servers.openai.requests == []
    assert heard == [ok, down, none]
