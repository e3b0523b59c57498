"""Streams of the migrated fixture app's clients: sync and async yield the same chunks, and
the last one carries the finish reason and the usage together."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from servers.harness import Recorder, servers
from servers.migrated import fixture_manager
from servers.render import import_package, write_package

pytestmark = pytest.mark.unit

__all__ = ["servers"]  # a fixture used by the tests below (migrated_app: conftest)

ROUTES = [
    ("openai", "gpt-4o"),
    ("azure", "gpt-4o"),
    ("openrouter", None),
    ("anthropic", None),
    ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ("ollama", None),
]


# The legacy streams that carry a finish reason and usage (the wrappers yield text only).
FINISHING = {"openai", "azure"}


def _seen(chunks: list[Any]) -> list[tuple[Any, ...]]:
    return [(c.delta, c.tool_calls, c.finish_reason, c.usage) for c in chunks]


@pytest.mark.parametrize(("provider", "model"), ROUTES)
def test_sync_and_async_streams_agree_and_end_with_one_final_chunk(
    migrated_app: Any,
    servers: Any,
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    model: str | None,
) -> None:
    m = fixture_manager(migrated_app, servers, Recorder(), monkeypatch)
    sync = list(m.stream("a b c", provider=provider, model=model))

    async def main() -> list[Any]:
        return [c async for c in m.astream("a b c", provider=provider, model=model)]

    asynchronous = asyncio.run(main())
    assert _seen(sync) == _seen(asynchronous)
    assert "".join(c.delta for c in sync).replace(" ", "") == "abc"
    assert all(c.finish_reason is None and c.usage is None for c in sync[:-1])
    final = sync[-1]
    if provider in FINISHING:
        assert final.finish_reason is not None and final.usage is not None


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("streams")
    package = write_package(root, ())
    import_package(root, package)
    return SimpleNamespace(adapters=importlib.import_module(f"{package}._adapters"))


OPENAI_EVENTS = [
    {
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": "a"}}],
    },
    {
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    },
    {
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": {"prompt_tokens": 4, "completion_tokens": 2},
    },
]
BEDROCK_EVENTS = [
    {"contentBlockDelta": {"delta": {"text": "a"}}},
    {"contentBlockStop": {}},
    {"messageStop": {"stopReason": "end_turn"}},
    {"metadata": {"usage": {"inputTokens": 4, "outputTokens": 2}}},
]
ANTHROPIC_EVENTS = [
    {
        "type": "message_start",
        "message": {"usage": {"input_tokens": 4, "output_tokens": 1}},
    },
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "a"},
    },
    {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn"},
        "usage": {"output_tokens": 2},
    },
    {"type": "message_stop"},
]
OLLAMA_EVENTS = [
    {"message": {"content": "a"}, "done": False},
    {
        "message": {"content": ""},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 4,
        "eval_count": 2,
    },
]


@pytest.mark.parametrize(
    ("events", "finish"),
    [
        (OPENAI_EVENTS, "stop"),
        (BEDROCK_EVENTS, "end_turn"),
        (ANTHROPIC_EVENTS, "end_turn"),
        (OLLAMA_EVENTS, "stop"),
    ],
    ids=["openai", "bedrock", "anthropic", "ollama"],
)
def test_finish_reason_and_usage_sent_apart_arrive_on_one_last_chunk(
    gen: SimpleNamespace, events: list[dict[str, Any]], finish: str
) -> None:
    adapter = gen.adapters.WrapperAdapter()
    adapter.provider = "x"
    sync = list(adapter._chunks(events))

    async def source() -> AsyncIterator[dict[str, Any]]:
        for event in events:
            yield event

    async def main() -> list[Any]:
        return [c async for c in adapter._achunks(source())]

    assert _seen(asyncio.run(main())) == _seen(sync)
    assert [c.delta for c in sync] == ["a", ""]
    last = sync[-1]
    assert last.finish_reason == finish and last.usage is not None
    assert (last.usage.input_tokens, last.usage.output_tokens) == (4, 2)
    assert sync[0].finish_reason is None and sync[0].usage is None
