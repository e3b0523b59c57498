"""Rendering the generated package: markers, compilation, formatting, stability, cheap imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import black
import pytest
from servers.render import LegacyProvider, scan_methods, write_package

from genmigrate.generated import (
    AdapterContext,
    PackageContext,
    ProviderEntry,
    modelclient_ops,
    render_adapter,
    render_package,
    wrapper_operations,
)
from genmigrate.marker import GENERATED_MARKER
from genmigrate.model import MethodInfo

pytestmark = pytest.mark.unit

PROVIDERS = (
    LegacyProvider("openai", "openai_modelclient.py", "OpenAIClient", "modelclient"),
    LegacyProvider("anthropic", "anthropic_wrapper.py", "AnthropicChat", "chat-wrapper"),
    LegacyProvider("bedrock", "bedrock_wrapper.py", "BedrockClient", "chat-wrapper"),
    LegacyProvider("ollama", "ollama_wrapper.py", "OllamaChat", "unknown"),
)
SDKS = ("openai", "anthropic", "boto3", "botocore", "adalflow", "ollama", "dashscope", "httpx")
SDKS += ("httpx2", "requests", "aiohttp", "keyring", "redis")
MODE = black.Mode()  # black with no configuration: what a repo without one checks


def _context() -> PackageContext:
    return PackageContext("app.components.generator", tuple(p.entry() for p in PROVIDERS))


def _adapter_sources() -> list[str]:
    out = []
    for p in PROVIDERS:
        legacy = (Path(__file__).parent / "servers" / "legacy" / p.source).read_text()
        methods = scan_methods(legacy, p.legacy_class)
        ctx = AdapterContext(p.name, p.adapter_class, p.legacy_class, p.protocol, methods)
        out.append(render_adapter(ctx))
    return out


def test_every_package_file_is_marked_compiles_and_is_black_formatted() -> None:
    files = render_package(_context())
    assert {"__init__.py", "base.py", "generator_manager.py", "providers/__init__.py"} <= set(files)
    for path, text in files.items():
        assert text.splitlines()[0].startswith(GENERATED_MARKER), path
        if not path.endswith(".py"):
            continue
        compile(text, path, "exec")
        assert black.format_str(text, mode=MODE) == text, f"{path} is not black-formatted"


def test_rendered_package_passes_ruff_black_and_mypy_strict(tmp_path: Path) -> None:
    """What a user's CI runs on the files genmigrate writes whole, with no configuration
    of its own: ruff (E, F, I, UP, B), black and mypy --strict, for Python 3.10."""
    package = tmp_path / "app" / "components" / "generator"
    for rel, text in render_package(_context()).items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text, encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    assert (package / "py.typed").exists() and "## Adding a provider" in (
        package / "README.md"
    ).read_text(encoding="utf-8")
    python = [p for p in package.rglob("*.py") if p.parent.name != "providers"]
    python.append(package / "providers" / "__init__.py")
    files = [str(p) for p in python]
    checks = [
        ["ruff", "check", "--isolated", "--select", "E,F,I,UP,B", "--target-version", "py310", *files],
        ["black", "--check", "--quiet", "--config", str(tmp_path / "empty.toml"), *files],
        ["mypy", "--strict", "--python-version", "3.10", "--no-incremental", "--cache-dir", str(tmp_path), *files],
    ]
    for command in checks:
        done = subprocess.run(
            [sys.executable, "-m", *command], capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode == 0, f"{command[0]}:\n{done.stdout}{done.stderr}"


def test_adapters_compile_and_are_black_formatted() -> None:
    for text in _adapter_sources():
        compile(text, "<adapter>", "exec")
        assert black.format_str(text, mode=MODE) == text


def test_rendering_is_stable() -> None:
    assert render_package(_context()) == render_package(_context())
    assert _adapter_sources() == _adapter_sources()


def test_package_is_relocatable_and_registers_relative_paths() -> None:
    files = render_package(_context())
    assert "app.components" not in files["generator_manager.py"]
    assert (
        '"openai": ".providers.openai_generator:OpenaiGenerator"' in files["providers/__init__.py"]
    )


def test_importing_package_and_manager_loads_no_provider_sdk(tmp_path: Path) -> None:
    package = write_package(tmp_path, PROVIDERS)
    script = f"""
