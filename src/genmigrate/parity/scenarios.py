"""Scenarios derived from a class's protocol and public methods (`genmigrate.model.ClassInfo`)."""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genmigrate.model import ClassInfo, MethodInfo
from genmigrate.parity.derived import PROMPT, derived_scenarios, function_scenarios
from genmigrate.parity.imports import import_cost
from genmigrate.parity.runner import FAILED, Probe, Scenario
from genmigrate.parity.trace import SECRET_PREFIX

MESSAGES = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": PROMPT}]
IMAGE_URL = "https://example.com/parity.png"
ERROR_MODES = ("bad_request", "unauthorized", "not_found", "rate_limited", "rate_limited_then_ok", "server_error",
               "unavailable_then_ok", "timeout", "connection_error", "malformed")
ASYNC_ERROR_MODES = ("rate_limited_then_ok", "server_error", "timeout")
WRAPPER_ERROR_MODES = ("bad_request", "unauthorized", "rate_limited_then_ok", "server_error", "timeout",
                       "connection_error", "malformed")
_MODELS = {"bedrock": "anthropic.claude-parity-v1", "dashscope": "qwen-parity", "ollama": "llama-parity",
           "anthropic": "claude-parity", "azure": "gpt-parity"}


DOCUMENTS = [{"id": "doc-1", "text": "alpha"}, {"id": "doc-2", "text": "beta"}]


def model_for(provider: str) -> str:
    return _MODELS.get(provider, "parity-model")


def _argument(name: str, provider: str, stream: bool) -> tuple[bool, Any]:
    """A representative value for a parameter, by name; (False, None) when none is known."""
    known: dict[str, Any] = {
        "messages": MESSAGES, "prompt": PROMPT, "query": PROMPT, "text": PROMPT, "input": PROMPT,
        "content": PROMPT, "message": PROMPT, "question": PROMPT, "user_prompt": PROMPT,
        "system": "Answer briefly.", "system_prompt": "Answer briefly.", "model": model_for(provider),
        "model_name": model_for(provider), "model_id": model_for(provider), "name": model_for(provider),
        "max_tokens": 16, "temperature": 0.2, "top_p": 0.9, "stream": stream, "texts": ["alpha", "beta"],
        "items": DOCUMENTS, "documents": DOCUMENTS, "docs": DOCUMENTS,
    }
    return (name in known, known.get(name))


# Settings a caller may leave out: the `_defaults` scenarios do, so changed defaults show.
_SETTINGS = {"model", "model_name", "model_id", "max_tokens", "temperature", "top_p", "stream", "system",
             "system_prompt"}


def representative_kwargs(method: MethodInfo, provider: str, stream: bool = False,
                          settings: bool = True) -> dict[str, Any]:
    out = {}
    for param in method.params[1:]:
        found, value = _argument(param, provider, stream)
        if found and (settings or param not in _SETTINGS):
            out[param] = value
    return out


_CONSTRUCTOR_ARGS: dict[str, Any] = {
    "api_key": SECRET_PREFIX + "ARG_api_key", "base_url": "https://parity.example.com/v1",
    "timeout": 12.5, "max_retries": 1, "aws_access_key_id": SECRET_PREFIX + "ARG_aws_access_key_id",
    "aws_secret_access_key": SECRET_PREFIX + "ARG_aws_secret_access_key", "aws_region_name": "eu-west-1",
    "region_name": "eu-west-1", "host": "http://127.0.0.1:11434", "model": "parity-model-explicit",
}


def _public(info: ClassInfo) -> dict[str, MethodInfo]:
    """Public methods (and `__call__`) by name; a duplicated definition keeps the later one, as Python does."""
    return {m.name: m for m in info.methods if not m.name.startswith("_") or m.name == "__call__"}


def _constructor(info: ClassInfo) -> MethodInfo | None:
    found = [m for m in info.methods if m.name == "__init__"]
    return found[-1] if found else None


