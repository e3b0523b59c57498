"""Behavioural parity: intercept SDK transports, answer with canned provider replies, record
normalised traces of the original classes, and replay them against migrated code."""

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
