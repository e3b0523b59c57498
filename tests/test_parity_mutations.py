"""The generated parity suite catches at least 90% of small behaviour-changing patches to the
extracted provider modules of the migrated fixture app (see bench/mutations.py).

Slow: migrates the fixture with the engine, then runs each mutant's provider parity tests in
parallel subprocesses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_app import Applied

pytestmark = [pytest.mark.e2e, pytest.mark.slow(450)]

BENCH = Path(__file__).resolve().parent.parent / "bench" / "mutations.py"


def test_mutation_score_floor(applied: Applied) -> None:
    assert applied.apply.returncode == 0, applied.apply.stderr[-2000:]
    # The session's migrated fixture app (tests/fixture_app.py): the bench copies it, no second migration.
    command = [sys.executable, str(BENCH), "--json", "--jobs", "2", "--migrated", str(applied.root)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ})
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)
    assert figures["total"] >= 30 and figures["distinct"] == figures["total"]
    assert figures["targets"] and all("/components/generator/providers/" in t for t in figures["targets"])
    assert figures["broken_runs"] == [] and figures["control_passes"]
    assert figures["caught"] / figures["total"] >= 0.9, figures["survived"]
