"""Scan speed against `ast.parse` of every file, on synthetic repositories, and the fixture scan's CPU.

Builds, in a temporary directory, a copy of fixtures/legacy_app plus N generated unrelated modules of
realistic size (some mention SDK names in strings and comments), then prints for each N the time of
in-process `discover()` and of `ast.parse` on every .py file, measured in the same run, and their
ratio (target: <= 0.3 at N = 5000); then the CPU time of `discover()` on the fixture alone (target:
<= 0.5 s). A missed target is followed by the top cProfile entries of that scan.

    python bench/scan.py [N ...]        # default: 5000
"""

from __future__ import annotations

import ast
import cProfile
import io
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from genmigrate.config import Config
from genmigrate.discover import discover

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy_app"
MENTIONS = ("# TODO: compare with the openai and anthropic prices\n",
            "NOTE = 'the bedrock team said dashscope was slower'\n", "")


def module_text(rng: random.Random, index: int) -> str:
    parts = ['"""Generated module %d."""\n\nimport json\nimport os\n\n' % index, rng.choice(MENTIONS)]
    for k in range(rng.randint(4, 10)):
        parts.append(
            f"\n\nclass Thing{index}_{k}:\n    limit = {k}\n\n    def __init__(self, name):\n        self.name = name\n"
            f"\n    def render(self, data):\n        out = []\n        for key, value in sorted(data.items()):\n"
            f"            if key.startswith('_'):\n                continue\n            out.append(f'{{key}}={{value}}')\n"
            f"        return json.dumps({{'name': self.name, 'items': out}})\n"
        )
        parts.append(f"\n\ndef helper_{k}(path):\n    with open(os.path.join(path, 'x')) as handle:\n"
                     f"        return [line.strip() for line in handle if line]\n")
    return "".join(parts)


def build(root: Path, count: int) -> None:
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    rng = random.Random(count)
    for i in range(count):
        folder = root / "pkg" / f"sub{i % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod_{i}.py").write_text(module_text(rng, i), encoding="utf-8")


RATIO_TARGET = 0.3
FIXTURE_CPU_TARGET = 0.5


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of `run()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def parse_all(root: Path) -> None:
    for path in root.rglob("*.py"):
        ast.parse(path.read_bytes())


def top_entries(run: Callable[[], object], count: int = 8) -> str:
    """The top cProfile entries of `run()` by own time, the share of the analysis of the candidate
    client modules (their `ast` statement graph, classes and functions) in the whole, and within it
    the share of the one LibCST parse per client module the method-level stream rule still needs."""
    profile = cProfile.Profile()
    profile.runcall(run)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(count)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    raw = stats.stats  # type: ignore[attr-defined]

    def cumulative(wanted: Callable[[str, str], bool]) -> float:
        return sum(entry[3] for (path, _, name), entry in raw.items() if wanted(path, name))

    total = max(entry[3] for (_, _, name), entry in raw.items() if name == "discover")
    analysis = cumulative(lambda path, name: name == "analyse" and path.endswith("clients.py"))
    libcst = cumulative(lambda path, name: name == "parse_module" and "libcst" in path)
    share = (f"      analysis of the candidate client modules: {analysis / total:.0%} of the scan, "
             f"of which LibCST parses {libcst / total:.0%}")
    return "\n".join(["      " + line for line in lines[start:]] + [share])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def synthetic(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, count)
        clients = len(discover(root, Config()).clients)  # warm: imports, regexes compiled, page cache
        scan_wall, scan_cpu = timed(lambda: discover(root, Config()))
        parse_wall, parse_cpu = timed(lambda: parse_all(root))
        ratio = scan_cpu / parse_cpu
        base_scan, base_parse = timed(lambda: discover(FIXTURE, Config()))[1], timed(lambda: parse_all(FIXTURE))[1]
        print(f"+{count:<5} scan {scan_wall:6.2f}s wall {scan_cpu:6.2f}s cpu   ast.parse of every file {parse_wall:6.2f}s "
              f"wall {parse_cpu:6.2f}s cpu   ratio (cpu) {ratio:5.3f} (target <= {RATIO_TARGET}: "
              f"{verdict(ratio <= RATIO_TARGET)})   {clients} clients")
        extra = (scan_cpu - base_scan) / (parse_cpu - base_parse)
        print(f"    the {count} added modules alone (minus the fixture's own scan and parse): ratio {extra:5.3f}, "
              f"{(scan_cpu - base_scan) / count * 1e6:.0f} us per module scanned")
        if ratio > RATIO_TARGET:
            print("    cause, top cProfile entries of that scan by own time:")
            print(top_entries(lambda: discover(root, Config())))


def fixture() -> None:
    discover(FIXTURE, Config())  # warm
    cpu = min(timed(lambda: discover(FIXTURE, Config()))[1] for _ in range(3))
    print(f"fixture scan {cpu:.2f}s cpu, best of 3 (target <= {FIXTURE_CPU_TARGET}: "
          f"{verdict(cpu <= FIXTURE_CPU_TARGET)})")
    if cpu > FIXTURE_CPU_TARGET:
        print("    cause, top cProfile entries of the fixture scan by own time:")
        print(top_entries(lambda: discover(FIXTURE, Config())))


def main(counts: list[int]) -> None:
    print("in-process discover() vs ast.parse of every .py file, measured in the same run")
    for count in counts:
        synthetic(count)
    fixture()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000])
