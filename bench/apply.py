"""Time `genmigrate apply` (with parity) on a git copy of the fixture app, and count the parity
workers the run starts (one: genmigrate's, shared by the recording and the generated tests).

Baseline, measured in the same run: the fixture's scenarios run once, one after another, in one
plain process (`case_trace`, no worker, no forks, no pytest), as bench/parity.py measures it. An
apply runs every scenario twice (the original's baseline and the migrated copy), so a ratio under
2 means the two sides overlap.

    python bench/apply.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parity import FIXTURE, in_process_seconds  # bench/parity.py

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.parity import ParityTarget
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.worker import STARTS_ENV


def _git_copy(folder: Path) -> Path:
    root = folder / "legacy_app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def _apply(folder: Path) -> dict[str, float]:
    root = _git_copy(folder)
    notes = folder / "workers.jsonl"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "genmigrate", "apply", "."],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, STARTS_ENV: str(notes)},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"apply failed ({result.returncode}):\n{result.stderr[-3000:]}")
    rows = [json.loads(line) for line in notes.read_text(encoding="utf-8").splitlines()] if notes.is_file() else []
    end = next((r for r in rows if r["event"] == "end"), {})
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "workers": sum(r["event"] == "start" for r in rows),
        "requests": end.get("requests", 0),
        "prefetched": end.get("prefetched", 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="applies to time (the median is printed)")
    args = parser.parse_args()
    seed_tiktoken_cache()
    with tempfile.TemporaryDirectory(prefix="genmigrate-bench-") as tmp:
        plain = _git_copy(Path(tmp) / "plain")
        scan = discover(plain, Config())
        targets = [ParityTarget(c.provider, c.module, c.module, k) for c in scan.clients for k in c.classes]
        baseline, scenarios = in_process_seconds(plain, targets)
        runs = [_apply(Path(tmp) / f"run{i}") for i in range(args.runs)]
    runs.sort(key=lambda r: r["wall"])
    median = runs[len(runs) // 2]
    print(f"classes: {len(targets)}, scenarios: {scenarios}, cores: {os.cpu_count()}")
    print(f"baseline, every scenario once in one plain process: {baseline:.1f} s")
    print(
        f"genmigrate apply (with parity), median of {len(runs)}: {median['wall']:.1f} s wall, "
        f"{median['cpu']:.1f} s cpu  ({median['wall'] / baseline:.2f}x the baseline; target <= 20 s)"
    )
    print(
        f"parity workers started per run: {median['workers']} (must be 1); requests answered: "
        f"{median['requests']}, of them traced ahead: {median['prefetched']}"
    )
    return 0 if all(r["workers"] == 1 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
