"""Classify the top-level statements of a module (import, import-prelude, assign, side-effect, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m

from genmigrate.codemods._source import small_statements
from genmigrate.discover.dynimport import target
from genmigrate.discover.providers import SDK_MODULES

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def dotted(node: cst.BaseExpression | None) -> str:
    """`a.b.c` for Name/Attribute chains, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def import_modules(node: cst.Import | cst.ImportFrom) -> list[str]:
    """Absolute dotted names an import statement loads ("" prefix dots kept for relative ones)."""
    if isinstance(node, cst.Import):
        return [dotted(alias.name) for alias in node.names]
    dots = "." * len(node.relative)
    return [dots + dotted(node.module) if node.module else dots]


def is_sdk_module(name: str) -> bool:
    return any(name == sdk or name.startswith(sdk + ".") for sdk in SDK_MODULES)


def _is_safe_import(node: cst.CSTNode) -> bool:
    if m.findall(node, m.Call(func=m.Name("safe_import") | m.Attribute(attr=m.Name("safe_import")))):
        return True
    found: list[str] = []
    node.visit(_SafeImportFinder(found))
    return bool(found)


def _is_sys_path_edit(node: cst.CSTNode) -> bool:
    return bool(m.findall(node, m.Call(func=m.Attribute(value=m.Attribute(value=m.Name("sys"), attr=m.Name("path"))))))


def writes_sys_modules(node: cst.CSTNode) -> bool:
    """`sys.modules[...] = ...`, `del sys.modules[...]` or a mutating method call on `sys.modules`."""
    sys_modules = m.Attribute(value=m.Name("sys"), attr=m.Name("modules"))
    target = m.Subscript(value=sys_modules)
    mutators = m.Name("setdefault") | m.Name("update") | m.Name("pop") | m.Name("__setitem__") | m.Name("clear")
    return bool(
        m.findall(node, m.AssignTarget(target=target) | m.Del(target=target))
        or m.findall(node, m.Call(func=m.Attribute(value=sys_modules, attr=mutators)))
    )


def has_import(node: cst.CSTNode) -> bool:
    """An import anywhere in `node` outside nested functions and classes."""
    finder = _ImportFinder()
    node.visit(finder)
    return finder.found


class _ImportFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Import(self, node: cst.Import) -> None:
        self.found = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def is_main_guard(node: cst.CSTNode) -> bool:
    return m.matches(
        node,
        m.If(test=m.Comparison(left=m.Name("__name__"), comparisons=[m.ComparisonTarget(m.Equal(), m.SimpleString())]))
        | m.If(test=m.Comparison(left=m.SimpleString(), comparisons=[m.ComparisonTarget(m.Equal(), m.Name("__name__"))])),
    )


def is_type_checking_block(node: cst.CSTNode) -> bool:
    """`if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` with no else branch."""
    test = m.Name("TYPE_CHECKING") | m.Attribute(attr=m.Name("TYPE_CHECKING"))
    return m.matches(node, m.If(test=test, orelse=None))


def catches_import_error(node: cst.Try) -> bool:
    for handler in node.handlers:
        names = {n.value for n in m.findall(handler.type, m.Name())} if handler.type else set()
        if names & IMPORT_ERRORS:
            return True
    return False


def statement_kind(index: int, node: cst.CSTNode) -> str:
    if isinstance(node, cst.SimpleStatementLine):
        return _simple_kind(index, node)
    if isinstance(node, cst.FunctionDef):
        return "function"
    if isinstance(node, cst.ClassDef):
        return "class"
    if isinstance(node, cst.If):
        if is_main_guard(node):
            return "main-guard"
        if has_import(node) or m.findall(node, m.ClassDef()):
            return "import-prelude"
    if isinstance(node, cst.Try) and (catches_import_error(node) or has_import(node)):
        return "import-prelude"
    if isinstance(node, (cst.For, cst.While)) and writes_sys_modules(node):
        return "import-prelude"
    if isinstance(node, (cst.If, cst.Try, cst.For, cst.While, cst.With)):
        return "side-effect" if m.findall(node, m.Call()) else "other"
    return "other"


def _simple_kind(index: int, node: cst.SimpleStatementLine) -> str:
    body = node.body
    if index == 0 and len(body) == 1 and m.matches(body[0], m.Expr(m.SimpleString() | m.ConcatenatedString())):
        return "docstring"
    if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in body):
        return "import"
    if _is_safe_import(node) or _is_sys_path_edit(node) or writes_sys_modules(node):
        return "import-prelude"
    if any(isinstance(s, (cst.Assign, cst.AnnAssign, cst.AugAssign)) for s in body):
        return "assign"
    if any(m.matches(s, m.Expr(m.Call() | m.Await())) for s in body):
        return "side-effect"
    return "other"


@dataclass
class Imports:
    """Every import in a subtree (nested functions included) and the SDKs that import-helper calls load."""

    modules: list[str] = field(default_factory=list)
    from_imports: list[cst.ImportFrom] = field(default_factory=list)


class _SafeImportFinder(cst.CSTVisitor):
    def __init__(self, found: list[str]) -> None:
        self.found = found

    def visit_Call(self, node: cst.Call) -> None:
        name = node.func.value if isinstance(node.func, cst.Name) else (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
        if not node.args:
            return
        first = node.args[0].value
        literal = str(first.evaluated_value or "") if isinstance(first, cst.SimpleString) else None
        words = [] if literal is not None else [n.value for n in m.findall(first, m.Name())]
        sdk = target(name, literal, words)
        if sdk is not None:
            self.found.append(sdk)


def collect_imports(node: cst.CSTNode, calls: bool = True) -> Imports:
    """The imports under `node`; `calls=False` skips the (costly) search for `safe_import` calls, for
    callers that know the source does not mention it."""
    found = Imports()
    for statement in small_statements(node):
        if isinstance(statement, (cst.Import, cst.ImportFrom)):
            found.modules.extend(import_modules(statement))
            if isinstance(statement, cst.ImportFrom):
                found.from_imports.append(statement)
    if calls:
        node.visit(_SafeImportFinder(found.modules))
    return found


def imported_sdk(found: Imports) -> bool:
    """`found` holds an import of a provider SDK, or names one in a `safe_import` call."""
    return any(is_sdk_module(name) for name in found.modules)
