"""Parity never hangs: a deadline for each scenario (raised inside the code under test) and for
each case process (which the worker ends). Both are configurable through the environment:

- `GENMIGRATE_PARITY_TIMEOUT`: seconds one scenario may run (default 30);
- `GENMIGRATE_PARITY_CASE_TIMEOUT`: seconds a case process may take to answer one request,
  importing the module under test included (default 300).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

SCENARIO_ENV = "GENMIGRATE_PARITY_TIMEOUT"
CASE_ENV = "GENMIGRATE_PARITY_CASE_TIMEOUT"
DEFAULT_SCENARIO_SECONDS = 30.0
DEFAULT_CASE_SECONDS = 300.0


class ScenarioTimeout(BaseException):
    """A scenario ran past its deadline (a BaseException: the code under test's `except Exception`
    handlers must not swallow it)."""


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def scenario_seconds() -> float:
    return _seconds(SCENARIO_ENV, DEFAULT_SCENARIO_SECONDS)


def case_seconds() -> float:
    return _seconds(CASE_ENV, DEFAULT_CASE_SECONDS)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ScenarioTimeout in this thread after `seconds` (only where SIGALRM exists and this is
    the main thread; elsewhere the worker's kill is the only deadline)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise ScenarioTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timeout_line(trace: dict[str, Any]) -> str | None:
    """The one line a timed-out trace is reported as: class, scenario, last request seen."""
    timed_out = trace.get("timed_out")
    if not timed_out:
        return None
    last = timed_out.get("last_request") or "none"
    return (
        f"parity: timeout: {trace.get('class')}.{trace.get('scenario')} ran past {scenario_seconds():g} s "
        f"(last request: {last})"
    )
