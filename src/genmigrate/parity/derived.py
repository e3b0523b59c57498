"""Scenarios derived from the legacy code's facts (`genmigrate.parity.facts`): every constructor
parameter with a planted value of its type, each environment variable the code reads absent and
set, every literal branch of a method or of the state the constructor sets, and the module's
public functions. Each constructs its own instance, then runs the class's primary operation,
so a renamed, dropped or ignored keyword or variable shows in what is sent or returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genmigrate.model import ClassInfo, MethodInfo
from genmigrate.parity.runner import FAILED, Probe, Scenario
from genmigrate.parity.trace import SECRET_PREFIX

PROMPT = "What is behavioural parity?"
_SECRETISH = ("key", "token", "secret", "password", "credential")
_URLISH = ("url", "host", "endpoint", "base")


def planted_callable(*args: Any, **kwargs: Any) -> str:
    """A callable planted where a parameter takes one (a parser, a hook)."""
    return "parity-callable"


def planted(param: dict[str, Any]) -> Any:
    """A value of the parameter's type that differs from its default."""
    name, note, default = param["name"].lower(), param.get("annotation", ""), param.get("default")
    if any(word in name for word in _SECRETISH):
        return SECRET_PREFIX + "ARG_" + param["name"]
    if isinstance(default, bool) or note == "bool":
        return not default
    if isinstance(default, int) or note.endswith("int]") or note == "int":
        return (default or 0) + 7
    if isinstance(default, float) or "float" in note:
        return (default or 0.0) * 2 + 7.5
    if "Callable" in note:
        return planted_callable
    if "Dict" in note or "dict" in note or "Mapping" in note:
        return {"x-parity": "planted"}
    if "List" in note or "list" in note or "Sequence" in note:
        return ["parity-planted"]
    if any(word in name for word in _URLISH):
        return f"https://parity-{name.replace('_', '-')}.example.com/v1"
    if isinstance(default, str):
        return default + "-parity"
    return f"parity-{name.replace('_', '-')}"


def env_value(name: str) -> str:
    if any(word.upper() in name for word in _SECRETISH):
        return SECRET_PREFIX + "ENV_" + name
    if any(word.upper() in name for word in _URLISH):
        return f"https://parity-{name.lower().replace('_', '-')}.example.com/v1"
    if name.endswith(("TIMEOUT", "RETRIES", "ATTEMPTS")):
        return "7"
    if "REGION" in name:
        return "eu-central-1"
    if name.endswith(("VERSION", "API_VERSION")):
        return "2024-06-01"
    return f"parity-{name.lower()}"


Primary = Callable[[Probe, Any, dict[str, Any]], None]


def _with(init: dict[str, Any], primary: Primary) -> Callable[[Probe], None]:
    def steps(p: Probe) -> None:
        instance = p.construct(**init)
        if instance is not FAILED:
            primary(p, instance, init)

    return steps


def _init_scenarios(facts: dict[str, Any], primary: Primary) -> list[Scenario]:
    params = [q for q in facts.get("init", []) if not q["required"]]
    out = [
        Scenario(
            f"init_{q['name']}",
            "ok",
            _with({q["name"]: planted(q)}, primary),
            f"construct with {q['name']} planted, then the primary operation",
        )
        for q in params
    ]
    if len(params) > 1:
        together = {q["name"]: planted(q) for q in params}
        out.append(Scenario("init_all_planted", "ok", _with(together, primary), "every constructor parameter planted"))
    names = {q["name"] for q in facts.get("init", [])}
    for method, found in facts.get("branches", {}).items():
        for subject, values in found.items():
            attr = subject.removeprefix("self.").lstrip("_")
            if subject.startswith("self.") and attr in names:
                out += [
                    Scenario(
                        f"init_{attr}_{_slug(v)}", "ok", _with({attr: v}, primary), f"{subject} == {v!r} in {method}"
                    )
                    for v in values
                ]
    return out


def _slug(value: Any) -> str:
    return "".join(c if c.isalnum() else "_" for c in str(value)).strip("_").lower() or "empty"


def _env_scenarios(facts: dict[str, Any], primary: Primary) -> list[Scenario]:
    out = []
    for name in facts.get("env", []):
        out.append(Scenario(f"env_{name}_absent", "ok", _with({}, primary), f"{name} unset", {name: None}))
        out.append(Scenario(f"env_{name}_set", "ok", _with({}, primary), f"{name} set", {name: env_value(name)}))
    return out


