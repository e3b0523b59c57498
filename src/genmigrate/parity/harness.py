"""What the generated parity tests call at test time (genmigrate is a dev dependency there).

A `ParityCase` is one class under test. Its scenarios run in a separate worker process
(`genmigrate.parity.worker`), so what they record does not depend on the other tests of the
session. When GENMIGRATE_PARITY_REPORT names a file, every trace (and a broken
`parity_scenarios.py`) is also appended there as a JSON line, which is how `verify_parity`
reports readable differences and one-line errors.
"""

from __future__ import annotations

import json
import os
from typing import Any

from syrupy.extensions.amber import AmberSnapshotExtension

from genmigrate.parity.cases import CaseSpec, UserScenarioError
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.worker import WorkerError, shared_worker

REPORT_ENV = "GENMIGRATE_PARITY_REPORT"


def trace_text(trace: Any) -> str:
    """Still one JSON document, laid out for review: one line per top-level field and one per
    event (a request, a step's result, a sleep), so a changed behaviour is a one-line diff."""
    if not isinstance(trace, dict):
        return json.dumps(trace, indent=2, sort_keys=True)
    compact = {"sort_keys": True, "ensure_ascii": False}
    lines = []
    for key in sorted(trace):
        value = trace[key]
        if key == "events" and isinstance(value, list) and value:
            events = ",\n".join(f"    {json.dumps(event, **compact)}" for event in value)
            lines.append(f'  "events": [\n{events}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, **compact)}")
    return "{\n" + ",\n".join(lines) + "\n}"


class ParitySnapshots(AmberSnapshotExtension):
    """One `.ambr` file per test module, each scenario's trace in it as indented, key-sorted JSON:
    one file to review per provider, line diffs that show exactly what changed, and data that
    `verify_parity` reads back to explain a difference."""

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return trace_text(data)


def _report(row: dict[str, Any]) -> None:
    report = os.environ.get(REPORT_ENV)
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, sort_keys=True) + "\n")


class MissingPackage(WorkerError):
    """The module under test needs a package that is not installed here: its parity is skipped."""

    def __init__(self, message: str, package: str) -> None:
        super().__init__(message)
        self.package = package


class ParityCase:
    def __init__(self, *, provider: str, module: str, legacy_module: str, class_info: dict[str, Any],
                 tests_folder: str, facts: dict[str, Any] | None = None) -> None:
        seed_tiktoken_cache()
        self.spec = CaseSpec(provider, module, legacy_module, class_info, tests_folder, facts=facts)

    @classmethod
    def from_spec(cls, spec: CaseSpec) -> ParityCase:
        case = cls.__new__(cls)
        seed_tiktoken_cache()
        case.spec = spec
        return case

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        reply = shared_worker().ask({**request, "case": self.spec.to_json()})
        if "error" not in reply:
            return reply
        if reply.get("user"):
            _report({"user_error": reply["error"]})
            raise UserScenarioError(reply["error"])
        if reply.get("missing"):
            raise MissingPackage(reply["error"], reply["missing"])
        raise WorkerError(reply["error"])

    def scenario_names(self) -> list[str]:
        names: list[str] = self._ask({"op": "names"})["names"]
        return names

    def fetch(self, name: str) -> dict[str, Any]:
        """The scenario's trace; raises MissingPackage, WorkerError or UserScenarioError."""
        trace: dict[str, Any] = self._ask({"op": "trace", "scenario": name})["trace"]
        return trace

    def trace(self, name: str) -> dict[str, Any]:
        """The scenario's trace, also reported; a test whose SDK is missing here is skipped."""
        try:
            trace = self.fetch(name)
        except MissingPackage as exc:
            _report({"skipped": str(exc), "module": self.spec.legacy_module, "package": exc.package})
            import pytest

            pytest.skip(str(exc))
        _report(trace)
        return trace
