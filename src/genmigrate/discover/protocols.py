"""Protocols learned from the repo itself: a client class's repo-local base class (`class
OpenAILLM(LLMBase)`) says which methods are the provider operations, read from its signatures and
bodies: a `messages`/`prompt` parameter means generate, `text(s)` means embed, a `stream=` flag or a
generator means stream, `async def` the async variant. `[tool.genmigrate.protocols]` states or
overrides a mapping for a base or a class; a class with neither, whose method names say nothing
(`run(self, prompt)`), is read by the same rules from its own methods. Each class then offers exactly the mapped operations it
really implements: an abstract or stub method (`pass`, `raise NotImplementedError`) offers nothing,
and an async operation counts only when the class defines it itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence

import libcst as cst

from genmigrate import runcache
from genmigrate.discover.analyze import build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.discover.clients import Parsed, imported_names
from genmigrate.model import OPERATIONS, ClassInfo, MethodInfo, Operation

MESSAGE_PARAMS = frozenset({"messages", "history", "conversation", "conversations", "chat_history", "msgs"})
PROMPT_PARAMS = frozenset({"prompt", "query", "question", "instruction", "input"})
TEXT_PARAMS = frozenset({"text", "document", "sentence", "input_text", "content"})
TEXTS_PARAMS = frozenset({"texts", "documents", "sentences", "inputs", "chunks"})
STREAM_FLAGS = ("stream", "streaming")
# The private methods LangChain (`_generate`, `_stream`, `_call`) and LlamaIndex (`_get_text_embedding`)
# subclasses implement, and the public method of the framework's base class that calls each: the
# adapter calls the public one, which takes plain messages (dicts) and strings and converts them.
FRAMEWORK_HOOKS = {
    "_generate": "invoke", "_agenerate": "ainvoke", "_stream": "stream", "_astream": "astream",
    "_call": "invoke", "_acall": "ainvoke",
    "_get_text_embedding": "get_text_embedding_batch", "_get_text_embeddings": "get_text_embedding_batch",
    "_aget_text_embedding": "aget_text_embedding_batch", "_aget_text_embeddings": "aget_text_embedding_batch",
}
_GENERATION_WORDS = ("generat", "chat", "complet", "respon", "answer", "ask", "invoke")

# dotted module -> (path, bytes) of a repo file, or None
Source = Callable[[str], tuple[str, bytes] | None]
OpMap = dict[str, str]  # unified operation -> legacy method name


def learn_protocols(
    clients: Sequence[Parsed], trees: Mapping[str, ast.Module], source: Source,
    stated: Mapping[str, Mapping[str, str]],
) -> None:
    """Set protocol "learned" and the operations of every client class whose repo-local base class
    (or a `[tool.genmigrate.protocols]` entry) defines a protocol. ModelClient subclasses keep theirs."""
    bases = _BaseClasses(source)
    for parsed in clients:
        bound = imported_names(parsed.module, parsed.path, trees[parsed.path])
        local = {c.name: c for c in parsed.classes}
        for info in parsed.classes:
            if info.protocol != "modelclient":
                _learn(info, bases.ancestry(info, parsed.module, bound, local), f"{parsed.module}.{info.name}", stated)
            if info.protocol == "unknown":
                _learn_from_itself(info, f"{parsed.module}.{info.name}")


def _learn_from_itself(info: ClassInfo, dotted: str) -> None:
    """A class with no known method names and no protocol base (a Haystack `run(prompt)`
    component) is read by the same signature rules, from its own methods."""
    mapping = protocol_of(info.methods)
    operations = class_operations(mapping, info.methods, []) if mapping else []
    if operations:
        info.protocol, info.protocol_base, info.operations = "learned", dotted, operations


def _learn(info: ClassInfo, chain: list[tuple[str, ClassInfo]], dotted: str, stated: Mapping[str, Mapping[str, str]]) -> None:
    key = next((k for k in (dotted, *(d for d, _ in chain)) if k in stated), None)
    mapping: OpMap = dict(stated[key]) if key is not None else {}
    if key is None:
        for base_name, base in chain:
            mapping = protocol_of(base.methods)
            if mapping:
                key = base_name
                break
    if key is None:
        return
    inherited = [m for _, base in reversed(chain) for m in base.methods]
    info.protocol = "learned"
    info.protocol_base = key
    info.operations = class_operations(mapping, info.methods, inherited, stated=key in stated)


def protocol_of(methods: Sequence[MethodInfo]) -> OpMap:
    """The operations a base class defines: abstract methods first, then the others, in source order."""
    defined = list({m.name: m for m in methods}.values())
    ordered = [m for m in defined if is_abstract(m)] + [m for m in defined if not is_abstract(m)]
    found: OpMap = {}
    for method in ordered:
        kind = _kind(method)
        if kind is None:
            continue
        streams = kind == "generate" and method.is_generator
        found.setdefault(("a" if method.is_async else "") + ("stream" if streams else kind), method.name)
        if kind == "generate" and not method.is_async and not streams and _stream_flag(method):
            found.setdefault("stream", method.name)
    return found


def class_operations(
    mapping: OpMap, own: Sequence[MethodInfo], inherited: Sequence[MethodInfo], stated: bool = False
) -> list[Operation]:
    """What one class really offers of `mapping`, shaped by the definition Python would call."""
    own_names = {m.name for m in own}
    defined = {m.name: m for m in (*inherited, *own)}
    ops: list[Operation] = []
    for op in OPERATIONS:
        method = defined.get(mapping.get(op, ""))
        if method is None or method.stub or is_abstract(method) or method.is_async != op.startswith("a"):
            continue
        if op.startswith("a") and method.name not in own_names:
            continue  # the base's default runs the sync call in a thread: not native async
        flag = ""
        if op in ("stream", "astream") and not method.is_generator:
            flag = _stream_flag(method)
            if not flag and not stated:
                continue
        shaped = _operation(op, method, flag)
        if shaped is not None:
            ops.append(shaped)
    return ops


def is_abstract(method: MethodInfo) -> bool:
    return any(d.strip().rsplit(".", 1)[-1] in ("abstractmethod", "abstractproperty") for d in method.decorators)


def _named(method: MethodInfo) -> list[str]:
    return [p for p in method.params if not p.startswith("*") and p not in ("self", "cls")]


def _stream_flag(method: MethodInfo) -> str:
    return next((p for p in STREAM_FLAGS if p in method.params), "")


def _kind(method: MethodInfo) -> str | None:
    named = _named(method)
    if (method.name.startswith("_") and method.name not in FRAMEWORK_HOOKS) or not named:
        return None
    name, first = method.name.lower(), named[0]
    if "embed" in name or (first in TEXT_PARAMS | TEXTS_PARAMS and not any(w in name for w in _GENERATION_WORDS)):
        return "embed"
    if first in MESSAGE_PARAMS | PROMPT_PARAMS:
        return "generate"
    return None


def _operation(op: str, method: MethodInfo, flag: str) -> Operation | None:
    named = _named(method)
    if not named:
        return None
    first = named[0]
    if op.endswith("embed"):
        kind = "texts" if first in TEXTS_PARAMS or method.name in FRAMEWORK_HOOKS else "text"
    else:
        kind = "messages" if first in MESSAGE_PARAMS else "prompt"
    hook = FRAMEWORK_HOOKS.get(method.name)
    return Operation(
        name=op, method=hook or method.name, input=kind, stream_flag=flag,
        # A hook's other parameters (`stop`, `run_manager`) belong to the framework, not the caller.
        options=[] if hook else sorted(p for p in named[1:] if p != flag),
        any_option=any(p.startswith("**") for p in method.params),
        is_generator=method.is_generator,
    )


class _BaseClasses:
    """Repo-local classes by dotted name, each module parsed once and only when a class names it."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._modules: dict[str, tuple[str, dict[str, ClassInfo], dict[str, str]] | None] = {}

    def ancestry(
        self, info: ClassInfo, module: str, bound: Mapping[str, str], local: Mapping[str, ClassInfo], depth: int = 0
    ) -> list[tuple[str, ClassInfo]]:
        """Repo-local ancestors of `info`, nearest first, as (dotted name, ClassInfo)."""
        found: list[tuple[str, ClassInfo]] = []
        for base in info.bases:
            if base in local and local[base] is not info:
                dotted, parent, owner = f"{module}.{base}", local[base], (module, bound, local)
            else:
                head, dot, rest = base.partition(".")
                resolved = self._lookup(bound.get(head, head) + dot + rest)
                if resolved is None:
                    continue
                dotted, parent, owner = resolved
            found.append((dotted, parent))
            if depth < 4:
                found += self.ancestry(parent, *owner, depth=depth + 1)
        return found

    def _lookup(self, dotted: str) -> tuple[str, ClassInfo, tuple[str, dict[str, str], dict[str, ClassInfo]]] | None:
        module, _, name = dotted.rpartition(".")
        parsed = self._module(module) if module else None
        if parsed is None or name not in parsed[1]:
            return None
        path, classes, bound = parsed
        return dotted, classes[name], (module, bound, classes)

    def _module(self, module: str) -> tuple[str, dict[str, ClassInfo], dict[str, str]] | None:
        if module not in self._modules:
            self._modules[module] = self._parse(module)
        return self._modules[module]

    def _parse(self, module: str) -> tuple[str, dict[str, ClassInfo], dict[str, str]] | None:
        found = self._source(module)
        if found is None:
            return None
        path, data = found
        try:
            classes = describe_classes(build_graph(data, runcache.parse_ast(path, data), path))
            bound = imported_names(module, path, runcache.parse_ast(path, data))
        except (cst.ParserSyntaxError, SyntaxError, UnicodeDecodeError, ValueError):
            return None  # an unreadable base defines no protocol; the file's own error is reported elsewhere
        return path, {c.name: c for c in classes}, bound
