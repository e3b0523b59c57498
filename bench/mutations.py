"""Mutation score of the parity scenarios on the extracted code, with mechanical mutants.

Migrates a copy of each fixture app (rendered and written, no parity run), then generates every
mutant the LibCST operators of `mutation_ops` allow in the extracted provider modules
(`.../components/generator/providers/*.py`, the generated adapter classes left out), samples
them with a fixed seed, and runs each mutant's classes over their derived scenarios in the one
warm, isolated parity worker (a mutant is a fresh copy of the tree put first on the case's
`sys.path`): a mutant is killed by the first scenario whose trace differs from the unmutated
tree's. Prints the score overall, per fixture and per operator, and every survivor.

    python bench/mutations.py [--sample 200] [--seed 20240601] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutation_ops import mutate, sites

from genmigrate.config import Config
from genmigrate.engine import plan_and_render
from genmigrate.parity.cases import CaseSpec
from genmigrate.parity.facts import module_facts
from genmigrate.parity.harness import ParityCase
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.worker import WorkerError
from genmigrate.write import write_changes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_FIXTURES = ("legacy_app",)
SEED = 20240601


@dataclass(frozen=True)
class Target:
    """One extracted module and the specs of its legacy classes (baseline tree as root)."""

    fixture: str
    path: str  # relative to the fixture copy
    specs: tuple[CaseSpec, ...]
    skip_classes: tuple[str, ...]  # generated adapters: not legacy code


@dataclass(frozen=True)
class Mutant:
    target: Target
    operator: str
    index: int

    @property
    def name(self) -> str:
        return f"{self.target.fixture}:{self.target.path}:{self.operator}#{self.index}"


def prepare(fixture: str, base: Path) -> list[Target]:
    """Copy and migrate `fixture` into `base`; the extracted modules with their classes."""
    shutil.copytree(FIXTURES / fixture, base, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    outcome = plan_and_render(base, Config())
    if outcome.plan is None:
        raise SystemExit(f"{base}:0: nothing to migrate in {fixture}")
    plan, clients = outcome.plan, {c.path: c for c in outcome.scan.clients}
    facts = {path: module_facts(base / path, [k.name for k in c.classes]) for path, c in clients.items()}
    write_changes(base, outcome.changes)
    root = str(base / plan.import_root) if plan.import_root else str(base)
    out = []
    for move in plan.moves:
        client = clients.get(move.source_path)
        if client is None:
            continue
        specs = tuple(CaseSpec(move.provider, move.target_module, move.source_module, dataclasses.asdict(info),
                               root=root, facts=facts[move.source_path].get(info.name))
                      for info in client.classes)
        out.append(Target(fixture, move.target_path, specs, (move.adapter_class,)))
    return out


def all_mutants(targets: list[Target], base: dict[str, Path]) -> list[Mutant]:
    found = []
    for target in targets:
        code = (base[target.fixture] / target.path).read_text(encoding="utf-8")
        found += [Mutant(target, op, n) for op, n in sites(code, target.skip_classes)]
    return found


def traces(spec: CaseSpec, against: dict[str, Any] | None = None) -> dict[str, Any] | str:
    """Every scenario's trace; with `against`, the first scenario that differs from it (or "")."""
    case = ParityCase.from_spec(spec)
    out = {}
    try:
        for name in case.scenario_names():
            out[name] = case.fetch(name)
            if against is not None and out[name] != against.get(name):
                return name
    except WorkerError as exc:
        return f"error: {str(exc).strip().splitlines()[-1][:120]}"
    return out if against is None else ""


def _rebased(spec: CaseSpec, root: Path, base: Path) -> CaseSpec:
    return dataclasses.replace(spec, root=str(root / Path(spec.root or base).relative_to(base)))


