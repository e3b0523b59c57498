"""Time the fixture app's whole parity suite (what CI runs): record the baseline from the original
clients, then rerun the generated tests against the recorded tree through `verify_parity`, where
every scenario runs in a fork of the isolated worker.

Baseline, measured in the same run: the same scenarios run one after another in one plain
process (`case_trace`, no worker, no forks: what the suite cost before scenarios were isolated).

    python bench/parity.py
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.parity import ParityTarget, record_baseline, render_parity_tests, verify_parity
from genmigrate.parity.offline import seed_tiktoken_cache

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy_app"
_IN_PROCESS = """
import json, sys, time
from genmigrate.parity.cases import CaseSpec, case_scenarios, case_trace
specs = [CaseSpec(**s) for s in json.loads(sys.stdin.read())]
started = time.perf_counter()
count = sum(1 for spec in specs for scenario in case_scenarios(spec).values() if case_trace(spec, scenario))
print(json.dumps({"seconds": time.perf_counter() - started, "scenarios": count}))
"""


def in_process_seconds(root: Path, targets: list[ParityTarget]) -> tuple[float, int]:
    specs = [{"provider": t.provider, "module": t.old_module, "legacy_module": t.old_module,
              "class_info": dataclasses.asdict(t.cls)} for t in targets]
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _IN_PROCESS], input=json.dumps(specs), cwd=root, text=True,
                            capture_output=True, check=True, env={**os.environ, "PYTHONPATH": path})
    figures = json.loads(result.stdout.splitlines()[-1])
    return time.perf_counter() - started, int(figures["scenarios"])


def _per(seconds: float, scenarios: int) -> str:
    return f"{seconds / max(scenarios, 1) * 1000:.1f} ms per scenario"


def main() -> int:
    seed_tiktoken_cache()
    with tempfile.TemporaryDirectory(prefix="genmigrate-bench-") as tmp:
        root = Path(tmp) / "app"
        shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
        scan = discover(root, Config())
        targets = [ParityTarget(c.provider, c.module, c.module, k) for c in scan.clients for k in c.classes]
        baseline, count = in_process_seconds(root, targets)
        started = time.perf_counter()
        snapshots = record_baseline(root, targets)
        recorded = time.perf_counter() - started
        for rel, content in {**render_parity_tests(targets), **snapshots}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        started = time.perf_counter()
        report = verify_parity(root)
        verified = time.perf_counter() - started
    scenarios = report.passed + report.failed
    print(f"classes: {len(targets)}, scenarios: {scenarios} (in-process baseline ran {count})")
    print(f"baseline, one plain process, no isolation: {baseline:.1f} s  ({_per(baseline, count)})")
    print(f"record baseline snapshots: {recorded:.1f} s  ({_per(recorded, scenarios)})")
    ratio = verified / baseline
    print(f"parity suite (verify_parity, isolated): {verified:.1f} s  ({_per(verified, scenarios)}; "
          f"{ratio:.2f}x the baseline; target <= 1.3: {'ok' if ratio <= 1.3 else 'MISS'})  ok={report.ok}")
    if ratio > 1.3:
        print("    cause: every isolated scenario is a fork of its case process and keeps nothing it learns; what"
              " it pays\n    again each time is listed in docs/parity.md (\"What an isolated scenario costs\")")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
