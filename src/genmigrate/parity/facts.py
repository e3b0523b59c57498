"""Facts about a legacy class and its module, read from the source with `ast`, that scenarios
are derived from: constructor parameters and their defaults, the environment variables the
code reads, the literal values a method compares its parameters (or attributes) with, and the
module's public functions. They are taken once from the original code and frozen into the
generated tests, so the scenarios never depend on the candidate."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from genmigrate.parity.secrets import mask_field, mask_text

_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_ENV_CALLS = {"getenv", "get", "environ"}
_CONSTRUCTORS = ("from_settings", "from_config", "from_env")


def _literal(node: ast.AST | None) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[dict[str, Any]]:
    """Named parameters after self/cls: name, annotation text, and the default when it is a literal."""
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.AST | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True)) + list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    out = []
    for arg, default in pairs:
        if arg.arg in ("self", "cls"):
            continue
        known, value = _literal(default)
        entry: dict[str, Any] = {
            "name": arg.arg,
            "annotation": ast.unparse(arg.annotation) if arg.annotation else "",
            "required": default is None,
        }
        if default is not None and known and isinstance(value, str | int | float | bool | type(None)):
            # Frozen into generated tests: a credential written as a default never is, only its token.
            entry["default"] = mask_text(mask_field(arg.arg, value)) if isinstance(value, str) else value
        out.append(entry)
    return out


def _env_reads(tree: ast.AST) -> set[str]:
    """Names in `os.getenv("X")`, `os.environ.get("X")`, `os.environ["X"]`, `"X" in os.environ`,
    and all-caps string defaults of parameters whose name says `env`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            if (node.func.attr in _ENV_CALLS and "environ" in ast.unparse(node.func)) or node.func.attr == "getenv":
                known, value = _literal(node.args[0])
                if known and isinstance(value, str):
                    found.add(value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            known, value = _literal(node.slice)
            if known and isinstance(value, str):
                found.add(value)
        elif isinstance(node, ast.Compare) and any(ast.unparse(c).endswith("environ") for c in node.comparators):
            known, value = _literal(node.left)
            if known and isinstance(value, str):
                found.add(value)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for param in _params(node):
                if "env" in param["name"].lower() and isinstance(param.get("default"), str):
                    found.add(param["default"])
    return {name for name in found if _ENV_NAME.match(name)}


def _compared_literals(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[Any]]:
    """`x == "lit"`, `x != "lit"`, `x in ("a", "b")` where x is a parameter or `self.<attr>`."""
    out: dict[str, set[Any]] = {}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        subject = ast.unparse(node.left)
        known, value = _literal(node.comparators[0])
        if not known:
            continue
        values = value if isinstance(value, tuple | list | set | frozenset) else [value]
        literals = {v for v in values if isinstance(v, str | int | bool) and v not in ("", None)}
        if literals and (subject.isidentifier() or subject.startswith("self.")):
            out.setdefault(subject, set()).update(literals)
    return {k: sorted(v, key=repr) for k, v in sorted(out.items())}


def _public_functions(module: ast.Module) -> list[dict[str, Any]]:
    return [
        {"name": n.name, "params": _params(n), "is_async": isinstance(n, ast.AsyncFunctionDef)}
        for n in module.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")
    ]


def _class(module: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in module.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def class_facts(source: str, class_name: str, functions: bool = True) -> dict[str, Any]:
    """The facts of `class_name` in the module `source` (JSON-native; {} when it is not there).
    `functions`: include the module's public functions (for one class per module). The name ""
    stands for a module of functions only: its module-level facts."""
    try:
        module = ast.parse(source)
    except SyntaxError:
        return {}
    node = (
        _class(module, class_name)
        if class_name
        else ast.ClassDef(name="", bases=[], keywords=[], body=[], decorator_list=[])
    )
    if node is None:
        return {}
    methods = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)}
    module_level = [n for n in module.body if not isinstance(n, ast.ClassDef)]
    constructors = {name: _params(methods[name]) for name in _CONSTRUCTORS if name in methods}
    return {
        "init": _params(methods["__init__"]) if "__init__" in methods else [],
        "constructors": constructors,
        "env": sorted(_env_reads(node) | set().union(*[_env_reads(n) for n in module_level])),
        "branches": {name: found for name, m in methods.items() if (found := _compared_literals(m))},
        "functions": _public_functions(module) if functions else [],
    }


def module_facts(path: Path, class_names: list[str]) -> dict[str, dict[str, Any]]:
    """Facts of each class of a module; the module's functions go with its first class."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        source = path.read_bytes().decode("latin-1")
    return {name: class_facts(source, name, functions=i == 0) for i, name in enumerate(class_names)}


def function_facts(path: Path) -> dict[str, Any]:
    """The public functions of the module at `path` and the environment variables read outside
    its classes: what the scenarios of a module's functions are derived from."""
    try:
        module = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return {}
    outside = [n for n in module.body if not isinstance(n, ast.ClassDef)]
    return {"env": sorted(set().union(*[_env_reads(n) for n in outside])), "functions": _public_functions(module)}
