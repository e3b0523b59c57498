"""Scan speed against a plain LibCST parse of every file, on synthetic repositories.

Builds, in a temporary directory, a copy of fixtures/legacy_app plus N generated unrelated modules of
realistic size (some mention SDK names in strings and comments), then prints for each N the wall time
of in-process `discover()` and of `libcst.parse_module` on every .py file, measured in the same run,
and their ratio (target: <= 0.25 at N = 5000).

    python bench/scan.py [N ...]
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst

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


def measure(count: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, count)
        start = time.perf_counter()
        result = discover(root, Config())
        scan_time = time.perf_counter() - start
        start = time.perf_counter()
        for path in root.rglob("*.py"):
            cst.parse_module(path.read_bytes())
        parse_time = time.perf_counter() - start
    return scan_time, parse_time, len(result.clients)


def main(counts: list[int]) -> None:
    print("discover() in-process vs libcst.parse_module of every .py file")
    print(f"{'N':>6} {'scan s':>8} {'parse-all s':>12} {'ratio':>7} {'clients':>8}")
    for count in counts:
        scan_time, parse_time, clients = measure(count)
        print(f"{count:>6} {scan_time:>8.2f} {parse_time:>12.2f} {scan_time / parse_time:>7.3f} {clients:>8}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000, 5000])
