"""Hazards found inside one client module (DESIGN.md section 6); cross-file ones live in crossrefs.py."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from genmigrate.discover.analyze import ModuleGraph
from genmigrate.discover.names import resolve_relative
from genmigrate.discover.statements import catches_import_error, dotted, import_modules, writes_sys_modules
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
    graph.module.visit(visitor)
    found.extend(visitor.hazards)
    classes = [n for n in graph.nodes if isinstance(n, cst.ClassDef)]
    if len(classes) > 1:
        names = ", ".join(c.name.value for c in classes)
        found.append(Hazard("multiple-classes", _line(graph, classes[1]), f"{len(classes)} classes in one module: {names}"))
    found.extend(_all_hazards(graph))
    return found


def _line(graph: ModuleGraph, node: cst.CSTNode) -> int:
    return graph.positions[node].start.line


def _first_line(graph: ModuleGraph, node: cst.CSTNode) -> str:
    lines = [ln.strip() for ln in graph.module.code_for_node(node).splitlines()]
    return next((ln for ln in lines if ln and not ln.startswith("#")), "")[:80]


def _statement_hazards(graph: ModuleGraph, sdk_names: set[str]) -> list[Hazard]:
    hazards: list[Hazard] = []
    for statement, node in zip(graph.statements, graph.nodes):
        line = statement.line
        if statement.kind == "import-prelude":
            hazards.append(Hazard("import-prelude", line, _prelude_reason(node)))
        elif statement.kind == "main-guard":
            hazards.append(Hazard("main-block", line, "`if __name__ == \"__main__\":` block stays in the old module"))
        if statement.kind in ("function", "class", "main-guard"):
            continue
        calls = {dotted(c.func) for c in m.findall(node, m.Call()) if isinstance(c, cst.Call)}
        if any(c in ENV_READS for c in calls) or m.findall(node, m.Attribute(value=m.Name("os"), attr=m.Name("environ"))):
            hazards.append(Hazard("side-effect", line, f"reads the environment at import: {_first_line(graph, node)}"))
        if any(c.rsplit(".", 1)[-1] in FOLDER_CALLS for c in calls):
            hazards.append(Hazard("side-effect", line, f"creates folders at import: {_first_line(graph, node)}"))
        elif statement.kind == "side-effect":
            hazards.append(Hazard("side-effect", line, f"module-level code runs at import: {_first_line(graph, node)}"))
        if statement.kind == "assign" and any(c.split(".")[0] in sdk_names for c in calls):
            hazards.append(Hazard("import-prelude", line, f"SDK client created at import: {_first_line(graph, node)}"))
    return hazards


def _prelude_reason(node: cst.CSTNode) -> str:
    if m.findall(node, m.Call(func=m.Name("safe_import") | m.Attribute(attr=m.Name("safe_import")))):
        return "safe_import(...) call that must stay before the SDK import it guards"
    if writes_sys_modules(node):
        return "writes sys.modules: must stay before the imports that depend on it"
    if isinstance(node, cst.Try) and catches_import_error(node):
        return "try/except ImportError around imports: keep as one ordered block"
    if isinstance(node, cst.If) and m.findall(node, m.ClassDef()):
        return "conditional block defining placeholder classes when the SDK is missing"
    if isinstance(node, cst.If):
        return "conditional import: keep as one ordered block"
    return "order-sensitive import set-up (sys.path or similar)"


class _Visitor(cst.CSTVisitor):
    """Walks the module tracking function and class nesting."""

    def __init__(self, graph: ModuleGraph, module_name: str, package: bool, importers: set[str]) -> None:
        self.graph = graph
        self.module_name = module_name
        self.package = package
        self.importers = importers
        self.functions: list[cst.FunctionDef] = []
        self.classes: list[cst.ClassDef] = []
        self.hazards: list[Hazard] = []

    def add(self, code: str, node: cst.CSTNode, message: str) -> None:
        self.hazards.append(Hazard(code, _line(self.graph, node), message))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)
        self._decorators(node.decorators, node.name.value)
        seen: set[str] = set()
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                name = stmt.name.value
                if name in seen:
                    self.add("duplicate-method", stmt, f"{node.name.value}.{name} is defined more than once; the last one wins")
                seen.add(name)
                if name in PICKLE_HOOKS:
                    self.add("pickle-hooks", stmt, f"{node.name.value}.{name}: pickled instances refer to the class path")
            elif isinstance(stmt, cst.SimpleStatementLine):
                self._class_assignments(node, stmt)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def _class_assignments(self, cls: cst.ClassDef, stmt: cst.SimpleStatementLine) -> None:
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                targets = [dotted(t.target) for t in small.targets]
                value: cst.BaseExpression | None = small.value
            elif isinstance(small, cst.AnnAssign):
                targets, value = [dotted(small.target)], small.value
            else:
                continue
            if "__doc__" in targets:
                self.add("doc-attribute", stmt, f"{cls.name.value} sets __doc__ as a class attribute")
            elif value is not None and _mutable(value):
                self.add("mutable-class-attribute", stmt, f"{cls.name.value}.{', '.join(targets)} is a mutable class attribute shared by instances")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        owner = self.classes[-1].name.value + "." if self.classes else ""
        self._decorators(node.decorators, owner + node.name.value)
        nested_async = self.functions and node.asynchronous is not None
        if nested_async and self.graph.may_contain(node, "yield") and _direct_yield(node):
            self.add("nested-async-generator", node, f"async generator {node.name.value} nested in {self.functions[-1].name.value}")
        self.functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def _decorators(self, decorators: tuple[cst.Decorator, ...] | list[cst.Decorator], where: str) -> None:
        for decorator in decorators:
            code = " ".join(self.graph.module.code_for_node(decorator.decorator).split())
            name = dotted(decorator.decorator.func) if isinstance(decorator.decorator, cst.Call) else dotted(decorator.decorator)
            if name == "classmethod":
                self.add("classmethod", decorator, f"{where} is a classmethod")
            elif name not in PLAIN_DECORATORS and not name.endswith((".setter", ".getter", ".deleter")):
                self.add("decorator", decorator, f"@{code} on {where}")

    def visit_Import(self, node: cst.Import) -> None:
        self._inner_import(node, import_modules(node))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = resolve_relative(self.module_name, self.package, len(node.relative), dotted(node.module) if node.module else "")
        names = [] if isinstance(node.names, cst.ImportStar) else [dotted(a.name) for a in node.names]
        submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in self.importers]
        self._inner_import(node, submodules or [base])

    def _inner_import(self, node: cst.CSTNode, modules: list[str]) -> None:
        if not self.functions:
            return
        where = self.functions[-1].name.value
        for module in modules:
            cycle = module in self.importers
            note = f" (cycle: {module} imports this module; never hoist)" if cycle else ""
            self.add("in-function-import", node, f"import of {module} inside {where}{note}")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._old_import_in_string(node, str(node.evaluated_value or ""))

    def _old_import_in_string(self, node: cst.CSTNode, text: str) -> None:
        if f"from {self.module_name} import" in text or f"import {self.module_name}" in text:
            self.add("docstring-old-import", node, f"a string or docstring imports the old path {self.module_name}")


def _mutable(value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
        return True
    return isinstance(value, cst.Call) and dotted(value.func) in MUTABLE_CALLS


class _YieldOnly(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _direct_yield(node: cst.FunctionDef) -> bool:
    finder = _YieldOnly()
    node.body.visit(finder)
    return finder.found


def _all_hazards(graph: ModuleGraph) -> list[Hazard]:
    for node in graph.nodes:
        if not isinstance(node, cst.SimpleStatementLine):
            continue
        first = node.body[0]
        if m.matches(first, m.Assign(targets=[m.AssignTarget(m.Name("__all__"))])) and isinstance(first, cst.Assign):
            return _check_all(graph, node, first.value) if isinstance(first.value, (cst.List, cst.Tuple)) else []
    return []


def _check_all(graph: ModuleGraph, node: cst.CSTNode, value: cst.List | cst.Tuple) -> list[Hazard]:
    line = _line(graph, node)
    listed: set[str] = set()
    hazards: list[Hazard] = []
    runtime = {
        name for s, n in zip(graph.statements, graph.nodes)
        if s.kind == "assign" and m.findall(n, m.Call()) for name in s.defines
    }
    for element in value.elements:
        item = element.value
        if isinstance(item, cst.SimpleString) and isinstance(item.evaluated_value, str):
            listed.add(item.evaluated_value)
            if item.evaluated_value in runtime:
                hazards.append(Hazard("all-runtime-object", line, f"__all__ exports runtime object {item.evaluated_value!r}"))
        else:
            hazards.append(Hazard("all-runtime-object", line, f"__all__ holds an object, not a name: {graph.module.code_for_node(item)}"))
    public = [n for s in graph.statements if s.kind in ("class", "function") for n in s.defines if not n.startswith("_")]
    missing = [n for n in public if n not in listed]
    if missing:
        hazards.append(Hazard("incomplete-all", line, f"__all__ misses {', '.join(missing)}"))
    return hazards
