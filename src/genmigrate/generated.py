"""Render the generated `components/generator/` package and the per-class provider adapters.

The rendered code depends only on the standard library (plus, inside provider modules, the SDKs
the legacy code already used); templates live in `templates/generator/`.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import jinja2

from genmigrate.model import OPERATIONS, MethodInfo, Operation

PROTOCOLS = ("modelclient", "chat-wrapper", "learned", "unknown", "functions")
# The name the adapter of a module-level-functions client constructs: a factory returning the module.
FUNCTIONS_FACTORY = "_module_functions"
# Registry names of the embedding family end with this (`openai_embedder`); the manager's embed
# calls go to `<provider><suffix>` when the package has one.
EMBEDDER_SUFFIX = "_embedder"
# Providers whose APIs speak the OpenAI chat-completions format (tools, JSON schema, images).
OPENAI_COMPATIBLE = frozenset({"openai", "azure", "openrouter"})

# Output path inside the package -> template name; every file starts with the generated marker.
PACKAGE_FILES: dict[str, str] = {
    "__init__.py": "__init__.py.j2",
    "base.py": "base.py.j2",
    "generator_manager.py": "generator_manager.py.j2",
    "providers/__init__.py": "providers__init__.py.j2",
    "_adapters.py": "_adapters.py.j2",
    "_bridge.py": "_bridge.py.j2",
    "_cache.py": "_cache.py.j2",
    "_calls.py": "_calls.py.j2",
    "_config.py": "_config.py.j2",
    "_errors.py": "_errors.py.j2",
    "_hooks.py": "_hooks.py.j2",
    "_legacy.py": "_legacy.py.j2",
    "_models.py": "_models.py.j2",
    "_redis_cache.py": "_redis_cache.py.j2",
    "_registry.py": "_registry.py.j2",
    "_resilience.py": "_resilience.py.j2",
    "_routing.py": "_routing.py.j2",
    "_settings.py": "_settings.py.j2",
    "_shapes.py": "_shapes.py.j2",
    "_stats.py": "_stats.py.j2",
    "_streams.py": "_streams.py.j2",
    "_types.py": "_types.py.j2",
    "py.typed": "py.typed.j2",  # PEP 561: the package ships its types
    "README.md": "README.md.j2",
}


@dataclass(frozen=True)
class ProviderEntry:
    name: str
    module: str
    adapter_class: str
    legacy_classes: tuple[str, ...]
    protocol: str


@dataclass(frozen=True)
class PackageContext:
    package: str
    providers: tuple[ProviderEntry, ...]


@dataclass(frozen=True)
class AdapterContext:
    provider: str
    adapter_class: str
    legacy_class: str
    protocol: str
    methods: tuple[MethodInfo, ...]
    operations: tuple[Operation, ...] = ()  # protocol "learned": what the class really offers
    protocol_base: str = ""
    model_types: tuple[str, ...] = ()  # ModelType members the class names (ModelClient)
    model_type_bound: bool = False  # the module imports its own `ModelType` (the framework's enum)
    opens_client: tuple[str, ...] = ()  # "async"/"sync": calls run inside `async with`/`with`
    message_module: str = ""  # LlamaIndex module whose `ChatMessage` the legacy `chat` takes


@dataclass(frozen=True)
class WrapperOp:
    """One unified operation mapped onto a legacy wrapper method."""

    method: str
    input: str  # messages | prompt | texts
    options: tuple[str, ...]  # the method's other named parameters, sorted
    any_option: bool
    is_generator: bool


# A decorator that retries the call it wraps: backoff.on_exception/on_predicate, tenacity's and
# retrying's @retry (any spelling that ends in one of these names, called or not).
_RETRY_DECORATOR = re.compile(r"(?:^|\.)(?:on_exception|on_predicate|retry)\s*(?:\(|$)")


def retries_itself(methods: tuple[MethodInfo, ...], names: set[str]) -> bool:
    """True when one of the named methods (last definitions) carries a retry decorator."""
    defined = _last_definitions(methods)
    decorators = (d for n in names if n in defined for d in defined[n].decorators)
    return any(_RETRY_DECORATOR.search(d.strip()) for d in decorators)


def pyrepr(value: Any) -> str:
    """A Python literal in black's style (double-quoted strings, frozensets in sorted order)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (frozenset, set)):
        items = ", ".join(pyrepr(v) for v in sorted(value))
        return f"frozenset({{{items}}})" if items else "frozenset()"
    return repr(value)


