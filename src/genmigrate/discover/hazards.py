"""Hazards found inside one client module (DESIGN.md section 6); cross-file ones live in crossrefs.py."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from genmigrate.discover.analyze import COMPOUND, FUNCTIONS, Function, ModuleGraph, group_lines
from genmigrate.discover.names import resolve_relative
from genmigrate.discover.statements import (
    calls_safe_import,
    catches_import_error,
    dotted,
    finds,
    import_modules,
    walk,
    writes_sys_modules,
)
from genmigrate.model import Hazard

PLAIN_DECORATORS = frozenset({"staticmethod", "property", "abstractmethod", "abc.abstractmethod", "override",
                              "typing.override", "overload", "typing.overload"})
PICKLE_HOOKS = frozenset({"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__", "__getnewargs__",
                          "__getnewargs_ex__"})
MUTABLE_CALLS = frozenset({"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter",
                           "collections.defaultdict", "collections.OrderedDict", "collections.deque"})
ENV_READS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get", "os.environ.setdefault"})
FOLDER_CALLS = frozenset({"makedirs", "mkdir"})


def local_hazards(
    graph: ModuleGraph, module_name: str, package: bool, sdk_names: set[str], importers: set[str]
) -> list[Hazard]:
    """Hazards of one module; `importers` are the dotted modules that import it (for cycle detection)."""
    found = _statement_hazards(graph, sdk_names)
    visitor = _Visitor(graph, module_name, package, importers)
    visitor.visit(graph.tree)
    found.extend(visitor.hazards)
    classes = graph.classes()
    if len(classes) > 1:
        names = ", ".join(c.name for _, c in classes)
        found.append(Hazard("multiple-classes", classes[1][1].lineno, f"{len(classes)} classes in one module: {names}"))
    found.extend(_all_hazards(graph))
    return found


def _first_line(graph: ModuleGraph, line: int) -> str:
    return graph.lines[line - 1].strip()[:80]


def _statement_hazards(graph: ModuleGraph, sdk_names: set[str]) -> list[Hazard]:
    hazards: list[Hazard] = []
    for statement, group in zip(graph.statements, graph.groups):
        line = statement.line
        if statement.kind == "import-prelude":
            hazards.append(Hazard("import-prelude", line, _prelude_reason(group)))
        elif statement.kind == "main-guard":
            hazards.append(Hazard("main-block", line, "`if __name__ == \"__main__\":` block stays in the old module"))
        if statement.kind in ("function", "class", "main-guard"):
            continue
        nodes = list(walk(group))
        calls = {dotted(c.func) for c in nodes if isinstance(c, ast.Call)}
        environ = any(isinstance(n, ast.Attribute) and n.attr == "environ" and isinstance(n.value, ast.Name)
                      and n.value.id == "os" for n in nodes)
        if any(c in ENV_READS for c in calls) or environ:
            hazards.append(Hazard("side-effect", line, f"reads the environment at import: {_first_line(graph, line)}"))
        if any(c.rsplit(".", 1)[-1] in FOLDER_CALLS for c in calls):
            hazards.append(Hazard("side-effect", line, f"creates folders at import: {_first_line(graph, line)}"))
        elif statement.kind == "side-effect":
            hazards.append(Hazard("side-effect", line, f"module-level code runs at import: {_first_line(graph, line)}"))
        if statement.kind == "assign" and any(c.split(".")[0] in sdk_names for c in calls):
            hazards.append(Hazard("import-prelude", line, f"SDK client created at import: {_first_line(graph, line)}"))
    return hazards


def _prelude_reason(group: Sequence[ast.stmt]) -> str:
    node = group[0]
    if calls_safe_import(group):
        return "safe_import(...) call that must stay before the SDK import it guards"
    if writes_sys_modules(group):
        return "writes sys.modules: must stay before the imports that depend on it"
    if isinstance(node, ast.Try) and catches_import_error(node):
        return "try/except ImportError around imports: keep as one ordered block"
    if isinstance(node, ast.If) and any(isinstance(n, ast.ClassDef) for n in ast.walk(node)):
        return "conditional block defining placeholder classes when the SDK is missing"
    if isinstance(node, ast.If):
        return "conditional import: keep as one ordered block"
    return "order-sensitive import set-up (sys.path or similar)"


class _Visitor(ast.NodeVisitor):
    """Walks the module tracking function and class nesting."""

    def __init__(self, graph: ModuleGraph, module_name: str, package: bool, importers: set[str]) -> None:
        self.graph = graph
        self.module_name = module_name
        self.package = package
        self.importers = importers
        self.functions: list[Function] = []
        self.classes: list[ast.ClassDef] = []
        self.hazards: list[Hazard] = []

    def add(self, code: str, line: int, message: str) -> None:
        self.hazards.append(Hazard(code, line, message))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)
        self._decorators(node.decorator_list, node.name)
        seen: set[str] = set()
        # A body on the `class` line itself holds no methods or attribute lines.
        body = [] if self.graph.starts_mid_line(node.body[0]) else group_lines(node.body)
        for group in body:
            stmt = group[0]
            if isinstance(stmt, FUNCTIONS):
                name = stmt.name
                if name in seen:
                    self.add("duplicate-method", stmt.lineno, f"{node.name}.{name} is defined more than once; the last one wins")
                seen.add(name)
                if name in PICKLE_HOOKS:
                    self.add("pickle-hooks", stmt.lineno, f"{node.name}.{name}: pickled instances refer to the class path")
            elif not isinstance(stmt, COMPOUND):
                self._class_assignments(node, group)
        self.generic_visit(node)
        self.classes.pop()

    def _class_assignments(self, cls: ast.ClassDef, group: list[ast.stmt]) -> None:
        line = group[0].lineno
        for small in group:
            if isinstance(small, ast.Assign):
                targets = [dotted(t) for t in small.targets]
                value: ast.expr | None = small.value
            elif isinstance(small, ast.AnnAssign):
                targets, value = [dotted(small.target)], small.value
            else:
                continue
            if "__doc__" in targets:
                self.add("doc-attribute", line, f"{cls.name} sets __doc__ as a class attribute")
            elif value is not None and _mutable(value):
                self.add("mutable-class-attribute", line, f"{cls.name}.{', '.join(targets)} is a mutable class attribute shared by instances")

    def visit_FunctionDef(self, node: Function) -> None:
        owner = self.classes[-1].name + "." if self.classes else ""
        self._decorators(node.decorator_list, owner + node.name)
        nested_async = self.functions and isinstance(node, ast.AsyncFunctionDef)
        if nested_async and self.graph.may_contain(node, "yield") and _direct_yield(node):
            self.add("nested-async-generator", node.lineno, f"async generator {node.name} nested in {self.functions[-1].name}")
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _decorators(self, decorators: list[ast.expr], where: str) -> None:
        for decorator in decorators:
            code = " ".join(self.graph.code(decorator).split())
            name = dotted(decorator.func) if isinstance(decorator, ast.Call) else dotted(decorator)
            if name == "classmethod":
                self.add("classmethod", decorator.lineno, f"{where} is a classmethod")
            elif name not in PLAIN_DECORATORS and not name.endswith((".setter", ".getter", ".deleter")):
                self.add("decorator", decorator.lineno, f"@{code} on {where}")

    def visit_Import(self, node: ast.Import) -> None:
        self._inner_import(node, import_modules(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = resolve_relative(self.module_name, self.package, node.level, node.module or "")
        names = [alias.name for alias in node.names if alias.name != "*"]
        submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in self.importers]
        self._inner_import(node, submodules or [base])

    def _inner_import(self, node: ast.stmt, modules: list[str]) -> None:
        if not self.functions:
            return
        where = self.functions[-1].name
        for module in modules:
            cycle = module in self.importers
            note = f" (cycle: {module} imports this module; never hoist)" if cycle else ""
            self.add("in-function-import", node.lineno, f"import of {module} inside {where}{note}")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, (str, bytes)):
            self._old_import_in_string(node.lineno, str(node.value or ""))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)

    def _old_import_in_string(self, line: int, text: str) -> None:
        if f"from {self.module_name} import" in text or f"import {self.module_name}" in text:
            self.add("docstring-old-import", line, f"a string or docstring imports the old path {self.module_name}")


def _mutable(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return isinstance(value, ast.Call) and dotted(value.func) in MUTABLE_CALLS


def _direct_yield(node: Function) -> bool:
    """A `yield` in the body of `node` itself (nested functions and lambdas are theirs)."""
    return finds(node.body, (ast.Yield, ast.YieldFrom), (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))


def _all_hazards(graph: ModuleGraph) -> list[Hazard]:
    for index, group in enumerate(graph.groups):
        if graph.compound(index) is not None:
            continue
        first = group[0]
        if (isinstance(first, ast.Assign) and len(first.targets) == 1 and isinstance(first.targets[0], ast.Name)
                and first.targets[0].id == "__all__"):
            return _check_all(graph, index, first.value) if isinstance(first.value, (ast.List, ast.Tuple)) else []
    return []


def _check_all(graph: ModuleGraph, index: int, value: ast.List | ast.Tuple) -> list[Hazard]:
    line = graph.statements[index].line
    listed: set[str] = set()
    hazards: list[Hazard] = []
    runtime = {
        name for s, g in zip(graph.statements, graph.groups)
        if s.kind == "assign" and any(isinstance(n, ast.Call) for n in walk(g)) for name in s.defines
    }
    for element in value.elts:
        item = element.value if isinstance(element, ast.Starred) else element
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            listed.add(item.value)
            if item.value in runtime:
                hazards.append(Hazard("all-runtime-object", line, f"__all__ exports runtime object {item.value!r}"))
        else:
            hazards.append(Hazard("all-runtime-object", line, f"__all__ holds an object, not a name: {graph.code(item)}"))
    public = [n for s in graph.statements if s.kind in ("class", "function") for n in s.defines if not n.startswith("_")]
    missing = [n for n in public if n not in listed]
    if missing:
        hazards.append(Hazard("incomplete-all", line, f"__all__ misses {', '.join(missing)}"))
    return hazards
