# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Observation hooks with a per-call context. A failing hook is logged, never fatal."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)

EVENTS = (
    "request",
    "response",
    "chunk",
    "error",
    "retry",
    "fallback",
    "breaker",
    "health",
)


@dataclass
class CallContext:
    operation: str  # generate | stream | embed | batch
    provider: str
    model: str | None
    attempt: int = 0
    call_id: int = field(default_factory=lambda: next(_ids))
    started: float = field(default_factory=time.monotonic)
    deadline: float | None = (
        None  # on the manager's clock; shared by retries and fallbacks
    )
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # free space for hook implementations


Hook = Callable[[CallContext, Any], None]


class Hooks:
    """`hooks.on("retry", fn)`; fn(context, payload). Payloads: request, result, chunk,
    error, (error, delay) for retry, (error, next provider) for fallback, and (old
    state, new state) for breaker and the report dict of `manager.health()` for health
    (their context's operation is "breaker" or "health")."""

    def __init__(self) -> None:
        self._hooks: dict[str, list[Hook]] = {name: [] for name in EVENTS}

    def on(self, event: str, hook: Hook) -> Hook:
        if event not in self._hooks:
            raise ValueError(f"unknown hook event {event!r}; expected one of {EVENTS}")
        self._hooks[event].append(hook)
        return hook

    def emit(self, event: str, context: CallContext, payload: Any) -> None:
        for hook in self._hooks[event]:
            try:
                hook(context, payload)
            except Exception:  # an observer must not break the call it observes
                import logging

                logging.getLogger(__package__ or __name__).exception(
                    "%s hook failed", event
                )


def health_report(
    provider: str, probe: Callable[[], str | None], hooks: Hooks
) -> dict[str, Any]:
    """Run `probe` (the generator's cheapest call, its name or None when it has none)
    and report `{"provider", "ok", "probe", "seconds", "error"}` to the `health`
    hooks; `ok` is None when there is no probe."""
    from ._errors import classify

    started = time.perf_counter()
    report: dict[str, Any] = {"provider": provider, "ok": None, "probe": None}
    try:
        name = probe()
        report.update(probe=name, ok=None if name is None else True, error=None)
    except Exception as exc:
        report.update(ok=False, error=classify(exc, provider))
    report["seconds"] = time.perf_counter() - started
    hooks.emit("health", CallContext("health", provider, None), report)
    return report
