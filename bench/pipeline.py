"""`genmigrate diff --no-parity` against `genmigrate scan` of the same tree, both measured in this run.

On a copy of fixtures/legacy_app and on synthetic projects of many client modules (the generator of
tests/test_many_clients.py), prints for each tree the wall and CPU time of both commands in a fresh
interpreter (best of `--repeat`) and their ratio (target: diff / scan <= 1.5), then the cost of one
extra client module (the slope between the two synthetic sizes). For every tree over target it
names the cause: the time of each pipeline stage in-process, and the top cProfile entries.

    python bench/pipeline.py [--repeat R] [--clients SMALL LARGE]    # default: 3, 10 30
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genmigrate import engine
from genmigrate.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scan import FIXTURE  # noqa: E402

from tests.trees import many_clients  # noqa: E402

TARGET = 1.5


def command(args: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time and the CPU time of that run (user + system, the child and its children)."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "genmigrate", *args], capture_output=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best = min(best, (wall, cpu))
    return best


def stage_times(root: Path) -> dict[str, float]:
    """Wall time of each stage of `migrate(parity=False)` in-process (the idempotency pass included
    in verify)."""
    times: dict[str, float] = {}
    depth = [0]
    originals = engine.STAGES

    def timed(stage: engine.Stage) -> engine.Stage:
        def run(current: engine.Run) -> object:
            depth[0] += 1
            start = time.perf_counter()
            try:
                return stage.run(current)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    times[stage.name] = times.get(stage.name, 0.0) + time.perf_counter() - start

        return engine.Stage(stage.name, stage.produces, run)

    engine.STAGES = tuple(timed(s) for s in originals)
    try:
        engine.run_stages(engine.Run(root, load_config(root), verify=True), engine.STAGES)
    finally:
        engine.STAGES = originals
    return times


def top_entries(root: Path, count: int = 14) -> str:
    """genmigrate's own functions by cumulative time in `migrate(parity=False)`: where the time goes."""
    profile = cProfile.Profile()
    profile.runcall(engine.migrate, root, load_config(root), parity=False)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(r"genmigrate|codemods", count)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join("      " + line for line in lines[start:])


def measure(name: str, root: Path, repeat: int) -> tuple[float, float, float, float]:
    scan_wall, scan_cpu = command(["scan", str(root)], repeat)
    diff_wall, diff_cpu = command(["diff", "--no-parity", str(root)], repeat)
    ratio = diff_wall / scan_wall
    verdict = "ok" if ratio <= TARGET else "MISS"
    print(
        f"{name:<12} scan {scan_wall:5.2f}s wall {scan_cpu:5.2f}s cpu   diff --no-parity {diff_wall:5.2f}s wall "
        f"{diff_cpu:5.2f}s cpu   diff/scan {ratio:4.2f} (target <= {TARGET}: {verdict})"
    )
    if ratio > TARGET:
        stages = stage_times(root)
        print("    cause, in-process stage times: " + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items()))
        print("    top cProfile entries of migrate(parity=False) in genmigrate's own code, by cumulative time:")
        print(top_entries(root))
    return scan_wall, diff_wall, scan_cpu, diff_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs=2, default=[10, 30], metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    from genmigrate.parity.offline import tiktoken_cache_dir

    cache = tiktoken_cache_dir()  # the import check loads adalflow, which wants cl100k_base offline
    if cache:
        os.environ["TIKTOKEN_CACHE_DIR"] = cache
    print(f"genmigrate diff --no-parity vs genmigrate scan, fresh interpreters, best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "legacy_app"
        shutil.copytree(FIXTURE, fixture, ignore=shutil.ignore_patterns("__pycache__"))
        measure("fixture", fixture, args.repeat)
        sizes: dict[int, tuple[float, float, float, float]] = {}
        for count in args.clients:
            root = Path(tmp) / f"many{count}"
            many_clients(root, count)
            sizes[count] = measure(f"{count} clients", root, args.repeat)
    small, large = args.clients
    slopes = [(sizes[large][i] - sizes[small][i]) / (large - small) * 1000 for i in range(4)]
    print(
        f"per extra client module (slope between {small} and {large} clients): scan {slopes[0]:.0f} ms wall "
        f"{slopes[2]:.0f} ms cpu, diff --no-parity {slopes[1]:.0f} ms wall {slopes[3]:.0f} ms cpu"
    )


if __name__ == "__main__":
    main()
