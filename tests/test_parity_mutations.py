"""The derived parity scenarios kill at least the measured floor of a fixed-seed sample of
mechanical (LibCST) mutants of the extracted provider modules of every migrated fixture, an equal
share per fixture (see
bench/mutations.py, which runs the full set). Mutants run in the shared warm worker, not one
pytest each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow(450)]

BENCH = Path(__file__).resolve().parent.parent / "bench" / "mutations.py"


def test_mutation_score_floor_on_a_fixed_sample() -> None:
    command = [sys.executable, str(BENCH), "--json", "--sample", "24", "--seed", "20240601"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)
    assert figures["generated"] >= 150 and figures["total"] == figures["distinct"]
    assert figures["total"] + len(figures["not_runnable"]) == 24 and len(figures["not_runnable"]) <= 2
    assert set(figures["per_fixture"]) == {"legacy_app", "framework_pkg/libsrc", "functions_app", "abc_layers"}
    assert figures["targets"] and all("/components/generator/providers/" in t for t in figures["targets"])
    assert figures["control_passes"]
    # Measured on this sample: 19/23 (0.83; the full 150 sample of the bench: 0.93). The floor
    # leaves two mutants of slack for a loaded machine; the survivors name the scenarios still missing.
    assert figures["killed"] >= figures["total"] - 7, figures["survivor_changes"]