def _branch_scenarios(
    info: ClassInfo, facts: dict[str, Any], call: Callable[..., Callable[[Probe], None]]
) -> list[Scenario]:
    methods = {m.name: m for m in info.methods if not m.name.startswith("_")}
    out = []
    for method, found in sorted(facts.get("branches", {}).items()):
        for subject, values in found.items():
            if method in methods and subject in methods[method].params:
                out += [
                    Scenario(f"{method}_{subject}_{_slug(v)}", "ok", call(methods[method], {subject: v}))
                    for v in values
                ]
    return out


def _function_call(
    function: dict[str, Any], argument: Callable[[str], tuple[bool, Any]], plant: bool = False, defaults: bool = False
) -> Callable[[Probe], None]:
    """Call a public function of the module with representative arguments (with `plant`, every
    optional parameter planted as well; with `defaults`, only the required ones given)."""

    def steps(p: Probe) -> None:
        kwargs = {}
        for param in function["params"]:
            known, value = argument(param["name"])
            if param["required"] or (known and not defaults):
                kwargs[param["name"]] = value if known else PROMPT
            elif plant:
                kwargs[param["name"]] = planted(param)
        fn = getattr(p.module, function["name"], None)
        if fn is None:
            p.note({"step": function["name"], "missing": function["name"]})
            return
        p.step(function["name"], fn, consume=True, **kwargs)

    return steps


def function_scenarios(
    facts: dict[str, Any], argument: Callable[[str], tuple[bool, Any]], modes: tuple[str, ...]
) -> list[Scenario]:
    """A module of functions only: each public function as is, with its optional parameters planted,
    under every reply mode; and each environment variable the module reads, absent and set."""
    functions = [f for f in facts.get("functions", []) if not f.get("is_async")]
    out = []
    for f in functions:
        out.append(Scenario(f"function_{f['name']}", "ok", _function_call(f, argument)))
        if any(not q["required"] for q in f["params"]):
            out.append(Scenario(f"function_{f['name']}_planted", "ok", _function_call(f, argument, plant=True)))
            out.append(Scenario(f"function_{f['name']}_defaults", "ok", _function_call(f, argument, defaults=True)))
        out += [Scenario(f"function_{f['name']}_{mode}", mode, _function_call(f, argument)) for mode in modes]

    def every_function(p: Probe) -> None:
        for f in functions:
            _function_call(f, argument)(p)

    for name in facts.get("env", []):
        out.append(Scenario(f"env_{name}_absent", "ok", every_function, f"{name} unset", {name: None}))
        out.append(Scenario(f"env_{name}_set", "ok", every_function, f"{name} set", {name: env_value(name)}))
    return out


def _serialisation(info: ClassInfo) -> list[Scenario]:
    names = {m.name for m in info.methods}
    out = []
    if "to_dict" in names:
        out.append(Scenario("to_dict", "ok", lambda p: p.on_fresh("to_dict", "to_dict") and None))
    if "from_dict" in names and "to_dict" in names:

        def roundtrip(p: Probe) -> None:
            data = p.by_reference("to_dict")
            if data is not FAILED and hasattr(p.cls, "from_dict"):
                p.step("from_dict", p.cls.from_dict, data)

        out.append(Scenario("from_dict", "ok", roundtrip, "from_dict of what the original's to_dict gives"))
    return out


def derived_scenarios(
    info: ClassInfo,
    facts: dict[str, Any],
    primary: Primary,
    call: Callable[[MethodInfo, dict[str, Any]], Callable[[Probe], None]],
    argument: Callable[[str], tuple[bool, Any]],
) -> list[Scenario]:
    """Every scenario the facts give; `primary(p, instance, init)` runs the class's main operation,
    `call(method, extra)` a method with representative arguments plus `extra`."""
    out = _init_scenarios(facts, primary) + _env_scenarios(facts, primary) + _branch_scenarios(info, facts, call)
    out += [
        Scenario(f"function_{f['name']}", "ok", _function_call(f, argument))
        for f in facts.get("functions", [])
        if not f.get("is_async")
    ]
    return out + _serialisation(info)
