"""What the command line's conventions cost, each against a baseline measured in the same run.

- start-up: `python -m genmigrate --version` against `python -c pass` (the interpreter's own start)
  and against `python -c "import click"` (the floor of any click CLI); target: <= 1.5x the click floor;
- progress: in-process `discover()` of the fixture app plus N synthetic modules (bench/scan.py)
  with a progress listener counting every step, against the same scan with none; target: <= 1.05.

    python bench/cli.py [--repeat R] [N]      # default R 5, N 2000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from genmigrate import progress
from genmigrate.config import Config
from genmigrate.discover import discover

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan import build  # bench/scan.py: the synthetic repo builder


def best(repeat: int, *runs: Callable[[], object]) -> list[float]:
    """The best time of each of `runs`, run in turn (A B A B ...) so drift in the machine's speed
    touches them alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, kept in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            kept.append(time.perf_counter() - start)
    return [min(kept) for kept in times]


def _python(*args: str) -> Callable[[], object]:
    return lambda: subprocess.run([sys.executable, *args], check=True, capture_output=True)


class Counter:
    """A listener that does what the terminal display does per step: a call and an addition."""

    def __init__(self) -> None:
        self.steps = 0

    def start(self, stage: str, total: int | None) -> object:
        return stage

    def advance(self, handle: object, steps: int) -> None:
        self.steps += steps

    def finish(self, handle: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("modules", type=int, nargs="?", default=2000)
    args = parser.parse_args()

    interpreter, click_floor, version = best(
        args.repeat, _python("-c", "pass"), _python("-c", "import click"), _python("-m", "genmigrate", "--version")
    )
    print(
        f"start-up: genmigrate --version {version * 1000:.0f} ms, python -c pass {interpreter * 1000:.0f} ms, "
        f"import click {click_floor * 1000:.0f} ms; ratio to the click floor {version / click_floor:.2f} "
        f"(target <= 1.5)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, args.modules)
        counter = Counter()

        def listened() -> None:
            with progress.listening(counter):
                discover(root, Config())

        discover(root, Config())  # warm the file cache for both
        plain, shown = best(args.repeat, lambda: discover(root, Config()), listened)
    print(
        f"progress: scan of the fixture + {args.modules} modules {plain:.2f} s without a listener, "
        f"{shown:.2f} s with one ({counter.steps // args.repeat} steps a scan); ratio {shown / plain:.3f} "
        f"(target <= 1.05)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
