"""Scenarios for a client module's public functions (`ollama_patch.list_models(host)`, a Mistral
module of two functions and no class), derived from the legacy source's facts
(`genmigrate.parity.facts`): each function called with representative arguments, with only its
required ones (so a changed default shows), with each optional parameter planted (so a renamed or
dropped keyword shows), under each failure mode, and with each environment variable the module
reads absent and set.

A function's counterpart may live elsewhere: `target` in its facts names it as `module:name` or
`module:Class.method` (a function folded into a class: called on an instance built with no
arguments). Scenario names are `<function>.<variant>`, so a report can say which function differs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from genmigrate.model import ClassInfo
from genmigrate.parity.derived import PROMPT, env_value, planted
from genmigrate.parity.runner import FAILED, Probe, Scenario
from genmigrate.parity.scenarios import WRAPPER_ERROR_MODES, _argument

FUNCTIONS = "functions"  # the protocol of a case whose subject is a module's functions, not a class


def functions_info() -> ClassInfo:
    """The ClassInfo of a functions case: no class (an empty name), protocol `functions`."""
    return ClassInfo(name="", line=0, end_line=0, bases=[], protocol="functions", methods=[], needs=[])


def _resolve(p: Probe, function: dict[str, Any]) -> Any:
    """The callable under test for `function`, or FAILED (the reason recorded as its step)."""
    name = function["name"]
    target = function.get("target") or f"{p.module.__name__}:{name}"
    module_name, _, qualname = target.partition(":")
    try:
        holder: Any = importlib.import_module(module_name)
    except Exception as exc:  # the counterpart's module does not import: its behaviour
        p.note({"step": name, **p.normaliser.exception(exc)})
        return FAILED
    parts = qualname.split(".")
    for index, part in enumerate(parts):
        found = getattr(holder, part, None)
        if found is None:
            p.note({"step": name, "missing": name})
            return FAILED
        if isinstance(found, type) and index < len(parts) - 1:
            try:
                found = found()
            except Exception as exc:
                p.note({"step": name, "construct": p.normaliser.exception(exc)})
                return FAILED
        holder = found
    return holder


def _arguments(function: dict[str, Any], provider: str, settings: bool, extra: dict[str, Any]) -> dict[str, Any]:
    kwargs = {}
    for param in function["params"]:
        known, value = _argument(param["name"], provider, False)
        if param["required"] or (known and settings):
            kwargs[param["name"]] = value if known else PROMPT
    return {**kwargs, **extra}


def _call(
    function: dict[str, Any], provider: str, settings: bool = True, extra: dict[str, Any] | None = None
) -> Callable[[Probe], None]:
    def steps(p: Probe) -> None:
        fn = _resolve(p, function)
        if fn is not FAILED:
            p.step(function["name"], fn, consume=True, **_arguments(function, provider, settings, extra or {}))

    return steps


def _one_function(function: dict[str, Any], provider: str, env: list[str]) -> list[Scenario]:
    name = function["name"]
    out = [Scenario(name, "ok", _call(function, provider), "representative arguments")]
    if any(not q["required"] for q in function["params"]):
        out.append(
            Scenario(
                f"{name}.defaults",
                "ok",
                _call(function, provider, settings=False),
                "only the required arguments: the function's own defaults apply",
            )
        )
    out += [
        Scenario(
            f"{name}.{q['name']}",
            "ok",
            _call(function, provider, extra={q["name"]: planted(q)}),
            f"{q['name']} planted",
        )
        for q in function["params"]
        if not q["required"]
    ]
    out += [Scenario(f"{name}.{mode}", mode, _call(function, provider)) for mode in WRAPPER_ERROR_MODES]
    for var in env:
        out.append(Scenario(f"{name}.env.{var}.absent", "ok", _call(function, provider), f"{var} unset", {var: None}))
        out.append(
            Scenario(f"{name}.env.{var}.set", "ok", _call(function, provider), f"{var} set", {var: env_value(var)})
        )
    return out


def function_scenarios(provider: str, facts: dict[str, Any] | None) -> list[Scenario]:
    """Every scenario of every public function in `facts` (JSON-native, from the legacy source)."""
    facts = facts or {}
    out = []
    for function in facts.get("functions", []):
        out += _one_function(function, provider, facts.get("env", []))
    return out


def function_of(scenario: str) -> str:
    """The function a scenario of `function_scenarios` exercises."""
    return scenario.split(".", 1)[0]
