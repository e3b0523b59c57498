"""One class under test and the scenarios it runs: those derived from the legacy class's
ClassInfo, plus any the user adds in `parity_scenarios.py` next to the generated tests."""

from __future__ import annotations

import functools
import importlib.util
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from genmigrate.model import ClassInfo, MethodInfo
from genmigrate.parity.functions import FUNCTIONS, function_scenarios
from genmigrate.parity.given import Given
from genmigrate.parity.runner import Scenario, run_scenario
from genmigrate.parity.scenarios import scenarios_for

USER_SCENARIOS = "parity_scenarios"


class UserScenarioError(Exception):
    """`parity_scenarios.py` is malformed or fails to import; str() is `path:line: message`."""


def class_info_from_dict(data: dict[str, Any]) -> ClassInfo:
    return ClassInfo(**{**data, "methods": [MethodInfo(**m) for m in data["methods"]]})


@dataclass(frozen=True)
class CaseSpec:
    """What a scenario run needs to know about the class under test (JSON-native)."""

    provider: str
    module: str  # where the class under test is imported from
    legacy_module: str  # the original module: its types read as `<module>` in traces too
    class_info: dict[str, Any]
    tests_folder: str | None = None  # where `parity_scenarios.py` may live
    class_name: str | None = None  # defaults to the legacy class's name
    reference: str | None = None  # "module:Class" of the original, when the class under test is another
    root: str | None = None  # a folder put first on sys.path for this case (a mutant's copy, say)
    facts: dict[str, Any] | None = None  # read from the legacy source (genmigrate.parity.facts)
    # A folder the original's results are recorded in (its own run) or replayed from (with
    # `replay`, the candidate's run): genmigrate.parity.given.
    inputs: str | None = None
    replay: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @functools.cached_property
    def info(self) -> ClassInfo:
        return class_info_from_dict(self.class_info)


def _import_error(path: Path, exc: BaseException) -> UserScenarioError:
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename) == path:
        return UserScenarioError(f"{path}:{exc.lineno or 1}: {exc.msg}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    line = frames[-1].lineno if frames else 1
    return UserScenarioError(f"{path}:{line}: {type(exc).__name__}: {exc}")


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
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's file: any failure is reported as path:line
        raise _import_error(path, exc) from None
    sys.modules[name] = module
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
    if not isinstance(found, list | tuple) or not all(isinstance(s, Scenario) for s in found):
        raise UserScenarioError(f"{where}: SCENARIOS[{class_name!r}] must hold Scenario objects")
    return list(found)


def case_scenarios(spec: CaseSpec) -> dict[str, Scenario]:
    """Derived scenarios, then the user's; a user scenario may not reuse a derived name."""
    info = spec.info
    if info.protocol == FUNCTIONS:
        derived = function_scenarios(spec.provider, spec.facts)
    else:
        derived = scenarios_for(info, spec.provider, spec.facts)
    extra = user_scenarios(Path(spec.tests_folder), info.name) if spec.tests_folder else []
    clash = {s.name for s in derived} & {s.name for s in extra}
    if clash:
        raise UserScenarioError(f"{Path(spec.tests_folder or '.') / (USER_SCENARIOS + '.py')}:1: scenario names "
                                f"already derived: {', '.join(sorted(clash))}")
    return {s.name: s for s in [*derived, *extra]}


def case_trace(spec: CaseSpec, scenario: Scenario) -> dict[str, Any]:
    """Run one scenario of the case in this process and return its trace."""
    aliases = tuple(m for m in (spec.legacy_module,) if m != spec.module)
    name = spec.class_name or spec.info.name
    reference = tuple(spec.reference.split(":", 1)) if spec.reference else None
    given = Given(spec.inputs, scenario.name, spec.replay) if spec.inputs else None
    trace = {"class": spec.info.name, **run_scenario(spec.module, name, scenario, aliases, reference, given)}
    if given is not None:
        given.save()
    return trace
