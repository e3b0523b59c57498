"""What the generated parity tests call at test time (genmigrate is a dev dependency there).

A `ParityCase` is one class under test: its scenarios (derived from the legacy class's
ClassInfo, plus any the user adds in `parity_scenarios.py` next to the tests) and a `trace()`
that runs one of them. When GENMIGRATE_PARITY_REPORT names a file, every trace is also
appended there as a JSON line, which is how `verify_parity` reports readable differences.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from genmigrate.model import ClassInfo, MethodInfo
from genmigrate.parity.offline import seed_tiktoken_cache
from genmigrate.parity.runner import Scenario, run_scenario
from genmigrate.parity.scenarios import scenarios_for

REPORT_ENV = "GENMIGRATE_PARITY_REPORT"
USER_SCENARIOS = "parity_scenarios"


class UserScenarioError(Exception):
    """`parity_scenarios.py` is malformed; str() is `path:line: message`."""


def class_info_from_dict(data: dict[str, Any]) -> ClassInfo:
    return ClassInfo(**{**data, "methods": [MethodInfo(**m) for m in data["methods"]]})


def _load_user_module(folder: Path) -> ModuleType | None:
    path = folder / f"{USER_SCENARIOS}.py"
    if not path.is_file():
        return None
    name = f"_genmigrate_user_scenarios_{abs(hash(str(path)))}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserScenarioError(f"{path}:1: cannot load")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def user_scenarios(folder: Path, class_name: str) -> list[Scenario]:
    """`SCENARIOS = {"ClassName": [Scenario(...), ...]}` in `parity_scenarios.py`, if present."""
    module = _load_user_module(folder)
    if module is None:
        return []
    table = getattr(module, "SCENARIOS", {})
    where = f"{folder / (USER_SCENARIOS + '.py')}:1"
    if not isinstance(table, dict):
        raise UserScenarioError(f"{where}: SCENARIOS must be a dict of class name -> list of Scenario")
    found = table.get(class_name, [])
    if not all(isinstance(s, Scenario) for s in found):
        raise UserScenarioError(f"{where}: SCENARIOS[{class_name!r}] must hold Scenario objects")
    return list(found)


class ParityCase:
    def __init__(self, *, provider: str, module: str, legacy_module: str, class_info: dict[str, Any],
                 tests_folder: str) -> None:
        seed_tiktoken_cache()
        self.provider = provider
        self.module = module
        self.legacy_module = legacy_module
        self.info = class_info_from_dict(class_info)
        derived = scenarios_for(self.info, provider)
        extra = user_scenarios(Path(tests_folder), self.info.name)
        clash = {s.name for s in derived} & {s.name for s in extra}
        if clash:
            raise UserScenarioError(f"{tests_folder}/{USER_SCENARIOS}.py:1: scenario names already derived: "
                                    f"{', '.join(sorted(clash))}")
        self._scenarios = {s.name: s for s in [*derived, *extra]}

    def scenario_names(self) -> list[str]:
        return list(self._scenarios)

    def trace(self, name: str) -> dict[str, Any]:
        aliases = tuple(m for m in (self.legacy_module,) if m != self.module)
        trace = {"class": self.info.name, **run_scenario(self.module, self.info.name, self._scenarios[name],
                                                         aliases)}
        report = os.environ.get(REPORT_ENV)
        if report:
            with open(report, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(trace, sort_keys=True) + "\n")
        return trace
