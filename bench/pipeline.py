"""Wall time of the migration pipeline's stages against a plain LibCST parse of every file.

On a copy of fixtures/legacy_app and on a synthetic repo (the fixture plus N unrelated modules, built
as bench/scan.py builds them), prints the wall time of, each measured in this run:

- baseline: `libcst.parse_module` of every .py file once (the floor any LibCST-based tool pays);
- scan:     in-process `discover()`;
- render:   planning and rendering from that scan;
- verify:   re-parse/compile of every output, the idempotency pass and the import probe of every
            old and new module path in a scratch copy;
- diff:     `genmigrate diff --no-parity` end to end, in a fresh interpreter;

and each figure divided by the baseline. Each stage runs `--repeat` times; the best time counts.

    python bench/pipeline.py [--repeat R] [N ...]      # default N: 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from genmigrate.config import load_config
from genmigrate.discover import discover
from genmigrate.engine import _check_idempotent
from genmigrate.parity.offline import tiktoken_cache_dir
from genmigrate.plan import existing_moves, make_plan
from genmigrate.render import render
from genmigrate.tree import Tree
from genmigrate.probe import import_failures
from genmigrate.verify import check_outputs, materialised

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan import FIXTURE, build  # noqa: E402  (bench/scan.py: the synthetic repo builder)


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def parse_all(root: Path) -> None:
    for path in root.rglob("*.py"):
        cst.parse_module(path.read_bytes())


def stages(root: Path, repeat: int) -> dict[str, float]:
    config = load_config(root)
    tree = Tree(root)
    scan = discover(root, config)
    plan = make_plan(scan, config, existing_moves(scan, tree.read))
    changes = render(plan, scan, tree)
    fresh = [m for m in plan.moves if m.keep]
    modules = [m.source_module for m in fresh] + [m.target_module for m in fresh] + [plan.package_module]

    def verify() -> None:
        assert not check_outputs(changes) and not _check_idempotent(root, config, changes)
        with materialised(root, changes) as copy:
            assert not import_failures(copy, modules, plan.import_root)

    command = [sys.executable, "-m", "genmigrate", "diff", "--no-parity", str(root)]
    return {
        "baseline": best(repeat, lambda: parse_all(root)),
        "scan": best(repeat, lambda: discover(root, config)),
        "render": best(repeat, lambda: render(make_plan(scan, config, existing_moves(scan, tree.read)), scan, tree)),
        "verify": best(repeat, verify),
        "diff": best(repeat, lambda: subprocess.run(command, capture_output=True, check=False)),
    }


def report(name: str, figures: dict[str, float]) -> None:
    base = figures["baseline"]
    cells = "  ".join(f"{stage} {seconds:6.2f}s ({seconds / base:5.2f}x)" for stage, seconds in figures.items())
    print(f"{name:<14} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("counts", nargs="*", type=int, default=[2000])
    args = parser.parse_args()
    cache = tiktoken_cache_dir()  # the import probe loads adalflow, which wants cl100k_base offline
    if cache:
        os.environ["TIKTOKEN_CACHE_DIR"] = cache
    print("wall time per stage (best of %d) and its ratio to parsing every .py file with LibCST" % args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "legacy_app"
        shutil.copytree(FIXTURE, fixture, ignore=shutil.ignore_patterns("__pycache__"))
        report("fixture", stages(fixture, args.repeat))
    for count in args.counts:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "synthetic"
            build(root, count)
            report(f"fixture+{count}", stages(root, args.repeat))


if __name__ == "__main__":
    main()
