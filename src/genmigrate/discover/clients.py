"""Turn prefilter candidates into client modules: confirm, then analyse, both on the module's `ast`."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from genmigrate.discover.analyze import ModuleGraph, build_graph
from genmigrate.discover.calls import report, talks_http
from genmigrate.discover.classes import describe_classes, describe_functions
from genmigrate.discover.dynimport import ast_target
from genmigrate.discover.names import is_package, resolve_relative
from genmigrate.discover.prefilter import HTTP_MODULES
from genmigrate.discover.statements import imported_sdk, is_sdk_module
from genmigrate.model import ClassInfo, MethodInfo


@dataclass
class Parsed:
    """A confirmed candidate with at least one class (or, without classes, function) using a provider."""

    path: str
    module: str
    graph: ModuleGraph
    classes: list[ClassInfo]
    imports: list[str]
    sdk_names: set[str]
    text: str
    functions: list[MethodInfo] = field(default_factory=list)


def imported_modules(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Call):
            sdk = ast_target(node)
            if sdk is not None:
                found.append(sdk)
    return found


# Why a module with nothing to extract is rejected; `include` cannot force such a module in.
NOTHING_TO_EXTRACT = "no top-level class or function"


def rejection(tree: ast.Module, text: str) -> str | None:
    """Why the module is no client module (None: it is one): a class of it must call a model endpoint,
    or, in a module without classes, a module-level function."""
    if not any(isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) for node in tree.body):
        return NOTHING_TO_EXTRACT
    modules = imported_modules(tree)
    sdks = sorted({name for name in modules if is_sdk_module(name)})
    http = any(name.split(".")[0] in HTTP_MODULES for name in modules) and talks_http(text)
    if not sdks and not http:
        return "imports no provider SDK and makes no HTTP call to a provider"
    calls = report(tree)
    if calls.calls_model:
        return None
    what = f"imports {', '.join(sdks)}" if sdks else "uses an HTTP client"
    if calls.consumes:
        return f"consumes a client ({calls.consumes[0]}) but calls no model endpoint itself"
    seen = calls.sdk_call_names()
    if seen:
        return f"{what} but calls no model endpoint (calls {', '.join(seen)})"
    return f"{what} but calls no model endpoint"


def analyse(path: str, module_name: str, data: bytes, tree: ast.Module, text: str, force: bool = False) -> Parsed | None:
    """Analysis of a confirmed candidate; None when no class (in a module without classes, no
    module-level function) uses a provider, unless `force`."""
    graph = build_graph(data, tree, path)
    sdk_statements = {i for i, found in enumerate(graph.imports) if imported_sdk(found)}
    http = _http_statements(graph) if talks_http(text) else set()
    classes = describe_classes(graph)
    index_of = {node.name: i for i, node in graph.classes()}
    owners = [(index_of[c.name], c.needs) for c in classes] or [(i, graph.needs([i])) for i, _ in graph.functions()]
    if not force and not any(_uses(graph, i, needs, sdk_statements | http) for i, needs in owners):
        return None
    sdk_names = {name for i in sdk_statements for name in graph.statements[i].defines}
    functions = describe_functions(graph)
    return Parsed(path, module_name, graph, classes, imported_modules(tree), sdk_names, text, functions)


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


def extends_other_clients(path: str, module: str, tree: ast.Module, client_classes: set[str]) -> list[str]:
    """The client classes of other modules that the classes of the module subclass, when every class does
    (e.g. `XaiClient(OpenAIClient)`): the module is then a dependent of that client, not a client module
    of its own. Empty when some class is not such a subclass."""
    bound = imported_names(module, path, tree)
    own = module + "."
    extended: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = [bound.get(b.id, "") for b in node.bases if isinstance(b, ast.Name)]
            found = [b for b in bases if b in client_classes and not b.startswith(own)]
            if not found:
                return []
            extended.extend(b for b in found if b not in extended)
    return extended
