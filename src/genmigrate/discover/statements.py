"""Classify the top-level statements of a module (import, import-prelude, assign, side-effect, ...)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from genmigrate.discover.dynimport import target
from genmigrate.discover.providers import SDK_MODULES

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_SYS_MODULES_MUTATORS = frozenset({"setdefault", "update", "pop", "__setitem__", "clear"})
_SMALL_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


def dotted(node: ast.AST | None) -> str:
    """`a.b.c` for Name/Attribute chains, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def identifiers(node: ast.AST) -> list[str]:
    """Every identifier written in the expression `node`, in source order: names, attribute names and
    keyword names."""
    found: list[tuple[tuple[int, int], str]] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.append(((child.lineno, child.col_offset), child.id))
        elif isinstance(child, ast.Attribute):
            found.append(((child.end_lineno or 0, (child.end_col_offset or 0) - len(child.attr)), child.attr))
        elif isinstance(child, ast.keyword) and child.arg:
            found.append(((child.lineno, child.col_offset), child.arg))
    return [name for _, name in sorted(found, key=lambda item: item[0])]


def walk(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)


def import_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """Absolute dotted names an import statement loads ("" prefix dots kept for relative ones)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return ["." * node.level + (node.module or "")]


def is_sdk_module(name: str) -> bool:
    return any(name == sdk or name.startswith(sdk + ".") for sdk in SDK_MODULES)


def calls_safe_import(nodes: Sequence[ast.AST]) -> bool:
    """A `safe_import(...)` / `x.safe_import(...)` call anywhere in `nodes`."""
    return any(isinstance(n, ast.Call) and _callee(n) == "safe_import" for n in walk(nodes))


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_safe_import(nodes: Sequence[ast.stmt]) -> bool:
    return calls_safe_import(nodes) or bool(_helper_imports(nodes))


def _is_sys_path_edit(nodes: Sequence[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and _is_sys(n.func.value, "path")
               for n in walk(nodes))


def _is_sys(node: ast.AST, attr: str) -> bool:
    """`node` is `sys.<attr>`."""
    return (isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name)
            and node.value.id == "sys")


def writes_sys_modules(nodes: Sequence[ast.AST]) -> bool:
    """`sys.modules[...] = ...`, `del sys.modules[...]` or a mutating method call on `sys.modules`."""
    for node in walk(nodes):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.Delete) and len(node.targets) == 1:
            targets = node.targets
        if any(isinstance(t, ast.Subscript) and _is_sys(t.value, "modules") for t in targets):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SYS_MODULES_MUTATORS and _is_sys(node.func.value, "modules")):
            return True
    return False


def finds(nodes: Iterable[ast.AST], wanted: tuple[type, ...], skipped: tuple[type, ...]) -> bool:
    """A node of a `wanted` type under `nodes` (themselves included), not looking into `skipped` ones."""
    pending = list(nodes)
    while pending:
        child = pending.pop()
        if isinstance(child, wanted):
            return True
        if not isinstance(child, skipped):
            pending.extend(ast.iter_child_nodes(child))
    return False


def has_import(node: ast.AST) -> bool:
    """An import anywhere in `node` outside nested functions and classes."""
    return finds(ast.iter_child_nodes(node), (ast.Import, ast.ImportFrom), (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def _is_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def is_main_guard(node: ast.AST) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    left, right = test.left, test.comparators[0]
    return any(isinstance(a, ast.Name) and a.id == "__name__" and _is_string(b) for a, b in ((left, right), (right, left)))


def is_type_checking_block(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` with no else branch."""
    if not isinstance(node, ast.If) or node.orelse:
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def catches_import_error(node: ast.Try) -> bool:
    return any(handler.type is not None and not IMPORT_ERRORS.isdisjoint(identifiers(handler.type))
               for handler in node.handlers)


def statement_kind(index: int, group: Sequence[ast.stmt]) -> str:
    """The kind of the top-level statement made of `group` (one compound statement, or small ones)."""
    node = group[0]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "function"
    if isinstance(node, ast.ClassDef):
        return "class"
    if isinstance(node, ast.If):
        if is_main_guard(node):
            return "main-guard"
        if has_import(node) or any(isinstance(n, ast.ClassDef) for n in ast.walk(node)):
            return "import-prelude"
    if isinstance(node, ast.Try) and (catches_import_error(node) or has_import(node)):
        return "import-prelude"
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and writes_sys_modules([node]):
        return "import-prelude"
    if isinstance(node, (ast.If, ast.Try, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
        return "side-effect" if any(isinstance(n, ast.Call) for n in ast.walk(node)) else "other"
    if isinstance(node, (ast.TryStar, ast.Match)):
        return "other"
    return _simple_kind(index, group)


def _simple_kind(index: int, body: Sequence[ast.stmt]) -> str:
    if index == 0 and len(body) == 1 and isinstance(body[0], ast.Expr) and _is_string(body[0].value):
        return "docstring"
    if all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body):
        return "import"
    if _is_safe_import(body) or _is_sys_path_edit(body) or writes_sys_modules(body):
        return "import-prelude"
    if any(isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)) for s in body):
        return "assign"
    if any(isinstance(s, ast.Expr) and isinstance(s.value, (ast.Call, ast.Await)) for s in body):
        return "side-effect"
    return "other"


@dataclass
class Imports:
    """Every import in a subtree (nested functions included) and the SDKs that import-helper calls load."""

    modules: list[str] = field(default_factory=list)
    from_imports: list[ast.ImportFrom] = field(default_factory=list)


def small_statements(nodes: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Every small statement under `nodes`, in order, nested blocks included (never into expressions)."""
    pending: list[ast.AST] = list(reversed(nodes))
    while pending:
        current = pending.pop()
        blocks = [getattr(current, name) for name in _SMALL_BLOCKS if hasattr(current, name)]
        if isinstance(current, ast.stmt) and not blocks:
            yield current
        for block in reversed(blocks):
            pending.extend(reversed(block))


def _first_argument(node: ast.Call) -> ast.expr | None:
    """The first argument as written, keyword or not (a starred one: what it unpacks)."""
    first: ast.expr | None = node.args[0] if node.args else None
    keyword = node.keywords[0].value if node.keywords else None
    if keyword is not None and (first is None or (keyword.lineno, keyword.col_offset) < (first.lineno, first.col_offset)):
        first = keyword
    return first.value if isinstance(first, ast.Starred) else first


def _helper_imports(nodes: Sequence[ast.AST]) -> list[str]:
    """The SDKs that import-helper calls (`safe_import("ollama")`, ...) under `nodes` load."""
    found: list[str] = []
    for node in walk(nodes):
        if not isinstance(node, ast.Call):
            continue
        first = _first_argument(node)
        if first is None:
            continue
        string = isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes))
        literal = str(first.value or "") if string else None  # type: ignore[attr-defined]
        words = [] if literal is not None else identifiers(first)
        sdk = target(_callee(node), literal, words)
        if sdk is not None:
            found.append(sdk)
    return found


def collect_imports(group: Sequence[ast.stmt], calls: bool = True) -> Imports:
    """The imports under `group`; `calls=False` skips the search for `safe_import`-like calls, for
    callers that know the source does not mention them."""
    found = Imports()
    for statement in small_statements(group):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            found.modules.extend(import_modules(statement))
            if isinstance(statement, ast.ImportFrom):
                found.from_imports.append(statement)
    if calls:
        found.modules.extend(_helper_imports(group))
    return found


def imported_sdk(found: Imports) -> bool:
    """`found` holds an import of a provider SDK, or names one in a `safe_import` call."""
    return any(is_sdk_module(name) for name in found.modules)
