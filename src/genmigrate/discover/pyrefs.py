"""References to client modules inside Python files: imports, patch targets, strings, subclasses."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from genmigrate.discover.names import resolve_relative
from genmigrate.discover.statements import dotted
from genmigrate.model import Dependent

CLASS_KEYS = frozenset({"client_class", "class", "model_client", "client", "class_name", "model_client_class",
                        "client_cls", "cls", "provider_class", "generator_class"})
PATCH_CALLS = {"patch": "patch", "patch.object": "patch.object", "setattr": "monkeypatch.setattr"}


@dataclass(frozen=True)
class Target:
    """A client module whose dependents are wanted."""

    path: str
    module: str
    classes: tuple[str, ...]


class _Refs(ast.NodeVisitor):
    def __init__(self, path: str, module: str, package: bool, lines: Sequence[str], targets: Sequence[Target]) -> None:
        self.path, self.module, self.package, self.lines = path, module, package, lines
        self.targets = [t for t in targets if t.path != path]
        self.modules = {t.module: t for t in self.targets}
        self.class_owner = {c: t for t in self.targets for c in t.classes}
        self.bound: dict[str, str] = {}  # local name -> dotted module or module.Name it refers to
        self.depth = 0
        self.used: set[int] = set()
        self.found: list[tuple[str, Dependent]] = []  # (client module, dependent)

    def add(self, owner: str, kind: str, node: ast.AST, target: str, form: str) -> None:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        self.found.append((owner, Dependent(kind=kind, path=self.path, line=line, target=target, form=form,  # type: ignore[arg-type]
                                            in_function=self.depth > 0, text=text)))

    def owner_of(self, dotted: str) -> str | None:
        for module in self.modules:
            if dotted == module or dotted.startswith(module + ".") or dotted.startswith(module + ":"):
                return module
        return None

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            owner = self.owner_of(alias.name)
            if owner is not None:
                self.add(owner, "import", node, alias.name, "import-as" if alias.asname else "import")
                if alias.asname:
                    self.bound[alias.asname] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = resolve_relative(self.module, self.package, node.level, node.module or "")
        for alias in node.names:
            local = alias.asname or alias.name
            if base in self.modules:
                self.add(base, "import", node, f"{base}.{alias.name}" if alias.name != "*" else base, "from-import")
                self.bound[local] = f"{base}.{alias.name}"
            elif f"{base}.{alias.name}" in self.modules:
                full = f"{base}.{alias.name}"
                self.add(full, "import", node, full, "from-import")
                self.bound[local] = full

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            target = self.resolve(base)
            owner = self.owner_of(target) if target else None
            if owner is not None and target != owner:
                self.add(owner, "subclass", node, target, f"class {node.name}")
        self.generic_visit(node)

    def resolve(self, node: ast.AST) -> str:
        """Dotted name an expression refers to through this file's imports, or ""."""
        if isinstance(node, ast.Name):
            return self.bound.get(node.id, "")
        if isinstance(node, ast.Attribute):
            head = self.resolve(node.value)
            if head:
                return f"{head}.{node.attr}"
            written = dotted(node)
            return written if self.owner_of(written) else ""
        return ""

    def visit_Call(self, node: ast.Call) -> None:
        self._patch(node)
        for keyword in node.keywords:
            if keyword.arg in CLASS_KEYS:
                self._class_value(keyword.value)
        self.generic_visit(node)

    def _patch(self, node: ast.Call) -> None:
        func = dotted(node.func)
        kind = next((form for suffix, form in PATCH_CALLS.items() if func == suffix or func.endswith("." + suffix)), None)
        if kind is None or not node.args:
            return
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            owner = self.owner_of(first.value)
            if owner is not None:
                self.used.add(id(first))
                self.add(owner, "patch-target", node, first.value, _patch_form(func, kind))
        elif len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            target = self.resolve(first)
            owner = self.owner_of(target) if target else None
            if owner is not None:
                self.used.add(id(node.args[1]))
                self.add(owner, "patch-target", node, f"{target}.{node.args[1].value}", _patch_form(func, kind))

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value in CLASS_KEYS:
                self._class_value(value)
        self.generic_visit(node)

    def _class_value(self, value: ast.AST) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value in self.class_owner:
            target = self.class_owner[value.value]
            self.used.add(id(value))
            self.add(target.module, "config-ref", value, f"{target.module}.{value.value}", "python")

    def visit_Compare(self, node: ast.Compare) -> None:
        sides = [node.left, *node.comparators]
        if any(_is_dunder_name(side) for side in sides):
            for side in sides:
                if isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value in self.class_owner:
                    target = self.class_owner[side.value]
                    self.used.add(id(side))
                    self.add(target.module, "string-ref", node, f"{target.module}.{side.value}", "name-compare")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self.used and " " not in node.value:
            owner = self.owner_of(node.value)
            if owner is not None:
                self.add(owner, "config-ref", node, node.value.replace(":", "."), "python")


def _patch_form(func: str, kind: str) -> str:
    if kind == "monkeypatch.setattr":
        return "monkeypatch.setattr"
    return f"mock.{kind}" if func.startswith(("mock.", "unittest.mock.")) else kind


def _is_dunder_name(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "__name__") or (isinstance(node, ast.Name) and node.id == "__name__")


def python_refs(
    path: str, module: str, package: bool, tree: ast.Module, text: str, targets: Sequence[Target]
) -> Iterator[tuple[str, Dependent]]:
    """(client module, dependent) for every reference in one parsed Python file."""
    visitor = _Refs(path, module, package, text.splitlines(), targets)
    visitor.visit(tree)
    yield from visitor.found
