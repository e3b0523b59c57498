"""Turn prefilter candidates into client modules: confirm with `ast`, then analyse with LibCST."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from genmigrate.discover.analyze import ModuleGraph, build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.discover.names import is_package, resolve_relative
from genmigrate.discover.prefilter import HTTP_MODULES
from genmigrate.discover.providers import ENDPOINTS
from genmigrate.discover.statements import imported_sdk, is_sdk_module
from genmigrate.model import ClassInfo


@dataclass
class Parsed:
    """A candidate that parsed with LibCST and has at least one class using a provider."""

    path: str
    module: str
    graph: ModuleGraph
    classes: list[ClassInfo]
    imports: list[str]
    sdk_names: set[str]
    text: str


def imported_modules(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Call):
            found.extend(_safe_import_target(node))
    return found


def _safe_import_target(node: ast.Call) -> list[str]:
    """`["openai"]` for `safe_import("openai", ...)`, else `[]`."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    first = node.args[0] if node.args else None
    if name == "safe_import" and isinstance(first, ast.Constant) and isinstance(first.value, str):
        return [first.value]
    return []


def has_endpoint(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in ENDPOINTS)


def worth_full_parse(tree: ast.Module, text: str) -> bool:
    """Cheap confirmation: a top-level class plus a real SDK import (or HTTP import and a provider endpoint)."""
    if not any(isinstance(node, ast.ClassDef) for node in tree.body):
        return False
    modules = imported_modules(tree)
    if any(is_sdk_module(name) for name in modules):
        return True
    return any(name.split(".")[0] in HTTP_MODULES for name in modules) and has_endpoint(text)


def analyse(path: str, module_name: str, data: bytes, tree: ast.Module, text: str) -> Parsed | None:
    """LibCST analysis of a confirmed candidate; None when no class uses a provider."""
    module = cst.parse_module(data)
    graph = build_graph(module, text)
    sdk_statements = {i for i, found in enumerate(graph.imports) if imported_sdk(found)}
    http = _http_statements(graph) if has_endpoint(text) else set()
    classes = describe_classes(graph)
    index_of = {node.name.value: i for i, node in enumerate(graph.nodes) if isinstance(node, cst.ClassDef)}
    if not any(_uses(graph, index_of[c.name], c.needs, sdk_statements | http) for c in classes):
        return None
    sdk_names = {name for i in sdk_statements for name in graph.statements[i].defines}
    return Parsed(path, module_name, graph, classes, imported_modules(tree), sdk_names, text)


def _uses(graph: ModuleGraph, index: int, needs: list[int], providers: set[int]) -> bool:
    return index in providers or bool(providers.intersection(needs))


def _http_statements(graph: ModuleGraph) -> set[int]:
    return {
        index for index, found in enumerate(graph.imports)
        if any(name.split(".")[0] in HTTP_MODULES for name in found.modules)
    }


def imported_names(module: str, path: str, tree: ast.Module) -> dict[str, str]:
    """Local name -> absolute dotted name of everything `from ... import`ed (relative ones resolved)."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(module, is_package(path), node.level, node.module or "")
            bound.update({alias.asname or alias.name: f"{base}.{alias.name}" for alias in node.names})
    return bound


def extends_other_clients(parsed: Parsed, tree: ast.Module, client_classes: set[str]) -> bool:
    """Every class of `parsed` subclasses a class of another client module (e.g. `XaiClient(OpenAIClient)`):
    the module is then a dependent of that client, not a legacy client module of its own."""
    bound = imported_names(parsed.module, parsed.path, tree)
    own = parsed.module + "."
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = {bound.get(b.id, "") for b in node.bases if isinstance(b, ast.Name)}
            if not any(b in client_classes and not b.startswith(own) for b in bases):
                return False
    return True
