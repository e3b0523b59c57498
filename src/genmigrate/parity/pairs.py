"""Compare any two classes over the scenarios derived from the first (e.g. a hand-made migration)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from genmigrate.config import Config
from genmigrate.model import ClassInfo
from genmigrate.parity.classinfo import ClassInfoError, class_info
from genmigrate.parity.compare import Difference, differences
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.runner import run_scenario
from genmigrate.parity.scenarios import scenarios_for


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


def compare_pair(root: Path, legacy: ClassRef, candidate: ClassRef) -> tuple[int, list[Difference]]:
    """(number of scenarios run, every behaviour difference of `candidate` from `legacy`)."""
    seed_tiktoken_cache()
    info, provider = legacy_info(root, legacy)
    _module_path(root, candidate.module)
    found: list[Difference] = []
    scenarios = scenarios_for(info, provider)
    for scenario in scenarios:
        expected = {"class": info.name, **run_scenario(legacy.module, legacy.name, scenario)}
        got = {"class": info.name, **run_scenario(candidate.module, candidate.name, scenario)}
        found += differences(scenario.name, expected, got, info.name)
    return len(scenarios), found