def construction_scenarios(info: ClassInfo) -> list[Scenario]:
    def defaults(p: Probe) -> None:
        p.construct()

    def explicit(p: Probe) -> None:
        init = _constructor(info)
        kwargs = {k: v for k, v in _CONSTRUCTOR_ARGS.items() if init is not None and k in init.params}
        p.construct(**kwargs)

    def pickled(p: Probe) -> None:
        instance = p.construct()
        if instance is FAILED:
            return
        pickled_bytes: list[bytes] = []

        def dumps(obj: Any) -> str:
            # The bytes name the module that defines the class, which a move changes by design:
            # record that pickling worked, and compare what unpickling gives back.
            pickled_bytes.append(pickle.dumps(obj))
            return "pickled"

        if p.step("pickle.dumps", dumps, instance) is not FAILED:
            p.step("pickle.loads", pickle.loads, pickled_bytes[0])

    return [Scenario("init_defaults", "ok", defaults, "construct with no arguments, env vars planted"),
            Scenario("init_explicit", "ok", explicit, "construct with recognised keyword arguments"),
            Scenario("pickle_roundtrip", "ok", pickled, "pickle and unpickle a fresh instance")]


_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def planted_image() -> str:
    """A one-pixel PNG at a fixed path (the same in every run): for inputs that name a local image."""
    path = Path(tempfile.gettempdir()) / "genmigrate-parity" / "planted.png"
    if not path.is_file() or path.read_bytes() != _PNG:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_PNG)
    return str(path)


def framework_model_type(p: Probe, name: str) -> Any:
    """The framework's own `ModelType` member: the same object to both sides, never a look-alike
    the module under test defines (a candidate that rejects the framework's enum must show). The
    framework is the one the original module imports `ModelType` from (adalflow when it defines its own)."""
    imported = getattr(p.reference_module, "ModelType", None)
    recorded = p.given is not None and p.given.framework("ModelType")  # an audit's candidate side
    if recorded or (imported is not None and getattr(imported, "__module__", "") != p.reference_module.__name__):
        return getattr(p.framework("ModelType"), name)
    try:
        holder = importlib.import_module("adalflow.core.types").ModelType
    except ImportError:
        holder = p.framework("ModelType")
    return getattr(holder, name)


def _fallback_kwargs(provider: str, input_value: Any, model_kwargs: dict[str, Any], kind: str) -> dict[str, Any]:
    key = "input" if kind == "EMBEDDER" else "messages"
    value = input_value if kind == "EMBEDDER" else [{"role": "user", "content": input_value}]
    return {**model_kwargs, key: value}


def _convert(p: Probe, input_value: Any, model_kwargs: dict[str, Any], kind: str,
             init: dict[str, Any] | None = None) -> Any:
    """Record the conversion on a fresh instance; return the api_kwargs the *original* class
    produces for the same input (the class under test's own when the original's fails), so the
    call step runs whatever the conversion did."""
    kwargs = {"input": input_value, "model_kwargs": model_kwargs, "model_type": framework_model_type(p, kind)}
    own = p.on_fresh("convert_inputs_to_api_kwargs", "convert_inputs_to_api_kwargs", init=init, **kwargs)
    given = p.by_reference("convert_inputs_to_api_kwargs", init=init, **kwargs)
    return given if given is not FAILED else own


def model_steps(p: Probe, provider: str, kind: str, is_async: bool, stream: bool, drain: bool = False,
                init: dict[str, Any] | None = None) -> None:
    """convert, call/acall, parse: each step on a fresh instance (built with `init`), each run even
    when an earlier one failed. With `drain`, the call's returned stream is read to the end instead
    (what a caller iterating it directly sees), and nothing is parsed."""
    model_kwargs = {"model": model_for(provider), **({"stream": True} if stream else {})}
    input_value: Any = ["alpha", "beta"] if kind == "EMBEDDER" else PROMPT
    api_kwargs = _convert(p, input_value, model_kwargs, kind, init)
    if api_kwargs is FAILED:
        api_kwargs = _fallback_kwargs(provider, input_value, model_kwargs, kind)
    method = "acall" if is_async else "call"
    call_kwargs = {"api_kwargs": api_kwargs, "model_type": framework_model_type(p, kind)}
    response = p.on_fresh(method, method, consume=drain, init=init, **call_kwargs)
    if drain:
        return
    if response is FAILED:  # parse what the original's call returns instead
        response = p.by_reference(method, init=init, **call_kwargs)
    parser = "parse_embedding_response" if kind == "EMBEDDER" else "parse_chat_completion"
    if response is not FAILED and hasattr(p.reference, parser):
        p.on_fresh(parser, parser, response, init=init)


