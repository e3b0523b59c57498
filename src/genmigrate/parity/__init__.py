"""Behavioural parity: intercept SDK transports, answer with canned provider replies, record
normalised traces of the original classes, and replay them against migrated code.

The names below load on first use: the command line imports this package at start-up, and the
rendering and verification modules pull in syrupy and pytest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genmigrate.parity.canned import Reply, Request, Responder
    from genmigrate.parity.compare import Difference
    from genmigrate.parity.intercept import intercept
    from genmigrate.parity.runner import Probe, Scenario, run_scenario
    from genmigrate.parity.tests_render import (
        ParityError,
        ParityReport,
        ParityTarget,
        record_baseline,
        render_parity_tests,
        verify_parity,
    )

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

__all__ = [
    "Difference",
    "ParityError",
    "ParityReport",
    "ParityTarget",
    "Probe",
    "Reply",
    "Request",
    "Responder",
    "Scenario",
    "intercept",
    "record_baseline",
    "render_parity_tests",
    "run_scenario",
    "verify_parity",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
