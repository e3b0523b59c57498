"""Describe the top-level classes of a client module: bases, methods and the protocol they follow."""

from __future__ import annotations

import ast
from collections.abc import Iterable

import libcst as cst
import libcst.matchers as m

from genmigrate.discover.analyze import FUNCTIONS, Function, ModuleGraph
from genmigrate.discover.providers import WHOLE_REPLY_OPERATIONS
from genmigrate.discover.statements import walk
from genmigrate.model import ClassInfo, MethodInfo, Protocol

MODELCLIENT_METHODS = frozenset({"convert_inputs_to_api_kwargs", "call"})
CHAT_METHODS = frozenset(
    {"chat", "achat", "complete", "acomplete", "completion", "acompletion", "stream_chat", "astream_chat",
     "stream", "astream", "generate", "agenerate", "embed", "aembed", "embeddings", "chat_completion",
     "create", "invoke", "ainvoke", "call", "acall"}
)


def import_aliases(graph: ModuleGraph, statements: Iterable[int] | None = None) -> dict[str, str]:
    """Local name -> fully dotted original for every `from x import y [as z]` of the module (of the
    top-level `statements` only, when given)."""
    aliases: dict[str, str] = {}
    chosen = graph.imports if statements is None else [graph.imports[i] for i in statements]
    for found in (node for imports in chosen for node in imports.from_imports):
        base = found.module or ""
        for alias in found.names:
            if alias.name == "*":
                continue
            aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return aliases


def describe_classes(graph: ModuleGraph) -> list[ClassInfo]:
    aliases = import_aliases(graph)
    infos: list[ClassInfo] = []
    for index, node in graph.classes():
        bases = [graph.code(b.value if isinstance(b, ast.Starred) else b) for b in node.bases]
        methods = [_method(graph, stmt, node) for stmt in node.body if isinstance(stmt, FUNCTIONS)]
        needs = graph.needs([index])
        infos.append(ClassInfo(
            name=node.name, line=node.lineno, end_line=graph.span(node)[1], bases=bases,
            protocol="unknown", methods=methods, needs=needs,
            model_types=_model_types(node) if graph.may_contain(node, "ModelType") else [],
            opens_client=_opens_client(node),
            model_type_import=_model_type_import(graph, needs),
            message_module=_message_module(bases, aliases),
        ))
    local = {info.name: info for info in infos}
    for info in infos:
        info.protocol = _protocol(info, aliases, local)
    return infos


def _model_type_import(graph: ModuleGraph, needs: list[int]) -> str:
    """Where the `ModelType` the module binds by an import the class needs comes from (an import
    statement or a `try` of them at top level); "" when the class's statements bind none."""
    imports = [i for i in needs if graph.compound(i) is None or isinstance(graph.compound(i), ast.Try)]
    return import_aliases(graph, imports).get("ModelType", "")


def _message_module(bases: list[str], aliases: dict[str, str]) -> str:
    """The LlamaIndex module the first base class from LlamaIndex is imported from; "" for none."""
    for resolved in (_resolved(base, aliases) for base in bases):
        if resolved.startswith("llama_index."):
            return resolved.rsplit(".", 1)[0]
    return ""


_ENTER_METHODS = (("__aenter__", "async"), ("__enter__", "sync"))


def _opens_client(node: ast.ClassDef) -> list[str]:
    """How the class must be entered before use: the kinds ("async", "sync") of its `__aenter__` /
    `__enter__` methods that assign an attribute of self (the lazily created SDK client)."""
    methods = {stmt.name: stmt for stmt in node.body if isinstance(stmt, FUNCTIONS)}
    return [kind for name, kind in _ENTER_METHODS if name in methods and _assigns_self(methods[name])]


def _assigns_self(node: Function) -> bool:
    for child in walk(node.body):
        if isinstance(child, ast.Assign):
            targets = child.targets
        elif isinstance(child, (ast.AnnAssign, ast.AugAssign)):
            targets = [child.target]
        else:
            continue
        if any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" for t in targets):
            return True
    return False


def _resolved(base: str, aliases: dict[str, str]) -> str:
    """A base class as written, its first name replaced by the dotted original it is imported as."""
    head, dot, rest = base.partition(".")
    return aliases.get(head, head) + dot + rest


