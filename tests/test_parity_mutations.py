"""The parity suite catches at least 90% of small behaviour-changing patches to the fixture's clients.

Slow (records the fixture's baseline, then runs every mutant's provider tests in subprocesses).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "mutations.py"


def test_mutation_score_floor() -> None:
    result = subprocess.run([sys.executable, str(BENCH), "--json", "--jobs", "2"], capture_output=True, text=True,
                            check=False, env={**os.environ})
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)
    assert figures["total"] >= 30
    assert figures["broken_runs"] == []
    assert figures["caught"] / figures["total"] >= 0.9, figures["survived"]