def run_mutant(mutant: Mutant, base: Path, work: Path, baseline: dict[str, Any]) -> tuple[str, str] | None:
    """(killing class, scenario) or None when the mutant survives."""
    source = base / mutant.target.path
    code = source.read_text(encoding="utf-8")
    changed = mutate(code, mutant.operator, mutant.index, mutant.target.skip_classes)
    root = work / f"m{abs(hash(mutant.name))}"
    shutil.copytree(base, root, copy_function=os.link)
    (root / mutant.target.path).unlink()
    (root / mutant.target.path).write_text(changed, encoding="utf-8")
    try:
        for spec in mutant.target.specs:
            key = f"{spec.module}:{spec.info.name}"
            killed = traces(_rebased(spec, root, base), baseline[key])
            if killed:
                return spec.info.name, str(killed)
        return None
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_control(target: Target, base: Path, work: Path, baseline: dict[str, Any]) -> list[str]:
    """An unmutated copy run the same way must match: otherwise every "killed" means nothing."""
    root = work / f"control{abs(hash(target.path))}"
    shutil.copytree(base, root, copy_function=os.link)
    try:
        found = [traces(_rebased(s, root, base), baseline[f"{s.module}:{s.info.name}"]) for s in target.specs]
        return [str(f) for f in found if f]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def describe(mutant: Mutant, base: Path) -> str:
    """The changed lines of a mutant, `-old` / `+new`."""
    code = (base / mutant.target.path).read_text(encoding="utf-8")
    changed = mutate(code, mutant.operator, mutant.index, mutant.target.skip_classes)
    diff = difflib.unified_diff(code.splitlines(), changed.splitlines(), n=0, lineterm="")
    return " | ".join(line.strip() for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def score(results: list[tuple[Mutant, tuple[str, str] | None]], bases: dict[str, Path]) -> dict[str, Any]:
    def table(key: Any) -> dict[str, dict[str, int]]:
        total, killed = Counter(key(m) for m, _ in results), Counter(key(m) for m, r in results if r)
        return {k: {"killed": killed[k], "total": total[k]} for k in sorted(total)}

    killed = sum(1 for _, r in results if r)
    return {"killed": killed, "total": len(results), "score": round(killed / max(len(results), 1), 3),
            "per_fixture": table(lambda m: m.target.fixture), "per_operator": table(lambda m: m.operator),
            "survivors": [m.name for m, r in results if r is None],
            "survivor_changes": {m.name: describe(m, bases[m.target.fixture]) for m, r in results if r is None},
            "distinct": len({m.name for m, _ in results}),
            "targets": sorted({m.target.path for m, _ in results})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200, help="mutants to run (0: every mutant)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--fixture", action="append", help="fixture folder under fixtures/ (repeatable)")
    parser.add_argument("--only", action="append", help="only extracted modules whose path contains this")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seed_tiktoken_cache()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="genmigrate-mutants-") as tmp:
        bases = {f: Path(tmp) / f for f in args.fixture or DEFAULT_FIXTURES}
        targets = [t for fixture, base in bases.items() for t in prepare(fixture, base)
                   if not args.only or any(word in t.path for word in args.only)]
        baseline = {}
        for target in targets:
            for spec in target.specs:
                recorded = traces(spec)
                if isinstance(recorded, str):
                    raise SystemExit(f"{target.path}:0: the unmutated module does not run: {recorded}")
                baseline[f"{spec.module}:{spec.info.name}"] = recorded
        recorded_at = time.perf_counter()
        control = [run_control(t, bases[t.fixture], Path(tmp), baseline) for t in targets]
        mutants = all_mutants(targets, bases)
        sample = random.Random(args.seed).sample(mutants, min(args.sample or len(mutants), len(mutants)))
        results = [(m, run_mutant(m, bases[m.target.fixture], Path(tmp), baseline)) for m in sample]
        figures = {**score(results, bases), "generated": len(mutants), "seed": args.seed, "control_passes": not any(control),
               "baseline_seconds": round(recorded_at - started, 1),
               "seconds": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"mutation score: {figures['killed']}/{figures['total']} killed ({100 * figures['score']:.0f}%), "
          f"{len(mutants)} mutants generated, seed {args.seed}, {figures['seconds']} s")
    for label in ("per_fixture", "per_operator"):
        for key, row in figures[label].items():
            print(f"  {label[4:]} {key}: {row['killed']}/{row['total']}")
    for name, change in figures["survivor_changes"].items():
        print(f"  survived: {name}: {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