@lru_cache(maxsize=2)
def _environment(root: str | None = None) -> jinja2.Environment:
    """The template environment; `root` replaces the bundled templates (benchmarks use it to
    render an earlier revision's templates next to the current ones)."""
    folder = root or str(files("genmigrate.templates").joinpath("generator"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = pyrepr
    env.filters["frozenset_literal"] = lambda names: pyrepr(frozenset(names))
    return env


def render_package(ctx: PackageContext) -> dict[str, str]:
    """Relative posix path inside the package -> file text."""
    _check_package(ctx)
    env = _environment()
    values = {"package": ctx.package, "providers": ctx.providers, "embedder_suffix": EMBEDDER_SUFFIX}
    return {path: env.get_template(name).render(**values) for path, name in PACKAGE_FILES.items()}


def render_adapter(ctx: AdapterContext) -> str:
    """Source of the `<Provider>Generator` class appended to the provider module."""
    _check_adapter(ctx)
    env = _environment()
    values: dict[str, Any] = {
        "provider": ctx.provider,
        "adapter_class": ctx.adapter_class,
        "legacy_class": ctx.legacy_class,
        "opens_client": frozenset(ctx.opens_client),
        "message_module": ctx.message_module,
    }
    if ctx.protocol == "learned":
        learned = {op.name: op for op in ctx.operations}
        values.update(
            ops={name: learned.get(name) for name in OPERATIONS},
            protocol_base=ctx.protocol_base,
            capabilities=_wrapper_capabilities({n: _wrapper_op(o) for n, o in learned.items()}),
            legacy_retries=retries_itself(ctx.methods, {o.method for o in learned.values()}),
        )
        return env.get_template("adapter_learned.py.j2").render(**values)
    if ctx.protocol == "modelclient":
        ops = modelclient_ops(ctx.methods, ctx.model_types)
        compatible = ctx.provider in OPENAI_COMPATIBLE
        generates = ops["generate"] or ops["agenerate"]
        flags = {
            "streaming": ops["stream"] or ops["astream"],
            "async_": ops["agenerate"],
            "tools": compatible and generates,
            "json_schema": compatible and generates,
            "vision": compatible and generates,
            "embeddings": ops["embed"] or ops["aembed"],
        }
        values.update(
            ops=ops,
            stream_usage=compatible,
            capabilities=_capabilities(flags),
            legacy_retries=retries_itself(ctx.methods, {"call", "acall"}),
            model_type_bound=ctx.model_type_bound,
        )
        return env.get_template("adapter_modelclient.py.j2").render(**values)
    wrapper_ops = wrapper_operations(ctx.methods)
    kind = "a plain wrapper" if ctx.protocol == "chat-wrapper" else "a class of no known protocol"
    summary = f"Unified interface over `{ctx.legacy_class}` ({kind}), by composition."
    if ctx.protocol == "functions":
        summary = "Unified interface over the module-level functions of this module."
    values.update(
        ops={op: wrapper_ops.get(op) for op in _WRAPPER_TABLE},
        summary=summary,
        capabilities=_wrapper_capabilities(wrapper_ops),
        legacy_retries=retries_itself(ctx.methods, {op.method for op in wrapper_ops.values()}),
    )
    name = {"chat-wrapper": "adapter_chat_wrapper.py.j2", "functions": "adapter_functions.py.j2"}.get(
        ctx.protocol, "adapter_unknown.py.j2"
    )
    return env.get_template(name).render(**values)


def _check_package(ctx: PackageContext) -> None:
    if not all(part.isidentifier() for part in ctx.package.split(".")):
        raise ValueError(f"package {ctx.package!r} is not a dotted Python name")
    seen: set[str] = set()
    for entry in ctx.providers:
        for name in (entry.module, entry.adapter_class, *entry.legacy_classes):
            _check_identifier(name)
        if entry.protocol not in PROTOCOLS:
            raise ValueError(f"provider {entry.name!r}: unknown protocol {entry.protocol!r}")
        if entry.name in seen:
            raise ValueError(f"provider {entry.name!r} is listed twice")
        seen.add(entry.name)


def _check_adapter(ctx: AdapterContext) -> None:
    _check_identifier(ctx.adapter_class)
    _check_identifier(ctx.legacy_class)
    if ctx.protocol not in PROTOCOLS:
        raise ValueError(f"{ctx.legacy_class}: unknown protocol {ctx.protocol!r}")


def _check_identifier(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{name!r} is not a valid Python identifier")


def _capabilities(flags: dict[str, bool]) -> str:
    """Constructor arguments of the flags that are set (exploded, as black keeps it)."""
    set_flags = [name for name, on in flags.items() if on]
    if not set_flags:
        return ""
    return "\n" + "".join(f"        {name}=True,\n" for name in set_flags) + "    "


def _last_definitions(methods: tuple[MethodInfo, ...]) -> dict[str, MethodInfo]:
    """A duplicated method keeps its later definition, as Python does."""
    return {method.name: method for method in methods}


def offered_operations(
    protocol: str,
    methods: tuple[MethodInfo, ...],
    operations: tuple[Operation, ...] = (),
    model_types: tuple[str, ...] = (),
) -> set[str]:
    """The unified operations the adapter of such a class defines; empty: it could call nothing."""
    if protocol == "modelclient":
        return {op for op, on in modelclient_ops(methods, model_types).items() if on}
    if protocol == "learned":
        return {op.name for op in operations}
    return set(wrapper_operations(methods))


def _wrapper_op(op: Operation) -> WrapperOp:
    return WrapperOp(op.method, op.input, tuple(op.options), op.any_option, op.is_generator)


def modelclient_ops(methods: tuple[MethodInfo, ...], model_types: tuple[str, ...] = ()) -> dict[str, bool]:
    """The operations an AdalFlow ModelClient subclass supports, read from its methods and from the
    `ModelType` members it names: a class that names EMBEDDER but never LLM, and parses no chat
    completion, only embeds (one that branches on EMBEDDER and chats otherwise does both); one that
    names LLM but never EMBEDDER only generates. A stub `call`/`acall` (`raise NotImplementedError`)
    offers nothing. A class defining neither `call` nor `acall` subclasses a concrete client and
    inherits both.
    """
    defined = _last_definitions(methods)
    names = {name for name, method in defined.items() if not method.stub}
    inherited = not set(defined) & {"call", "acall"}
    ops: dict[str, bool] = {}
    sides = (("call", "generate", "stream", "embed"), ("acall", "agenerate", "astream", "aembed"))
    # `astream` reads the sync `call` stream when there is one (see adapter_modelclient.py.j2).
    streams = inherited
    for method, generate, stream, embed in sides:
        # A call method that branches on some ModelType members serves only those.
        own = defined[method].model_types if method in names else []
        kinds = own or model_types
        llm = not kinds or "LLM" in kinds or "parse_chat_completion" in names
        embeds = "parse_embedding_response" in names and (not kinds or "EMBEDDER" in kinds)
        offered = method in names or inherited
        # A call that posts its arguments as one value and returns the parsed reply never streams.
        streams = streams or (method in names and defined[method].may_stream)
        ops.update({generate: offered and llm, stream: offered and llm and streams, embed: offered and embeds})
    return {name: ops[name] for name in ("generate", "stream", "agenerate", "astream", "embed", "aembed")}


_GENERATE = ("chat", "generate", "complete", "completion", "chat_completion", "ask", "invoke")
_STREAM = ("stream_chat", "chat_stream", "stream", "stream_generate", "generate_stream")
# Also the batch methods of LangChain (`embed_documents`) and LlamaIndex (`_get_text_embeddings`) embedders.
_EMBED = (
    "embed",
    "embeddings",
    "get_embeddings",
    "embed_texts",
    "create_embeddings",
    "embed_documents",
    "_get_text_embeddings",
    "get_text_embedding_batch",
)
_BATCH = ("batch_chat", "batch_generate", "chat_batch", "batch")
_MESSAGE_PARAMS = ("messages", "history", "conversation", "conversations", "chat_history", "msgs")


def _async_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return names + tuple(f"a{n}" for n in names) + tuple(f"{n}_async" for n in names)


# unified operation -> (candidate legacy names, async?, input kind or None to read the parameter)
_WRAPPER_TABLE: dict[str, tuple[tuple[str, ...], bool, str | None]] = {
    "generate": (_GENERATE, False, None),
    "agenerate": (_async_names(_GENERATE), True, None),
    "stream": (_STREAM, False, None),
    "astream": (_async_names(_STREAM), True, None),
    "embed": (_EMBED, False, "texts"),
    "aembed": (_async_names(_EMBED), True, "texts"),
    "batch": (_BATCH, False, None),
}


# A generator under a one-shot name (`def chat(...): ... yield`) is the wrapper's stream.
_STREAM_AS = {"stream": _GENERATE, "astream": _async_names(_GENERATE)}


def wrapper_operations(methods: tuple[MethodInfo, ...]) -> dict[str, WrapperOp]:
    """Map unified operations onto the wrapper's methods by name and parameters."""
    defined = _last_definitions(methods)
    found: dict[str, WrapperOp] = {}
    for op, (names, is_async, input_kind) in _WRAPPER_TABLE.items():
        one_shot = op in ("generate", "agenerate")  # a generator named `chat` streams instead
        streams_as = _STREAM_AS.get(op, ())
        for method in (defined[n] for n in names + streams_as if n in defined):
            if method.stub or method.is_async != is_async or (one_shot and method.is_generator):
                continue
            if method.name in streams_as and not method.is_generator:
                continue
            shaped = _shape(method, input_kind)
            if shaped is not None:
                found[op] = shaped
                break
    return found


def _shape(method: MethodInfo, input_kind: str | None) -> WrapperOp | None:
    named = [p for p in method.params if not p.startswith("*") and p not in ("self", "cls")]
    if not named:
        return None  # nothing to pass the input to
    first = named[0]
    if input_kind is None:
        input_kind = "messages" if first in _MESSAGE_PARAMS else "prompt"
    return WrapperOp(
        method=method.name,
        input=input_kind,
        options=tuple(sorted(named[1:])),
        any_option=any(p.startswith("**") for p in method.params),
        is_generator=method.is_generator,
    )


def _wrapper_capabilities(ops: dict[str, WrapperOp]) -> str:
    generate = ops.get("generate") or ops.get("agenerate")
    accepts = set(generate.options) if generate else set()
    open_ended = bool(generate and generate.any_option)
    return _capabilities(
        {
            "streaming": "stream" in ops or "astream" in ops,
            "async_": "agenerate" in ops or "astream" in ops,
            "tools": open_ended or "tools" in accepts,
            "json_schema": open_ended or "response_format" in accepts,
            "embeddings": "embed" in ops or "aembed" in ops,
            "batch": "batch" in ops,
        }
    )
