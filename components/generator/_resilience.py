# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Retry with full jitter (or a legacy decorator's own schedule), per-error-type
fallback selection, and per-(provider, model) breakers."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ._errors import (
    CircuitOpenError,
    ConnectionError,
    GeneratorError,
    QuotaExhaustedError,
    RateLimitError,
    TimeoutError,
    UnavailableError,
)

# Seconds of a server's retry-after honoured by default.
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` counts the first call; delays use full jitter unless the server
    says when."""

    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0
    # a server's retry-after is honoured up to this cap
    max_retry_after: float = MAX_RETRY_AFTER

    def should_retry(self, attempt: int, error: GeneratorError) -> bool:
        return error.is_retryable and attempt + 1 < self.max_attempts

    def delay(self, attempt: int, error: GeneratorError, rng: random.Random) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * (2**attempt)))

    def next_delay(
        self, attempt: int, error: GeneratorError, rng: random.Random, elapsed: float
    ) -> float | None:
        """The wait before the next attempt, None to give up (`Retrying`)."""
        if not self.should_retry(attempt, error):
            return None
        return self.delay(attempt, error, rng)


class Retrying(Protocol):
    def next_delay(
        self, attempt: int, error: GeneratorError, rng: random.Random, elapsed: float
    ) -> float | None:
        """After failed attempt `attempt` (0 is the first), begun `elapsed` seconds
        after the first: the wait before the next one, or None to give up."""


class DecoratorRetry:
    """One call's run of a legacy `backoff.on_exception` decorator's schedule, by the
    manager in the decorator's place (`_legacy.decorator_schedule` read its arguments):
    the same exceptions and give-up test on the legacy exception, `max_tries`,
    `max_time` and waits (its wait generator and jitter), and its backoff and give-up
    handlers called as it calls them (`args` and `kwargs` of their details are empty).
    A server's retry-after (up to `MAX_RETRY_AFTER`) is the least wait, as the SDK's
    own retries, now off, honoured it.
    """

    __slots__ = ("_async", "_limits", "_settings", "_waits")

    def __init__(self, settings: Mapping[str, Any], is_async: bool = False) -> None:
        self._settings = settings  # made on every call: the rest waits for a failure
        self._async = is_async  # which decorated method the handlers name
        self._limits: tuple[Any, Any] | None = None  # (max_tries, max_time) of the call
        self._waits: Any = None  # the wait generator

    def next_delay(
        self, attempt: int, error: GeneratorError, rng: random.Random, elapsed: float
    ) -> float | None:
        s = self._settings
        if self._limits is None:
            self._limits = (_maybe_call(s["max_tries"]), _maybe_call(s["max_time"]))
        tries, limit = self._limits
        exc = error.__cause__ if error.__cause__ is not None else error
        if not isinstance(exc, s["exception"]):
            return None
        target = s.get("targets", {}).get(self._async, s["target"])
        details = {"target": target, "args": (), "kwargs": {}}
        details.update(tries=attempt + 1, elapsed=elapsed, exception=exc)
        out_of_time = limit is not None and elapsed >= limit
        seconds = None
        if not (s["giveup"](exc) or attempt + 1 == tries or out_of_time):
            seconds = self._next_wait(exc)
        if seconds is None:
            _call_all(s["on_giveup"], details, exc, error)
            return None
        if limit is not None:
            seconds = min(seconds, limit - elapsed)
        if error.retry_after is not None:
            seconds = max(seconds, min(error.retry_after, MAX_RETRY_AFTER))
        _call_all(s["on_backoff"], {**details, "wait": seconds}, exc, error)
        return seconds

    def _next_wait(self, exc: BaseException) -> float | None:
        s = self._settings
        try:
            if self._waits is None:
                options = {k: _maybe_call(v) for k, v in s["wait_gen_kwargs"].items()}
                self._waits = s["wait_gen"](**options)
                self._waits.send(None)
            value = self._waits.send(exc)
        except StopIteration:
            return None
        jitter = s["jitter"]
        return float(value if jitter is None else jitter(value))


def _maybe_call(value: Any) -> Any:
    """A decorator argument given as a callable is called (as backoff does)."""
    if not callable(value):
        return value
    try:
        return value()
    except TypeError:
        return value


def _call_all(
    handlers: Any, details: dict[str, Any], exc: BaseException, error: BaseException
) -> None:
    """Call `handlers` while `exc` is the exception being handled, as backoff does (its
    log handlers read `sys.exc_info()`); the chaining of `exc` and `error` is kept."""
    if not handlers:
        return
    saved = (exc.__context__, exc.__traceback__, error.__context__)
    try:
        raise exc
    except BaseException:
        for handler in handlers:
            handler(details)
    finally:
        exc.__context__, exc.__traceback__, error.__context__ = saved


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_attempts=1)

# Errors that move a call on to the next provider of its fallback chain.
DEFAULT_FALLBACK_ON: tuple[type[GeneratorError], ...] = (
    RateLimitError,
    QuotaExhaustedError,
    UnavailableError,
    TimeoutError,
    ConnectionError,
)


@dataclass(frozen=True)
class BreakerSettings:
    failure_threshold: int = 5  # consecutive retryable failures that open the circuit
    reset_timeout: float = (
        30.0  # seconds open before one half-open probe is let through
    )


Listener = Callable[[str, str], None]  # (old state, new state)


class CircuitBreaker:
    """closed -> open after N failures -> half-open (one probe) -> closed or open again.

    `on_change(old, new)` is called (outside the lock) on every change of state."""

    def __init__(
        self,
        settings: BreakerSettings,
        clock: Callable[[], float] = time.monotonic,
        on_change: Listener | None = None,
    ):
        self._settings = settings
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._settings.reset_timeout:
            return "half-open"
        return "open"

    @property
    def failures(self) -> int:
        with self._lock:
            return self._failures

    def acquire(self, provider: str) -> None:
        """Raise CircuitOpenError unless a call may go through now."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            probe = state == "half-open" and not self._probing
            self._probing = self._probing or probe
        if probe:
            self._changed("open", "half-open")
            return
        raise CircuitOpenError(
            f"circuit open, not calling ({state})", provider=provider
        )

    def record_success(self) -> None:
        with self._lock:
            before = self._state()
            self._failures = 0
            self._opened_at = None
            self._probing = False
        if before != "closed":
            self._changed(before, "closed")

    def record_failure(self, error: GeneratorError) -> None:
        if not error.is_retryable:
            with self._lock:
                self._probing = (
                    False  # the provider answered; only transient ones count
                )
            return
        with self._lock:
            before = self._state()
            self._failures += 1
            opens = self._probing or self._failures >= self._settings.failure_threshold
            if opens:
                self._opened_at = self._clock()
            self._probing = False
        if opens and before != "open":
            self._changed(before, "open")

    def _changed(self, old: str, new: str) -> None:
        if self._on_change is not None:
            self._on_change(old, new)


class BreakerBoard:
    """One breaker per (provider, model), created on first use; `on_change(provider,
    model, old, new)` hears every breaker's changes of state."""

    def __init__(
        self,
        settings: BreakerSettings,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[str, str | None, str, str], None] | None = None,
    ):
        self._settings = settings
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._breakers: dict[tuple[str, str | None], CircuitBreaker] = {}

    def get(self, provider: str, model: str | None) -> CircuitBreaker:
        key = (provider, model)
        known = self._breakers.get(key)  # every call asks: no lock once it exists
        if known is not None:
            return known
        with self._lock:
            if key not in self._breakers:
                self._breakers[key] = CircuitBreaker(
                    self._settings, self._clock, self._listener(provider, model)
                )
            return self._breakers[key]

    def _listener(self, provider: str, model: str | None) -> Listener | None:
        report = self._on_change
        if report is None:
            return None
        return lambda old, new: report(provider, model, old, new)
