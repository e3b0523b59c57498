"""Time the fixture app's whole parity suite: record the baseline from the original clients, then
rerun the generated tests against the recorded tree (what CI runs).

    python bench/parity.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.parity import ParityTarget, record_baseline, render_parity_tests, verify_parity
from genmigrate.parity.offline import seed_tiktoken_cache

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy_app"


def main() -> int:
    seed_tiktoken_cache()
    with tempfile.TemporaryDirectory(prefix="genmigrate-bench-") as tmp:
        root = Path(tmp) / "app"
        shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
        scan = discover(root, Config())
        targets = [ParityTarget(c.provider, c.module, c.module, k) for c in scan.clients for k in c.classes]
        started = time.perf_counter()
        snapshots = record_baseline(root, targets)
        recorded = time.perf_counter() - started
        for rel, content in {**render_parity_tests(targets), **snapshots}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        started = time.perf_counter()
        report = verify_parity(root)
        verified = time.perf_counter() - started
    print(f"classes: {len(targets)}, scenarios: {report.passed + report.failed}")
    print(f"record baseline: {recorded:.1f} s")
    print(f"parity suite (verify): {verified:.1f} s  (target < 20 s)  ok={report.ok}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