def _model_call(provider: str, kind: str, is_async: bool, stream: bool,
                drain: bool = False) -> Callable[[Probe], None]:
    def steps(p: Probe) -> None:
        p.construct()
        model_steps(p, provider, kind, is_async, stream, drain)

    return steps


def _convert_only(provider: str, input_value: Any, extra: dict[str, Any], kind: str) -> Callable[[Probe], None]:
    def steps(p: Probe) -> None:
        _convert(p, input_value, {"model": model_for(provider), **extra}, kind)

    return steps


def model_client_scenarios(info: ClassInfo, provider: str) -> list[Scenario]:
    out = [
        Scenario("convert_prompt", "ok", _convert_only(provider, PROMPT, {"temperature": 0.2}, "LLM")),
        Scenario("convert_messages", "ok", _convert_only(provider, MESSAGES, {}, "LLM")),
        Scenario("convert_images", "ok", _convert_only(provider, PROMPT, {"images": [IMAGE_URL]}, "LLM")),
        Scenario("convert_image_file", "ok", _convert_only(provider, PROMPT, {"images": [planted_image()]}, "LLM")),
        Scenario("convert_messages_without_role", "ok", _convert_only(provider, [{"content": PROMPT}], {}, "LLM")),
        Scenario("convert_embedder", "ok", _convert_only(provider, ["alpha", "beta"], {}, "EMBEDDER")),
        Scenario("call_llm", "ok", _model_call(provider, "LLM", False, False)),
        Scenario("call_llm_stream", "ok", _model_call(provider, "LLM", False, True)),
        Scenario("acall_llm", "ok", _model_call(provider, "LLM", True, False)),
        Scenario("acall_llm_stream", "ok", _model_call(provider, "LLM", True, True)),
        Scenario("call_llm_stream_drained", "ok", _model_call(provider, "LLM", False, True, drain=True)),
        Scenario("acall_llm_stream_drained", "ok", _model_call(provider, "LLM", True, True, drain=True)),
        Scenario("call_embedder", "ok", _model_call(provider, "EMBEDDER", False, False)),
        Scenario("acall_embedder", "ok", _model_call(provider, "EMBEDDER", True, False)),
        Scenario("convert_empty_prompt", "ok", _convert_only(provider, "", {}, "LLM")),
        Scenario("convert_empty_messages", "ok", _convert_only(provider, [], {}, "LLM")),
        Scenario("convert_single_embedder_input", "ok", _convert_only(provider, "alpha", {}, "EMBEDDER")),
    ]
    out += [Scenario(f"call_embedder_{mode}", mode, _model_call(provider, "EMBEDDER", False, False))
            for mode in ("bad_request", "server_error", "timeout")]
    out += [Scenario(f"call_llm_{mode}", mode, _model_call(provider, "LLM", False, False)) for mode in ERROR_MODES]
    out += [Scenario(f"acall_llm_{mode}", mode, _model_call(provider, "LLM", True, False))
            for mode in ASYNC_ERROR_MODES]
    return out


_PROTOCOL_METHODS = {"call", "acall", "convert_inputs_to_api_kwargs", "parse_chat_completion",
                     "parse_embedding_response", "init_sync_client", "init_async_client", "track_completion_usage",
                     "to_dict", "from_dict"}


def _method_call(method: MethodInfo, provider: str, settings: bool = True,
                 extra: dict[str, Any] | None = None) -> Callable[[Probe], None]:
    def steps(p: Probe) -> None:
        instance = p.construct()
        if instance is FAILED:
            return
        kwargs = {**representative_kwargs(method, provider, stream=method.is_generator, settings=settings),
                  **(extra or {})}
        p.step(method.name, getattr(instance, method.name), consume=True, **kwargs)

    return steps


_CONTENT = ("messages", "prompt", "query", "text", "input", "content", "message", "question", "texts")


