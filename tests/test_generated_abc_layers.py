"""fixtures/abc_layers migrated, then every generated adapter driven against the loopback servers:
each LLM generates and (when its class streams) streams, each embedder embeds, and the
capabilities of each say exactly that before any call."""

from __future__ import annotations

import asyncio
import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from servers.harness import Recorder, build_manager, servers
from servers.http import Reply

from genmigrate.config import Config
from genmigrate.engine import plan_and_render
from genmigrate.write import write_changes

pytestmark = pytest.mark.integration

__all__ = ["servers"]  # fixture used by the tests below

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "abc_layers"
PACKAGE = "memkit.components.generator"
OPENAI_SDK = ("OpenAILLM", "DeepSeekLLM", "XAILLM", "TogetherLLM", "LMStudioLLM", "OpenRouterLLM", "VllmLLM")
OPENAI_EMBEDDERS = ("OpenAIEmbedding", "TogetherEmbedding", "LMStudioEmbedding")
# What each legacy class really offers: (generate, stream, native async)
LLM_OPERATIONS = {
    "OpenAILLM": (True, True, True),
    "AzureOpenAILLM": (True, True, False),
    "DeepSeekLLM": (True, False, False),
    "XAILLM": (True, True, False),
    "TogetherLLM": (True, True, False),
    "LMStudioLLM": (True, True, False),  # its agenerate_response only raises NotImplementedError
    "OpenRouterLLM": (True, True, True),
    "VllmLLM": (True, True, False),
    "AnthropicLLM": (True, True, True),
    "OllamaLLM": (True, True, False),
    "AWSBedrockLLM": (True, True, False),
}
EMBEDDERS = ("OpenAIEmbedding", "AzureOpenAIEmbedding", "OllamaEmbedding", "AWSBedrockEmbedding",
             "TogetherEmbedding", "LMStudioEmbedding")


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("abc") / "abc_layers"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    outcome = plan_and_render(root, Config())  # unconfigured
    assert outcome.plan is not None
    write_changes(root, outcome.changes)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(root))
        for name, value in {"AWS_ACCESS_KEY_ID": "AKIDLOOPBACK", "AWS_SECRET_ACCESS_KEY": "s",
                            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                            "AWS_EC2_METADATA_DISABLED": "true"}.items():
            patch.setenv(name, value)
        providers = importlib.import_module(f"{PACKAGE}.providers").PROVIDERS
        adapters = {name: _load(target) for name, target in providers.items()}
        yield SimpleNamespace(
            plan=outcome.plan, adapters=adapters, manager=importlib.import_module(f"{PACKAGE}.generator_manager"),
            base=importlib.import_module(f"{PACKAGE}.base"),
        )
    for name in [n for n in sys.modules if n == "memkit" or n.startswith("memkit.")]:
        del sys.modules[name]


def _load(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module, PACKAGE), attribute)


def _config(legacy: str, s: SimpleNamespace) -> dict[str, Any]:
    """The legacy class's own config (a dict its base class turns into the config class)."""
    if legacy in OPENAI_SDK + OPENAI_EMBEDDERS:
        return {"base_url": s.openai.url + "/v1", "api_key": "sk-loopback", "model": "gpt-4o"}
    if legacy.startswith("AzureOpenAI"):
        return {"azure_endpoint": s.openai.url, "api_key": "azure-loopback", "model": "gpt-4o"}
    if legacy == "AnthropicLLM":
        return {"base_url": s.anthropic.url, "api_key": "sk-ant-loopback", "model": "claude-haiku-4-5"}
    if legacy == "OllamaLLM":
        return {"ollama_base_url": s.ollama.url, "model": "llama3"}
    if legacy == "OllamaEmbedding":
        return {"base_url": s.ollama.url, "model": "nomic-embed-text"}
    return {"endpoint_url": s.bedrock.url, "aws_region": "us-east-1"}


def _manager(layer: SimpleNamespace, s: SimpleNamespace) -> Any:
    settings = {name: {"config": _config(cls.legacy_class.__name__, s)} for name, cls in layer.adapters.items()}
    return build_manager(layer.manager, settings, Recorder())


def _by_legacy(layer: SimpleNamespace) -> dict[str, str]:
    return {cls.legacy_class.__name__: name for name, cls in layer.adapters.items()}


def test_every_client_has_an_adapter_in_its_family(layer: SimpleNamespace) -> None:
    by_legacy = _by_legacy(layer)
    assert sorted(by_legacy) == sorted([*LLM_OPERATIONS, *EMBEDDERS])
    for move in layer.plan.moves:
        family = "embedding" if move.primary_class in EMBEDDERS else "llm"
        assert move.family == family, move.primary_class
        suffix = "_embedder.py" if family == "embedding" else "_generator.py"
        assert move.target_path.endswith(suffix) and move.provider.endswith("_embedder") == (family == "embedding")
        assert move.adapter_class.endswith("Embedder" if family == "embedding" else "Generator")


