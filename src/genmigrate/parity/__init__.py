"""Behavioural parity: intercept SDK transports, answer with canned provider replies, record
normalised traces of the original classes, and replay them against migrated code.

The names below load on first use, so the command line (which imports `parity.command`) starts
without pytest, syrupy or any SDK."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "Reply": "canned",
    "Request": "canned",
    "Responder": "canned",
    "Difference": "compare",
    "intercept": "intercept",
    "Probe": "runner",
    "Scenario": "runner",
    "run_scenario": "runner",
    "ParityError": "tests_render",
    "ParityReport": "tests_render",
    "ParityTarget": "tests_render",
    "record_baseline": "tests_render",
    "render_parity_tests": "tests_render",
    "verify_parity": "tests_render",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
