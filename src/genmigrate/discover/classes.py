"""Describe the top-level classes of a client module: bases, methods and the protocol they follow."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
import libcst.matchers as m

from genmigrate.discover.analyze import ModuleGraph
from genmigrate.discover.providers import WHOLE_REPLY_OPERATIONS
from genmigrate.discover.statements import dotted
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
        if isinstance(found.names, cst.ImportStar):
            continue
        base = dotted(found.module) if found.module else ""
        for alias in found.names:
            original = dotted(alias.name)
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else original
            aliases[local] = f"{base}.{original}" if base else original
    return aliases


def describe_classes(graph: ModuleGraph) -> list[ClassInfo]:
    aliases = import_aliases(graph)
    infos: list[ClassInfo] = []
    for index, node in enumerate(graph.nodes):
        if not isinstance(node, cst.ClassDef):
            continue
        end = graph.positions[node].end.line
        bases = [graph.module.code_for_node(arg.value) for arg in node.bases if arg.keyword is None]
        methods = [_method(graph, stmt) for stmt in node.body.body if isinstance(stmt, cst.FunctionDef)]
        needs = graph.needs([index])
        infos.append(ClassInfo(
            name=node.name.value, line=graph.positions[node.name].start.line, end_line=end, bases=bases,
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
    imports = [i for i in needs if isinstance(graph.nodes[i], (cst.SimpleStatementLine, cst.Try))]
    return import_aliases(graph, imports).get("ModelType", "")


def _message_module(bases: list[str], aliases: dict[str, str]) -> str:
    """The LlamaIndex module the first base class from LlamaIndex is imported from; "" for none."""
    for resolved in (_resolved(base, aliases) for base in bases):
        if resolved.startswith("llama_index."):
            return resolved.rsplit(".", 1)[0]
    return ""


_ENTER_METHODS = (("__aenter__", "async"), ("__enter__", "sync"))


def _opens_client(node: cst.ClassDef) -> list[str]:
    """How the class must be entered before use: the kinds ("async", "sync") of its `__aenter__` /
    `__enter__` methods that assign an attribute of self (the lazily created SDK client)."""
    methods = {stmt.name.value: stmt for stmt in node.body.body if isinstance(stmt, cst.FunctionDef)}
    return [kind for name, kind in _ENTER_METHODS if name in methods and _assigns_self(methods[name])]


def _assigns_self(node: cst.FunctionDef) -> bool:
    attribute = m.Attribute(value=m.Name("self"))
    assignment = (
        m.Assign(targets=[m.ZeroOrMore(), m.AssignTarget(target=attribute), m.ZeroOrMore()])
        | m.AnnAssign(target=attribute)
        | m.AugAssign(target=attribute)
    )
    return bool(m.findall(node.body, assignment))


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
    return [_method(graph, node) for node in graph.nodes if isinstance(node, cst.FunctionDef)]


def _method(graph: ModuleGraph, node: cst.FunctionDef) -> MethodInfo:
    return MethodInfo(
        name=node.name.value,
        line=graph.positions[node.name].start.line,
        params=_params(node.params),
        is_async=node.asynchronous is not None,
        is_generator=graph.may_contain(node, "yield") and _yields(node),
        decorators=[graph.module.code_for_node(d.decorator) for d in node.decorators],
        stub=_is_stub(node),
        model_types=_model_types(node) if graph.may_contain(node, "ModelType") else [],
        may_stream=_may_stream(graph, node),
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


def _is_stub(node: cst.FunctionDef) -> bool:
    """The body does nothing: a docstring, `pass`, `...` or `raise NotImplementedError[(...)]` only."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else (node.body,)
    lines = [s for statement in body for s in (statement.body if isinstance(statement, cst.SimpleStatementLine) else (statement,))]
    if lines and isinstance(lines[0], cst.Expr) and isinstance(lines[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        lines = lines[1:]
    return all(_does_nothing(line) for line in lines)


def _does_nothing(line: cst.CSTNode) -> bool:
    if isinstance(line, cst.Pass) or (isinstance(line, cst.Expr) and isinstance(line.value, cst.Ellipsis)):
        return True
    if not isinstance(line, cst.Raise) or line.exc is None:
        return False
    exc = line.exc.func if isinstance(line.exc, cst.Call) else line.exc
    return isinstance(exc, cst.Name) and exc.value == "NotImplementedError"


def _params(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    names.extend(p.name.value for p in params.kwonly_params)
    if params.star_kwarg is not None:
        names.append("**" + params.star_kwarg.name.value)
    return names


class _ModelTypeFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "ModelType":
            self.found.add(node.attr.value)


def _model_types(node: cst.ClassDef | cst.FunctionDef) -> list[str]:
    finder = _ModelTypeFinder()
    node.body.visit(finder)
    return sorted(finder.found - {"UNDEFINED"})


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
