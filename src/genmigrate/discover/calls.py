"""What the classes (or, in a module without classes, the functions) of a module call: a call to a
model endpoint makes a client, the rest explains a rejection.

A model endpoint call is one of the SDK calls that reach a model (`chat.completions.create`,
`messages.create`, `converse`, `invoke_model`, `embeddings.create`, `responses.create`, an SDK
object's `chat`/`generate`/`embed`, ...) or an HTTP POST whose URL is a model path or a provider's
host. Names and imports alone never decide it.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from genmigrate.discover.dynimport import ast_target
from genmigrate.discover.prefilter import HTTP_MODULES
from genmigrate.discover.providers import ENDPOINTS, sdk_provider

# Attribute suffixes that are model calls whatever object they are called on.
_STRONG_SUFFIXES = (("completions", "create"), ("completions", "parse"), ("completions", "stream"),
                    ("messages", "create"), ("messages", "stream"), ("embeddings", "create"),
                    ("responses", "create"), ("responses", "stream"), ("responses", "parse"), ("images", "generate"),
                    ("Generation", "call"), ("TextEmbedding", "call"), ("MultiModalConversation", "call"))
_STRONG_LAST = frozenset({"converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream",
                          "generate_content", "generate_content_async", "embed_content", "chat_completion",
                          "text_generation"})
# Model calls when the object is an SDK object (module, SDK class or an attribute built from one).
_WEAK_LAST = frozenset({"chat", "achat", "generate", "agenerate", "embed", "aembed", "embeddings", "completion",
                        "acompletion", "complete", "acomplete", "complete_async", "stream_async", "chat_stream",
                        "embed_documents", "embed_query"})
_HTTP_VERBS = frozenset({"post", "request", "stream", "send"})
_CONSUMER_WORDS = ("client", "generator", "llm", "model", "provider")
MODEL_PATH = re.compile(
    r"/chat/completions|/completions\b|/v1/messages|/messages\b|/embeddings?\b|/api/(?:chat|generate|embed)\b"
    r"|/responses\b|:(?:stream)?generateContent|:(?:batch)?[eE]mbedContents?|/converse(?:-stream)?\b"
    r"|/invoke(?:-with-response-stream)?\b|/services/aigc/|/services/embeddings/"
)


def talks_http(text: str) -> bool:
    """The text names a provider endpoint or a model path, so an HTTP client in it may call a model."""
    return bool(MODEL_PATH.search(text)) or any(pattern.search(text) for _, pattern in ENDPOINTS)


@dataclass
class CallReport:
    """Per top-level class, the model endpoint calls it makes; what else was seen, for the reason."""

    model_calls: dict[str, list[str]] = field(default_factory=dict)
    other_sdk_calls: list[str] = field(default_factory=list)
    consumes: list[str] = field(default_factory=list)

    @property
    def calls_model(self) -> bool:
        return any(self.model_calls.values())

    def sdk_call_names(self, limit: int = 3) -> list[str]:
        """The SDK calls seen, outermost only (`c.a.b`, not also `c` and `c.a`), constructors left out."""
        names = sorted({c.split(" (", 1)[0] for c in self.other_sdk_calls})
        names = [n for n in names if "." in n and not any(o.startswith(n + ".") for o in names)]
        return names[:limit]


def _chain(node: ast.expr) -> tuple[str, list[str]]:
    """(root name, attribute names) of a call target: `self.c.chat.completions.create` -> ("self", [...])."""
    attrs: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, (ast.Call, ast.Subscript, ast.Await)):
            node = node.func if isinstance(node, ast.Call) else node.value
        elif isinstance(node, ast.Name):
            return node.id, attrs[::-1]
        else:
            return "", attrs[::-1]


def _key(node: ast.expr) -> str | None:
    """The binding a target names: "x" for a name, "self.x" for an attribute of self."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return f"self.{node.attr}"
    return None