def test_capabilities_are_what_each_class_really_offers(layer: SimpleNamespace) -> None:
    for legacy, name in _by_legacy(layer).items():
        caps = layer.adapters[name].capabilities
        if legacy in EMBEDDERS:
            assert caps.embeddings and not caps.streaming and not caps.async_, legacy
            continue
        _, streams, native_async = LLM_OPERATIONS[legacy]
        assert (caps.streaming, caps.async_, caps.embeddings) == (streams, native_async, False), legacy


def test_every_llm_adapter_generates_and_streams(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)
    for legacy, name in _by_legacy(layer).items():
        if legacy in EMBEDDERS:
            continue
        result = m.generate("hello there", provider=name)
        assert result.text.strip() == "echo: hello there" and result.provider == name, legacy
        if LLM_OPERATIONS[legacy][1]:
            assert "".join(c.delta for c in m.stream("a b c", provider=name)).replace(" ", "") == "abc", legacy
        else:
            with pytest.raises(layer.base.UnsupportedOperation):
                list(m.stream("a b c", provider=name))
    assert servers.openai.hits("/v1/chat/completions") and servers.bedrock.hits("/model/")
    assert servers.anthropic.hits("/v1/messages") and servers.ollama.hits("/api/chat")


def test_every_llm_adapter_generates_async(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)
    names = [n for legacy, n in _by_legacy(layer).items() if legacy not in EMBEDDERS]

    async def main() -> list[str]:
        return [(await m.agenerate("x y", provider=n)).text.strip() for n in names]

    assert asyncio.run(main()) == ["echo: x y"] * len(names)


def test_every_embedder_adapter_embeds_and_generates_nothing(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)
    for legacy, name in _by_legacy(layer).items():
        if legacy not in EMBEDDERS:
            continue
        result = m.embed(["u", "vw"], provider=name)
        assert len(result.vectors) == 2 and all(v and all(isinstance(x, float) for x in v) for v in result.vectors)
        with pytest.raises(layer.base.UnsupportedOperation):
            m.generate("hi", provider=name)
    assert [h.json()["input"] for h in servers.openai.hits("/v1/embeddings")][:2] == [["u"], ["vw"]]
    assert [r.json()["inputText"] for r in servers.bedrock.requests if r.path.endswith("/invoke")] == ["u", "vw"]


def test_embed_by_provider_name_goes_to_the_embedding_family(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)
    assert m.embed(["abc"], provider="ollama").provider == "ollama_embedder"
    assert m.generate("hi", provider="ollama").provider == "ollama"
    assert servers.ollama.hits("/api/embed")[0].json()["input"] == "abc"


def test_sync_and_async_streams_yield_the_same_chunks(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)

    async def collect(name: str) -> list[Any]:
        return [(c.delta, c.finish_reason) async for c in m.astream("a b c", provider=name)]

    for legacy, name in _by_legacy(layer).items():
        if legacy in EMBEDDERS or not LLM_OPERATIONS[legacy][1]:
            continue
        sync = [(c.delta, c.finish_reason) for c in m.stream("a b c", provider=name)]
        assert sync and asyncio.run(collect(name)) == sync, legacy


def test_refusals_send_no_request(layer: SimpleNamespace, servers: SimpleNamespace) -> None:
    m = _manager(layer, servers)
    by_legacy = _by_legacy(layer)
    with pytest.raises(layer.base.UnsupportedOperation):  # chat-only: no stream
        list(m.stream("a b", provider=by_legacy["DeepSeekLLM"]))
    for legacy in EMBEDDERS:  # embedder-only: no generation
        with pytest.raises(layer.base.UnsupportedOperation):
            m.generate("hi", provider=by_legacy[legacy])
    assert not m.capabilities(by_legacy["DeepSeekLLM"]).streaming
    sent = servers.openai.requests + servers.anthropic.requests + servers.bedrock.requests + servers.ollama.requests
    assert sent == []


def test_default_provider_explicit_provider_and_fallback_on_the_abc_layer(
    layer: SimpleNamespace, servers: SimpleNamespace
) -> None:
    by_legacy = _by_legacy(layer)
    deepseek, anthropic = by_legacy["DeepSeekLLM"], by_legacy["AnthropicLLM"]
    settings = {name: {"config": _config(cls.legacy_class.__name__, servers)} for name, cls in layer.adapters.items()}
    rec = Recorder()
    m = layer.manager.GeneratorManager(
        default_provider=deepseek, settings=settings, environ={}, fallbacks={deepseek: [anthropic]},
        retry=layer.manager.NO_RETRY, sleep=rec.sleep,
    )
    rec.attach(m.hooks)
    assert m.generate("to the default", model="gpt-4o").provider == deepseek  # the table does not redirect
    assert m.generate("named", provider=anthropic).provider == anthropic
    before = len(servers.openai.hits("/v1/chat"))
    servers.openai.queue("/v1/chat", *[Reply.json({"error": {"message": "down"}}, 503)] * 3)
    result = m.generate("falls back")
    assert result.provider == anthropic and result.text.strip() == "echo: falls back"
    assert len(servers.openai.hits("/v1/chat")) - before == 1  # the manager owns retrying: SDK retries off
    assert rec.names().count("fallback") == 1
