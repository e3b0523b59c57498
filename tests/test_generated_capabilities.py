"""Honest capabilities on rendered adapters of a streaming-only, a chat-only and an embedder-only
wrapper: `capabilities` says what the legacy class offers, and every other operation raises
`UnsupportedOperation` before the legacy client is called, sync and async alike."""

from __future__ import annotations

import ast
import asyncio
import importlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

from genmigrate.discover.analyze import build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.generated import AdapterContext, modelclient_ops, render_adapter
from genmigrate.model import MethodInfo
from servers.render import LegacyProvider, import_package, write_package

pytestmark = pytest.mark.unit

PROJECT = Path(__file__).resolve().parents[1]

LOCAL = (
    LegacyProvider("streamer", "local_wrappers.py", "StreamOnly", "chat-wrapper"),
    LegacyProvider("chatter", "local_wrappers.py", "ChatOnly", "chat-wrapper"),
    LegacyProvider("embedder", "local_wrappers.py", "EmbedOnly", "chat-wrapper"),
)
# provider -> (streaming, embeddings, operations that must be refused)
EXPECTED = {
    "streamer": (True, False, ("generate", "agenerate", "embed", "aembed")),
    "chatter": (False, False, ("stream", "astream", "embed", "aembed")),
    "embedder": (False, True, ("generate", "agenerate", "stream", "astream")),
}


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("capabilities")
    package = write_package(root, LOCAL)
    import_package(root, package)
    names = ("base", "generator_manager")
    return SimpleNamespace(**{n: importlib.import_module(f"{package}.{n}") for n in names})


def _refused(m: Any, operation: str, provider: str) -> None:
    calls = {
        "generate": lambda: m.generate("one two", provider=provider),
        "stream": lambda: list(m.stream("one two", provider=provider)),
        "embed": lambda: m.embed(["one"], provider=provider),
        "agenerate": lambda: asyncio.run(m.agenerate("one two", provider=provider)),
        "astream": lambda: asyncio.run(_drain(m.astream("one two", provider=provider))),
        "aembed": lambda: asyncio.run(m.aembed(["one"], provider=provider)),
    }
    calls[operation]()


async def _drain(stream: Any) -> list[Any]:
    return [chunk async for chunk in stream]


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_capabilities_and_refusals_before_any_call(gen: SimpleNamespace, provider: str) -> None:
    streaming, embeddings, refused = EXPECTED[provider]
    m = gen.generator_manager.GeneratorManager(entry_points=False, use_keyring=False)
    caps = m.capabilities(provider)
    assert (caps.streaming, caps.embeddings, caps.batch) == (streaming, embeddings, False)
    for operation in refused:
        with pytest.raises(gen.base.UnsupportedOperation) as caught:
            _refused(m, operation, provider)
        assert caught.value.provider == provider, operation
    assert m.get(provider).client.calls == 0  # refused before the legacy client was called


def test_what_each_offers_works_sync_and_async(gen: SimpleNamespace) -> None:
    m = gen.generator_manager.GeneratorManager(entry_points=False, use_keyring=False)
    chunks = list(m.stream("one two", provider="streamer"))
    assert [(c.delta, c.finish_reason) for c in chunks] == [("one", None), ("two", None), ("", "stop")]
    async_chunks = asyncio.run(_drain(m.astream("one two", provider="streamer")))
    assert [(c.delta, c.finish_reason) for c in async_chunks] == [(c.delta, c.finish_reason) for c in chunks]
    assert m.generate("hi", provider="chatter").text == "chat: hi"
    assert asyncio.run(m.agenerate("hi", provider="chatter")).text == "chat: hi"
    assert m.embed(["ab", "c"], provider="embedder").vectors == ((2.0,), (1.0,))
    assert [m.get(p).client.calls for p in ("streamer", "chatter", "embedder")] == [2, 2, 1]


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_a_refusal_comes_before_the_legacy_client_is_built(gen: SimpleNamespace, provider: str) -> None:
    m = gen.generator_manager.GeneratorManager(entry_points=False, use_keyring=False)
    legacy = m.providers.load(provider).legacy_class
    with mock.patch.object(legacy, "__init__", side_effect=AssertionError("built")):
        for operation in EXPECTED[provider][2]:  # a missing SDK or key would fail here otherwise
            with pytest.raises(gen.base.UnsupportedOperation):
                _refused(m, operation, provider)


FRAMEWORK_CLIENTS = PROJECT / "fixtures" / "framework_pkg" / "libsrc" / "fwpkg" / "components" / "model_client"


def _rendered_capabilities(module: str, legacy_class: str, source: str | None = None) -> set[str]:
    """The flags the rendered adapter of a framework fixture's ModelClient (or of `source` in its
    place) sets, read from its source."""
    text = (FRAMEWORK_CLIENTS / module).read_text() if source is None else source
    graph = build_graph(text)
    info = next(c for c in describe_classes(graph) if c.name == legacy_class)
    context = AdapterContext(
        module[: -len("_client.py")],
        f"{legacy_class}Generator",
        legacy_class,
        info.protocol,
        tuple(info.methods),
        model_types=tuple(info.model_types),
    )
    tree = ast.parse(render_adapter(context))
    calls = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["capabilities"]
    ]
    assert len(calls) == 1 and isinstance(calls[0], ast.Call)
    return {k.arg for k in calls[0].keywords if k.arg and ast.literal_eval(k.value) is True}


def test_a_client_that_posts_json_and_returns_the_parsed_reply_does_not_stream() -> None:
    # Together's `call` posts the request as one JSON body and returns `reply.json()`.
    assert _rendered_capabilities("together_client.py", "TogetherClient") == set()
    # Groq's `call` forwards `**api_kwargs` to the SDK, so `stream=True` reaches it.
    assert _rendered_capabilities("groq_client.py", "GroqAPIClient") == {"streaming"}


def test_forwarding_keywords_counts_as_streaming_only_into_an_operation_that_can_stream() -> None:
    # Bedrock's `call` forwards `**api_kwargs` to `converse`, which always answers whole.
    assert "streaming" not in _rendered_capabilities("bedrock_client.py", "BedrockAPIClient")
    source = (FRAMEWORK_CLIENTS / "bedrock_client.py").read_text()
    assert "self.sync_client.converse(**" in source
    streaming = source.replace("self.sync_client.converse(**", "self.sync_client.converse_stream(**")
    assert "streaming" in _rendered_capabilities("bedrock_client.py", "BedrockAPIClient", streaming)


def test_modelclient_streams_only_through_a_call_that_can_return_a_stream() -> None:
    params = ["self", "api_kwargs", "model_type"]
    posts = (MethodInfo("call", 1, params, may_stream=False), MethodInfo("parse_chat_completion", 2, ["self", "c"]))
    ops = modelclient_ops(posts)
    assert (ops["generate"], ops["stream"], ops["astream"]) == (True, False, False)
    # An `acall` that streams gives `astream`, a sync `call` that does not gives no `stream`.
    both = (*posts, MethodInfo("acall", 3, params, is_async=True))
    ops = modelclient_ops(both)
    assert (ops["stream"], ops["astream"], ops["agenerate"]) == (False, True, True)