def _refs(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            key = _key(sub)
            if key:
                found.add(key)
            if isinstance(sub.value, ast.Name) and sub.value.id == "self":
                found.add(f"self.{sub.attr}()")
    return found


class _Bindings:
    """Which names (and `self.x` attributes) hold an SDK or HTTP-client object, module-wide, and the
    values assigned to each name (to read URLs back)."""

    def __init__(self, tree: ast.Module) -> None:
        self.sdk: set[str] = set()
        self.http: set[str] = set()
        self.values: dict[str, list[ast.AST]] = {}
        self.defined: set[str] = set()
        self.star_sdk = False
        assigns: list[tuple[list[str], ast.AST]] = []
        for node in ast.walk(tree):
            self._imports(node)
            for targets, value in _assignments(node):
                keys = [k for k in (_key(t) for t in targets) if k]
                assigns.append((keys, value))
                for key in keys:
                    self.values.setdefault(key, []).append(value)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defined.add(node.name)
                assigns.append(([f"self.{node.name}()"], node))
            elif isinstance(node, ast.arg):
                self.defined.add(node.arg)
        self.defined.update(k for keys, _ in assigns for k in keys)
        for _ in range(3):
            for keys, value in assigns:
                refs = _refs(value)
                for bound in (self.sdk, self.http):
                    if refs & bound:
                        bound.update(keys)

    def _imports(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._bind(alias.name, alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name == "*":
                    self.star_sdk = self.star_sdk or sdk_provider(node.module) is not None
                else:
                    self._bind(node.module, alias.asname or alias.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and ast_target(node.value):
            self.sdk.update(k for k in (_key(t) for t in node.targets) if k)

    def _bind(self, module: str, local: str) -> None:
        self.defined.add(local)
        if sdk_provider(module) is not None:
            self.sdk.add(local)
        elif module.split(".")[0] in HTTP_MODULES:
            self.http.add(local)

    def holds(self, bound: set[str], root: str, attrs: list[str]) -> bool:
        if root == "self" and attrs:
            return f"self.{attrs[0]}" in bound or f"self.{attrs[0]}()" in bound
        if root in bound:
            return True
        return bound is self.sdk and self.star_sdk and bool(root) and root not in self.defined \
            and not hasattr(builtins, root)

    def strings(self, node: ast.AST, depth: int = 3) -> Iterator[str]:
        """String constants in `node` and in the values of the names it uses, a few assignments deep."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                yield sub.value
        if depth:
            for ref in _refs(node):
                for value in self.values.get(ref, []):
                    yield from self.strings(value, depth - 1)


def _assignments(node: ast.AST) -> Iterator[tuple[list[ast.expr], ast.AST]]:
    if isinstance(node, ast.Assign):
        yield node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        yield [node.target], node.value
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                yield [item.optional_vars], item.context_expr
    elif isinstance(node, ast.NamedExpr):
        yield [node.target], node.value


def report(tree: ast.Module) -> CallReport:
    """The calls of every top-level class (and of the module functions it uses by name); in a module
    without classes, of every module-level function (and of the others it uses)."""
    bindings = _Bindings(tree)
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    owners: list[ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef] = [*classes] or list(functions.values())
    found = CallReport()
    for owner in owners:
        used = [functions[name] for name in sorted(_refs(owner)) if name in functions and functions[name] is not owner]
        calls = found.model_calls.setdefault(owner.name, [])
        for node in [owner, *used]:
            for call in (c for c in ast.walk(node) if isinstance(c, ast.Call)):
                _classify(bindings, call, calls, found)
    return found


def _classify(bindings: _Bindings, call: ast.Call, model: list[str], found: CallReport) -> None:
    root, attrs = _chain(call.func)
    full = [root, *attrs] if root else attrs
    if not full:
        return
    described = f"{'.'.join(full)} (line {call.lineno})"
    sdk_object = bindings.holds(bindings.sdk, root, attrs)
    if (len(full) > 1 and (tuple(full[-2:]) in _STRONG_SUFFIXES or full[-1] in _STRONG_LAST)) \
            or (full[-1] in _WEAK_LAST and sdk_object):
        model.append(described)
    elif full[-1] in _HTTP_VERBS and len(full) > 1 and bindings.holds(bindings.http, root, attrs):
        # A model path, or (for a POST) a provider host: a proxy's `request(method, host + path)` is neither.
        host_ok = full[-1] == "post"
        if any(MODEL_PATH.search(s) or (host_ok and any(p.search(s) for _, p in ENDPOINTS))
               for s in bindings.strings(call)):
            model.append(f"HTTP {described}")
    elif sdk_object:
        found.other_sdk_calls.append(described)
    elif root == "self" and len(attrs) > 1 and any(w in attrs[0].lower() for w in _CONSUMER_WORDS):
        found.consumes.append(described)