def _primary(info: ClassInfo, provider: str) -> Any:
    """The class's main operation, run on an instance a scenario built: convert + call for a
    ModelClient, else the first public method taking content (messages, prompt, ...)."""
    if info.protocol == "modelclient":
        return lambda p, instance, init: model_steps(p, provider, "LLM", False, False, init=init)
    methods = [m for m in _public(info).values() if m.name not in _PROTOCOL_METHODS and not m.is_async]
    chosen = next((m for m in methods if any(q in _CONTENT for q in m.params)), methods[0] if methods else None)

    def primary(p: Probe, instance: Any, init: dict[str, Any]) -> None:
        if chosen is not None and hasattr(instance, chosen.name):
            kwargs = representative_kwargs(chosen, provider, stream=chosen.is_generator)
            p.step(chosen.name, getattr(instance, chosen.name), consume=True, **kwargs)

    return primary


def _input_shapes(method: MethodInfo, provider: str) -> list[Scenario]:
    """Empty content, and messages carrying images, for methods that take content."""
    out = [Scenario(f"{method.name}_empty_{q}", "ok", _method_call(method, provider, extra={q: [] if q in (
        "messages", "texts") else ""})) for q in method.params if q in _CONTENT]
    if "messages" in method.params:
        images = [{"role": "user", "content": PROMPT, "images": [IMAGE_URL]}]
        out.append(Scenario(f"{method.name}_image_messages", "ok", _method_call(method, provider,
                                                                                 extra={"messages": images})))
        files = [{"role": "user", "content": PROMPT, "images": [planted_image()]}]
        out.append(Scenario(f"{method.name}_image_file_messages", "ok", _method_call(method, provider,
                                                                                     extra={"messages": files})))
        out.append(Scenario(f"{method.name}_messages_without_role", "ok", _method_call(
            method, provider, extra={"messages": [{"content": PROMPT}]})))
    for name in ("images", "image_paths", "image_path", "image"):
        if name in method.params:
            value = planted_image() if name in ("image_path", "image") else [planted_image()]
            call = _method_call(method, provider, extra={name: value})
            out.append(Scenario(f"{method.name}_{name}_file", "ok", call))
    return out


def method_scenarios(info: ClassInfo, provider: str, skip: set[str]) -> list[Scenario]:
    out = []
    for name, method in _public(info).items():
        if name in skip:
            continue
        out.append(Scenario(name, "ok", _method_call(method, provider)))
        if any(param in _SETTINGS for param in method.params):
            out.append(Scenario(f"{name}_defaults", "ok", _method_call(method, provider, settings=False),
                                "only the content arguments: the method's own defaults apply"))
        out += [Scenario(f"{name}_{mode}", mode, _method_call(method, provider)) for mode in WRAPPER_ERROR_MODES]
        out += _input_shapes(method, provider)
    return out


def _module_facts(p: Probe) -> None:
    """The loggers the module holds (a changed logger name shows) and the SDKs importing it loads."""
    loggers = {p.normaliser.module_name(v.name) for v in vars(p.module).values() if isinstance(v, logging.Logger)}
    p.note({"loggers": sorted(loggers)})
    with p.quiet():
        environ = dict(os.environ)
    p.note({"imports": import_cost(p.module.__name__, environ)})


MODULE_SCENARIO = Scenario("module", "ok", _module_facts, "loggers and the SDKs importing the module loads")


def scenarios_for(info: ClassInfo, provider: str, facts: dict[str, Any] | None = None) -> list[Scenario]:
    """Every derived scenario for the class; names are unique and stable (they key the snapshots).
    `facts` (from the legacy source) add constructor, env, branch, function and serialisation ones.
    A module of functions only (protocol "functions", no class) is driven through its functions."""
    if info.protocol == "functions" and not info.name:
        found = function_scenarios(facts or {}, lambda name: _argument(name, provider, False), WRAPPER_ERROR_MODES)
        return [*found, MODULE_SCENARIO]
    out = construction_scenarios(info)
    if info.protocol == "modelclient":
        out += model_client_scenarios(info, provider)
        out += method_scenarios(info, provider, _PROTOCOL_METHODS)
    else:
        out += method_scenarios(info, provider, set())
    if facts:
        out += derived_scenarios(info, facts, _primary(info, provider),
                                 lambda method, extra: _method_call(method, provider, extra=extra),
                                 lambda name: _argument(name, provider, False))
    unique: dict[str, Scenario] = {}
    for scenario in [*out, MODULE_SCENARIO]:
        unique.setdefault(scenario.name, scenario)
    return list(unique.values())