def _protocol(info: ClassInfo, aliases: dict[str, str], local: dict[str, ClassInfo]) -> Protocol:
    names = {method.name for method in info.methods}
    for base in info.bases:
        resolved = _resolved(base, aliases)
        if resolved.rsplit(".", 1)[-1] == "ModelClient":
            return "modelclient"
        parent = local.get(base)
        if parent is not None and parent is not info and _protocol(parent, aliases, {}) == "modelclient":
            return "modelclient"
    if MODELCLIENT_METHODS <= names:
        return "modelclient"
    if any(name in CHAT_METHODS for name in names):
        return "chat-wrapper"
    return "unknown"


def describe_functions(graph: ModuleGraph) -> list[MethodInfo]:
    """The module-level functions, described as methods are (name, parameters, async, yields)."""
    return [_method(graph, node) for _, node in graph.functions()]


def _method(graph: ModuleGraph, node: Function, owner: ast.ClassDef | None = None) -> MethodInfo:
    tree = graph.cst_function(node, owner)
    return MethodInfo(
        name=node.name,
        line=node.lineno,
        params=_params(node.args),
        is_async=isinstance(node, ast.AsyncFunctionDef),
        is_generator=graph.may_contain(node, "yield") and _yields(tree),
        decorators=[graph.code(d) for d in node.decorator_list],
        stub=_is_stub(graph, node),
        model_types=_model_types(node) if graph.may_contain(node, "ModelType") else [],
        may_stream=_may_stream(graph, tree),
    )


def _may_stream(graph: ModuleGraph, node: cst.FunctionDef) -> bool:
    """The body can hand back a stream: it yields, names `stream` (a flag it reads, a streaming SDK
    method), or forwards keywords with `**` into a call that can stream, so a caller's `stream=True`
    reaches the SDK. A body that posts its arguments as one value and returns the parsed reply
    cannot, nor one that forwards them only to operations that answer whole (Bedrock `converse`)."""
    if graph.may_contain(node, "yield") and _yields(node):
        return True
    if graph.may_contain(node, "**") and _forwards_keywords_to_a_stream(node):
        return True
    if not graph.may_contain(node, "stream"):
        return False
    found = m.findall(node.body, m.Name() | m.SimpleString())
    return any(isinstance(f, (cst.Name, cst.SimpleString)) and "stream" in f.value.lower() for f in found)


def _forwards_keywords_to_a_stream(node: cst.FunctionDef) -> bool:
    """A call in the body takes `**` keywords and is not a provider operation that always answers
    with one whole reply (`providers.WHOLE_REPLY_OPERATIONS`)."""
    for call in m.findall(node.body, m.Call(args=[m.ZeroOrMore(), m.Arg(star="**"), m.ZeroOrMore()])):
        func = call.func if isinstance(call, cst.Call) else None
        name = func.attr if isinstance(func, cst.Attribute) else func
        if not isinstance(name, cst.Name) or name.value not in WHOLE_REPLY_OPERATIONS:
            return True
    return False


def _is_stub(graph: ModuleGraph, node: Function) -> bool:
    """The body does nothing: a docstring, `pass`, `...` or `raise NotImplementedError[(...)]` only.
    A body on the `def` line itself counts as code."""
    if graph.starts_mid_line(node.body[0]):
        return False
    lines = list(node.body)
    if lines and isinstance(lines[0], ast.Expr) and isinstance(lines[0].value, ast.Constant) and isinstance(
            lines[0].value.value, (str, bytes)):
        lines = lines[1:]
    return all(_does_nothing(line) for line in lines)


def _does_nothing(line: ast.stmt) -> bool:
    if isinstance(line, ast.Pass) or (
            isinstance(line, ast.Expr) and isinstance(line.value, ast.Constant) and line.value.value is Ellipsis):
        return True
    if not isinstance(line, ast.Raise) or line.exc is None:
        return False
    exc = line.exc.func if isinstance(line.exc, ast.Call) else line.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _params(params: ast.arguments) -> list[str]:
    names = [p.arg for p in (*params.posonlyargs, *params.args)]
    if params.vararg is not None:
        names.append("*" + params.vararg.arg)
    names.extend(p.arg for p in params.kwonlyargs)
    if params.kwarg is not None:
        names.append("**" + params.kwarg.arg)
    return names


def _model_types(node: ast.ClassDef | Function) -> list[str]:
    found = {n.attr for n in walk(node.body)
             if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "ModelType"}
    return sorted(found - {"UNDEFINED"})


class _YieldFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _yields(node: cst.FunctionDef) -> bool:
    finder = _YieldFinder()
    node.body.visit(finder)
    return finder.found
