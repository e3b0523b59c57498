"""Compare any two classes over the scenarios derived from the first (e.g. a hand-made migration)."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genmigrate.config import Config
from genmigrate.model import ClassInfo
from genmigrate.parity.cases import CaseSpec
from genmigrate.parity.classinfo import ClassInfoError, class_info
from genmigrate.parity.compare import Difference, differences
from genmigrate.parity.deadline import timeout_line
from genmigrate.parity.facts import module_facts
from genmigrate.parity.harness import ParityCase
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.worker import WorkerError


class PairError(Exception):
    """A bad MODULE:CLASS or a module that cannot be found; str() is `path:line: message`."""


@dataclass(frozen=True)
class ClassRef:
    module: str
    name: str

    @classmethod
    def parse(cls, text: str) -> ClassRef:
        module, sep, name = text.partition(":")
        if not sep or not module or not name.isidentifier():
            raise PairError(f"{text}:0: expected MODULE:CLASS, e.g. api.openai_client:OpenAIClient")
        return cls(module, name)


def _module_path(root: Path, module: str) -> Path:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise PairError(f"{root / module.replace('.', '/')}.py:0: module {module} not found under {root}")
    return Path(spec.origin)


def legacy_info(root: Path, ref: ClassRef) -> tuple[ClassInfo, str]:
    """The legacy class's ClassInfo and provider, from a scan of `root` (a direct parse as fallback)."""
    from genmigrate.discover import discover

    path = _module_path(root, ref.module)
    for client in discover(root, Config()).clients:
        for info in client.classes:
            if client.module == ref.module and info.name == ref.name:
                return info, client.provider
    try:
        return class_info(path, ref.name), "unknown"
    except ClassInfoError as exc:
        raise PairError(str(exc)) from None


@dataclass
class PairResult:
    scenarios: int
    differences: list[Difference]
    timeouts: list[str]  # one line each: class, scenario, last request seen
    names: list[str] = dataclasses.field(default_factory=list)  # the scenarios, in order


def _traces(spec: CaseSpec) -> dict[str, dict[str, Any]]:
    """Every scenario's trace of one side, each run in a fork of the shared isolated worker."""
    case = ParityCase.from_spec(spec)
    try:
        return {name: case.fetch(name) for name in case.scenario_names()}
    except WorkerError as exc:  # a side that cannot run: one line, the cause named
        where = spec.module.replace(".", "/") + ".py"
        raise PairError(f"{where}:1: {str(exc).strip().splitlines()[-1]}") from None


def compare_pair(root: Path, legacy: ClassRef, candidate: ClassRef) -> PairResult:
    """Every behaviour difference of `candidate` from `legacy`, over the scenarios derived from
    `legacy`. Both sides run in forks of the shared worker (nothing one imports or caches reaches
    the other or a later scenario); the candidate's inputs are computed with the legacy class."""
    info, provider = legacy_info(root, legacy)
    _module_path(root, candidate.module)
    tree = str(root.resolve())
    return compare_sides(info, provider, _module_path(root, legacy.module), legacy, candidate, (tree, tree))


def compare_sides(
    info: ClassInfo,
    provider: str,
    legacy_path: Path,
    legacy: ClassRef,
    candidate: ClassRef,
    roots: tuple[str, str],
    reference: bool = True,
    facts: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> PairResult:
    """`compare_pair` once the legacy class is known. `roots` (legacy, candidate): the tree each side
    is imported from (the shared worker may have been started for another tree: the root goes with
    every case). Without `reference` (the legacy module is not on the candidate's path) the
    candidate is given what the legacy side's methods returned in its own run (its api_kwargs, its
    call's response: genmigrate.parity.given), and a rename is read back as the legacy name here.
    `facts` (legacy, candidate): what the scenarios derive from, when not the legacy module's."""
    seed_tiktoken_cache()
    if facts is None:
        own = module_facts(legacy_path, [legacy.name]).get(legacy.name, {})
        facts = (own, own)
    shared: dict[str, Any] = {
        "provider": provider,
        "legacy_module": legacy.module,
        "class_info": dataclasses.asdict(info),
    }
    label = f"{legacy.module}:{legacy.name}" if legacy.name else legacy.module
    with tempfile.TemporaryDirectory(prefix="genmigrate-given-") as folder:
        given: dict[str, Any] = {} if reference else {"inputs": folder}
        progress(f"parity: recording {label}")
        expected = _traces(
            CaseSpec(module=legacy.module, class_name=legacy.name, root=roots[0], facts=facts[0], **shared, **given)
        )
        progress(f"parity: running {candidate.module}:{candidate.name}")
        ref = f"{legacy.module}:{legacy.name}" if reference else None
        got = _traces(
            CaseSpec(
                module=candidate.module,
                class_name=candidate.name,
                reference=ref,
                root=roots[1],
                facts=facts[1],
                replay=not reference,
                **shared,
                **given,
            )
        )
    if not reference and candidate.name != legacy.name:
        got = _renamed(got, candidate.name, legacy.name)
    found = [d for name in expected for d in differences(name, expected[name], got.get(name), info.name)]
    timeouts = [line for trace in [*expected.values(), *got.values()] if (line := timeout_line(trace))]
    return PairResult(len(expected), found, timeouts, list(expected))


def _renamed(value: Any, new: str, old: str) -> Any:
    """`value` with the class name `new` read as `old` wherever it appears as a word (an intended rename)."""
    if isinstance(value, str):
        return re.sub(rf"\b{re.escape(new)}\b", old, value)
    if isinstance(value, dict):
        return {_renamed(k, new, old): _renamed(v, new, old) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, new, old) for v in value]
    return value


def progress(line: str) -> None:
    """Which class is being recorded, on a terminal only (a pipe gets results alone)."""
    if sys.stderr.isatty():
        print(line, file=sys.stderr, flush=True)