import json, sys
sys.path.insert(0, {str(tmp_path)!r})
import {package} as pkg
from {package}.generator_manager import GeneratorManager
manager = GeneratorManager(default_provider="openai", entry_points=False)
def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set({list(SDKS)!r}))
before = loaded()
caps = manager.capabilities("bedrock")  # first use of one provider loads only its SDK
print(json.dumps({{"providers": manager.providers.names(), "streaming": caps.streaming,
    "before": before, "after": loaded(), "genmigrate": "genmigrate" in sys.modules}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["before"] == []
    assert report["after"] == ["boto3", "botocore"]
    assert report["genmigrate"] is False
    assert report["providers"] == ["anthropic", "bedrock", "ollama", "openai"]
    assert report["streaming"] is True


def test_modelclient_ops_follow_the_defined_methods() -> None:
    only_sync = (MethodInfo("call", 1, ["self", "api_kwargs", "model_type"]),)
    assert modelclient_ops(only_sync) == {
        "generate": True,
        "stream": True,
        "agenerate": False,
        "astream": False,
        "embed": False,
        "aembed": False,
    }
    subclass = (MethodInfo("__init__", 1, ["self"]),)  # inherits call/acall from a concrete client
    assert modelclient_ops(subclass)["agenerate"] is True


def test_framework_embedders_batch_methods_are_their_embed_operations() -> None:
    langchain = (MethodInfo("embed_documents", 1, ["self", "texts"]),
                 MethodInfo("aembed_documents", 2, ["self", "texts"], is_async=True))
    assert {op: o.method for op, o in wrapper_operations(langchain).items()} == {
        "embed": "embed_documents", "aembed": "aembed_documents"}
    llamaindex = (MethodInfo("_get_text_embedding", 1, ["self", "text"]),
                  MethodInfo("_get_text_embeddings", 2, ["self", "texts"]))
    assert wrapper_operations(llamaindex)["embed"].method == "_get_text_embeddings"


def test_a_call_method_serves_only_the_model_types_it_branches_on() -> None:
    params = ["self", "api_kwargs", "model_type"]
    methods = (
        MethodInfo("parse_embedding_response", 1, ["self", "response"]),
        MethodInfo("call", 2, params, model_types=["EMBEDDER", "LLM"]),
        MethodInfo("acall", 3, params, is_async=True, model_types=["LLM"]),  # async: LLM only
    )
    ops = modelclient_ops(methods, ("EMBEDDER", "LLM"))
    assert (ops["embed"], ops["aembed"], ops["agenerate"]) == (True, False, True)
    # A call that names no member follows the class.
    untyped = (*methods[:2], MethodInfo("acall", 3, params, is_async=True))
    assert modelclient_ops(untyped, ("EMBEDDER", "LLM"))["aembed"] is True


def test_wrapper_operations_map_names_params_and_duplicates() -> None:
    methods = (
        MethodInfo("chat", 1, ["self", "prompt"]),
        MethodInfo("chat", 5, ["self", "messages", "model", "**kw"]),  # the later one wins
        MethodInfo("stream_chat", 9, ["self", "messages"], is_generator=True),
        MethodInfo("achat", 12, ["self", "messages"], is_async=True),
        MethodInfo("embed", 15, ["self"]),  # no input parameter: cannot be driven
    )
    ops = wrapper_operations(methods)
    assert set(ops) == {"generate", "stream", "agenerate"}
    assert ops["generate"].input == "messages"
    assert ops["generate"].options == ("model",) and ops["generate"].any_option
    assert ops["stream"].is_generator


def test_generator_named_chat_is_a_stream_not_a_generate() -> None:
    ops = wrapper_operations((MethodInfo("chat", 1, ["self", "q"], is_generator=True),))
    assert "generate" not in ops


@pytest.mark.parametrize(
    "bad",
    [
        PackageContext("app.components-x", ()),
        PackageContext("a", (ProviderEntry("x", "mod", "Gen", ("Legacy",), "grpc"),)),
        PackageContext("a", (ProviderEntry("x", "mod", "class", ("Legacy",), "unknown"),)),
        PackageContext("a", (ProviderEntry("x", "m", "G", ("L",), "unknown"),) * 2),
    ],
)
def test_bad_package_context_is_rejected(bad: PackageContext) -> None:
    with pytest.raises(ValueError):
        render_package(bad)


@pytest.mark.parametrize(
    ("decorators", "expected"),
    [
        (["backoff.on_exception(\n    backoff.expo, (RateLimitError,), max_time=5\n)"], True),
        (["on_predicate(expo, lambda r: r is None)"], True),
        (["tenacity.retry(stop=stop_after_attempt(3))"], True),
        (["retry"], True),
        (["staticmethod", "functools.lru_cache(maxsize=8)"], False),
        (["retry_after_header"], False),
        ([], False),
    ],
)
def test_a_retry_decorator_on_an_operation_marks_the_adapter(
    decorators: list[str], expected: bool
) -> None:
    methods = (
        MethodInfo("chat", 1, ["self", "messages"], decorators=decorators),
        MethodInfo("close", 9, ["self"], decorators=["backoff.on_exception(expo, Exception)"]),
    )
    ctx = AdapterContext("x", "XGenerator", "XClient", "chat-wrapper", methods)
    source = render_adapter(ctx)
    assert ("legacy_retries = True" in source) is expected  # `close` is no operation: ignored
    compile(source, "<adapter>", "exec")


def test_modelclient_retry_flag_reads_call_and_acall() -> None:
    decorated = MethodInfo("acall", 2, ["self", "api_kwargs"], True, decorators=["retry()"])
    plain = MethodInfo("call", 1, ["self", "api_kwargs"])
    for methods, expected in (((plain, decorated), True), ((plain,), False)):
        ctx = AdapterContext("openai", "OpenAIGenerator", "C", "modelclient", methods)
        assert ("legacy_retries = True" in render_adapter(ctx)) is expected
