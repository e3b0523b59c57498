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
from genmigrate.sourcefile import SourceText
from genmigrate.write import write_changes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Every fixture whose migration extracts provider modules (the folder migrated, under fixtures/).
DEFAULT_FIXTURES = ("legacy_app", "framework_pkg/libsrc", "functions_app", "abc_layers")
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


FUNCTIONS_ONLY = {"name": "", "line": 0, "end_line": 0, "bases": [], "protocol": "functions", "methods": [],
                  "needs": []}  # a module without classes: its scenarios drive its public functions


def _specs(client: Any, move: Any, base: Path, root: str) -> tuple[CaseSpec, ...]:
    infos = [dataclasses.asdict(info) for info in client.classes] or [FUNCTIONS_ONLY]
    facts = module_facts(base / move.source_path, [info["name"] for info in infos])
    return tuple(CaseSpec(move.provider, move.target_module, move.source_module, info, root=root,
                          facts=facts.get(info["name"])) for info in infos)


def prepare(fixture: str, base: Path) -> list[Target]:
    """Copy and migrate `fixture` into `base`; the extracted modules with their classes."""
    shutil.copytree(FIXTURES / fixture, base, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    outcome = plan_and_render(base, Config())
    if outcome.plan is None:
        raise SystemExit(f"{base}:0: nothing to migrate in {fixture}")
    plan, clients = outcome.plan, {c.path: c for c in outcome.scan.clients}
    root = str(base / plan.import_root) if plan.import_root else str(base)
    moves = [(move, clients[move.source_path]) for move in plan.moves if move.source_path in clients]
    specs = {move.target_path: _specs(client, move, base, root) for move, client in moves}  # read before writing
    write_changes(base, outcome.changes)
    return [Target(fixture, move.target_path, specs[move.target_path], (move.adapter_class,)) for move, _ in moves]


def all_mutants(targets: list[Target], base: dict[str, Path]) -> list[Mutant]:
    found = []
    for target in targets:
        code = SourceText.read(base[target.fixture] / target.path).text
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


def _key(spec: CaseSpec) -> str:
    return f"{spec.module}:{spec.info.name}"


def _rebased(spec: CaseSpec, root: Path, base: Path) -> CaseSpec:
    return dataclasses.replace(spec, root=str(root / Path(spec.root or base).relative_to(base)))


def run_mutant(mutant: Mutant, base: Path, work: Path, baseline: dict[str, Any]) -> tuple[str, str] | None:
    """(killing class, scenario) or None when the mutant survives."""
    source = base / mutant.target.path
    original = SourceText.read(source)
    changed = mutate(original.text, mutant.operator, mutant.index, mutant.target.skip_classes)
    root = work / f"m{abs(hash(mutant.name))}"
    shutil.copytree(base, root, copy_function=os.link)
    (root / mutant.target.path).unlink()
    (root / mutant.target.path).write_bytes(original.with_text(changed).encode())
    try:
        for spec in mutant.target.specs:
            key = _key(spec)
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
        found = [traces(_rebased(s, root, base), baseline[_key(s)]) for s in target.specs]
        return [str(f) for f in found if f]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def describe(mutant: Mutant, base: Path) -> str:
    """`path:line: operator: -old | +new`, the changed lines of a mutant."""
    code = SourceText.read(base / mutant.target.path).text
    changed = mutate(code, mutant.operator, mutant.index, mutant.target.skip_classes)
    diff = list(difflib.unified_diff(code.splitlines(), changed.splitlines(), n=0, lineterm=""))
    line = next((h.split()[1].lstrip("-").split(",")[0] for h in diff if h.startswith("@@")), "0")
    lines = " | ".join(d.strip() for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---"))
    return f"{mutant.target.path}:{line}: {mutant.operator}: {lines}"


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


def stratified(mutants: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """`size` mutants (0: all) drawn with `seed`, an equal share per fixture (a small fixture's unused share
    goes to the others), in a fixed order: the same arguments always run the same mutants."""
    groups: dict[str, list[Mutant]] = {}
    for mutant in mutants:
        groups.setdefault(mutant.target.fixture, []).append(mutant)
    size = min(size or len(mutants), len(mutants))
    quota = dict.fromkeys(groups, 0)
    while sum(quota.values()) < size:
        open_ = [f for f in groups if quota[f] < len(groups[f])]
        share = max((size - sum(quota.values())) // len(open_), 1)
        for fixture in open_:
            quota[fixture] = min(len(groups[fixture]), quota[fixture] + share, quota[fixture] + size - sum(quota.values()))
    rng = random.Random(seed)
    return [m for fixture, group in groups.items() for m in rng.sample(group, quota[fixture])]


def baselines(targets: list[Target]) -> dict[str, Any]:
    """Every scenario trace of every class of `targets`, unmutated."""
    out = {}
    for target in targets:
        for spec in target.specs:
            recorded = traces(spec)
            if isinstance(recorded, str):
                raise SystemExit(f"{target.path}:0: the unmutated module does not run: {recorded}")
            out[_key(spec)] = recorded
    return out


def never_constructs(target: Target, baseline: dict[str, Any]) -> bool:
    """No scenario of the unmutated module gets an instance of any of its classes (its SDK is not
    installed here, say): its mutants cannot be told apart by behaviour in this environment."""
    events = [e for spec in target.specs if spec.info.name for t in baseline[_key(spec)].values() for e in t["events"]]
    built = [e for e in events if e.get("step") == "construct" and "returned" in e]
    return bool(events) and not built and all(spec.info.name for spec in target.specs)


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    started = time.perf_counter()
    bases = {f: tmp / f for f in args.fixture or DEFAULT_FIXTURES}
    targets = [t for fixture, base in bases.items() for t in prepare(fixture, base)
               if not args.only or any(word in t.path for word in args.only)]
    mutants = all_mutants(targets, bases)
    sample = stratified(mutants, args.sample, args.seed)
    sampled = [t for t in targets if any(m.target is t for m in sample)]  # only these need a baseline
    baseline = baselines(sampled)
    recorded_at = time.perf_counter()
    control = [run_control(t, bases[t.fixture], tmp, baseline) for t in sampled]
    blocked = {t.path for t in sampled if never_constructs(t, baseline)}
    results = [(m, run_mutant(m, bases[m.target.fixture], tmp, baseline)) for m in sample if m.target.path not in blocked]
    return {**score(results, bases), "not_runnable": sorted(m.name for m in sample if m.target.path in blocked), "generated": len(mutants), "seed": args.seed,
            "generated_per_fixture": dict(Counter(m.target.fixture for m in mutants)),
            "control_passes": not any(control), "baseline_seconds": round(recorded_at - started, 1),
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200, help="mutants to run (0: every mutant)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--fixture", action="append", help="fixture folder under fixtures/ (repeatable)")
    parser.add_argument("--only", action="append", help="only extracted modules whose path contains this")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seed_tiktoken_cache()
    with tempfile.TemporaryDirectory(prefix="genmigrate-mutants-") as tmp:
        figures = measure(args, Path(tmp))
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"mutation score: {figures['killed']}/{figures['total']} killed ({100 * figures['score']:.0f}%), "
          f"{figures['generated']} mutants generated, seed {args.seed}, {figures['seconds']} s")
    for label in ("per_fixture", "per_operator"):
        for key, row in figures[label].items():
            print(f"  {label[4:]} {key}: {row['killed']}/{row['total']} ({100 * row['killed'] / row['total']:.0f}%)")
    for name, change in figures["survivor_changes"].items():
        print(f"  survived: {name}: {change}")
    for name in figures["not_runnable"]:
        print(f"  not scored (no instance can be built here, its SDK missing): {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
