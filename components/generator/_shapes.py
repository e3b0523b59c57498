# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Read provider responses by shape (OpenAI-compatible, Anthropic, Bedrock Converse,
Ollama).

Objects and plain dicts are read alike, so no SDK type is ever imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._types import StreamChunk, ToolCall, ToolCallDelta, Usage


def get(obj: Any, *path: str | int) -> Any:
    """`get(x, "choices", 0, "delta")`: attribute or key lookup; None when any step is
    missing."""
    for step in path:
        if obj is None:
            return None
        if isinstance(step, int):
            obj = (
                obj[step]
                if isinstance(obj, (list, tuple)) and len(obj) > step
                else None
            )
        elif isinstance(obj, Mapping):
            obj = obj.get(step)
        else:
            obj = getattr(obj, step, None)
    return obj


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_of(raw: Any) -> Usage | None:
    """Normalise any provider's usage record (see `Usage` for the convention)."""
    if raw is None:
        return None
    if (
        get(raw, "prompt_tokens") is not None
        or get(raw, "completion_tokens") is not None
    ):
        return Usage(
            input_tokens=_int(get(raw, "prompt_tokens")),
            output_tokens=_int(get(raw, "completion_tokens")),
            cached_tokens=_int(get(raw, "prompt_tokens_details", "cached_tokens")),
            reasoning_tokens=_int(
                get(raw, "completion_tokens_details", "reasoning_tokens")
            ),
        )
    if get(raw, "inputTokens") is not None:  # Bedrock Converse
        return Usage(
            input_tokens=_int(get(raw, "inputTokens")),
            output_tokens=_int(get(raw, "outputTokens")),
            cached_tokens=_int(get(raw, "cacheReadInputTokens")),
        )
    if get(raw, "prompt_eval_count") is not None or get(raw, "eval_count") is not None:
        return Usage(_int(get(raw, "prompt_eval_count")), _int(get(raw, "eval_count")))
    return _input_output_usage(raw)


def _input_output_usage(raw: Any) -> Usage | None:
    if get(raw, "input_tokens") is None and get(raw, "output_tokens") is None:
        return None
    cache_read = _int(get(raw, "cache_read_input_tokens"))
    cache_write = _int(get(raw, "cache_creation_input_tokens"))
    if cache_read or cache_write:  # Anthropic counts cache traffic outside input_tokens
        total_in = _int(get(raw, "input_tokens")) + cache_read + cache_write
        return Usage(
            total_in, _int(get(raw, "output_tokens")), cached_tokens=cache_read
        )
    return Usage(  # OpenAI Responses API
        input_tokens=_int(get(raw, "input_tokens")),
        output_tokens=_int(get(raw, "output_tokens")),
        cached_tokens=_int(get(raw, "input_tokens_details", "cached_tokens")),
        reasoning_tokens=_int(get(raw, "output_tokens_details", "reasoning_tokens")),
    )


def tool_calls_of(message: Any) -> tuple[ToolCall, ...]:
    calls = get(message, "tool_calls") or ()
    return tuple(
        ToolCall(
            id=str(get(c, "id") or ""),
            name=str(get(c, "function", "name") or ""),
            arguments=str(get(c, "function", "arguments") or ""),
        )
        for c in calls
    )


def text_of(raw: Any) -> str:
    """The answer text of a non-streamed response of any supported shape."""
    # Haystack components answer {"replies": [str | ChatMessage, ...]}.
    reply = get(raw, "replies", 0)
    if isinstance(reply, str):
        return reply
    if reply is not None:
        return str(get(reply, "text") or get(reply, "content") or "")
    candidates = (
        get(raw, "choices", 0, "message", "content"),
        get(raw, "output_text"),
        get(raw, "message", "content"),  # Ollama
        get(raw, "output", "message", "content"),  # Bedrock Converse
        get(raw, "content"),  # Anthropic
    )
    for value in candidates:
        if isinstance(value, str):
            return value
        if isinstance(value, (list, tuple)):
            return "".join(str(get(b, "text") or "") for b in value)
    return ""


def finish_reason_of(raw: Any) -> str | None:
    for value in (
        get(raw, "choices", 0, "finish_reason"),
        get(raw, "stop_reason"),
        get(raw, "stopReason"),
        get(raw, "done_reason"),
        get(raw, "status"),
    ):
        if isinstance(value, str):
            return value
    return None


def request_id_of(raw: Any) -> str | None:
    value = (
        get(raw, "_request_id")
        or get(raw, "id")
        or get(raw, "ResponseMetadata", "RequestId")
    )
    return value if isinstance(value, str) else None


def chunk_of(raw: Any) -> StreamChunk:
    """One streamed item of any supported shape (a plain string counts as text)."""
    if isinstance(raw, str):
        return StreamChunk(delta=raw, raw=raw)
    if get(raw, "choices") is not None or get(raw, "object") == "chat.completion.chunk":
        return _openai_chunk(raw)
    kind = get(raw, "type")
    if kind == "AIMessageChunk":  # LangChain chat models' stream()
        return StreamChunk(delta=text_of(raw), raw=raw)
    if isinstance(kind, str):
        return _typed_event_chunk(kind, raw)
    if get(raw, "done") is not None:  # Ollama
        done = bool(get(raw, "done"))
        return StreamChunk(
            delta=str(get(raw, "message", "content") or get(raw, "response") or ""),
            finish_reason=(get(raw, "done_reason") or "stop") if done else None,
            usage=usage_of(raw) if done else None,
            raw=raw,
        )
    return _converse_chunk(raw)


def _openai_chunk(raw: Any) -> StreamChunk:
    delta = get(raw, "choices", 0, "delta")
    tool_deltas = tuple(
        ToolCallDelta(
            index=_int(get(d, "index")),
            id=get(d, "id"),
            name=get(d, "function", "name"),
            arguments=str(get(d, "function", "arguments") or ""),
        )
        for d in (get(delta, "tool_calls") or ())
    )
    return StreamChunk(
        delta=str(get(delta, "content") or ""),
        tool_calls=tool_deltas,
        finish_reason=get(raw, "choices", 0, "finish_reason"),
        usage=usage_of(get(raw, "usage")),
        raw=raw,
    )


def _typed_event_chunk(kind: str, raw: Any) -> StreamChunk:
    """Anthropic Messages events and OpenAI Responses events."""
    if kind == "content_block_delta":
        return StreamChunk(
            delta=str(get(raw, "delta", "text") or ""),
            tool_calls=_anthropic_tool_delta(raw),
            raw=raw,
        )
    if kind == "message_delta":
        return StreamChunk(
            finish_reason=get(raw, "delta", "stop_reason"),
            usage=usage_of(get(raw, "usage")),
            raw=raw,
        )
    if kind == "response.output_text.delta":
        return StreamChunk(delta=str(get(raw, "delta") or ""), raw=raw)
    if kind == "response.completed":
        return StreamChunk(
            finish_reason="stop", usage=usage_of(get(raw, "response", "usage")), raw=raw
        )
    return StreamChunk(raw=raw)


class StreamReader:
    """Reads the items of one stream in order, carrying state across them.

    Anthropic sends the input token count only in `message_start` and the output count
    in the final `message_delta`: the reader merges the first into the second, so the
    final chunk's usage is complete.
    """

    def __init__(self) -> None:
        self._start_usage: Usage | None = None

    def read(self, raw: Any) -> StreamChunk:
        if get(raw, "type") == "message_start":
            self._start_usage = usage_of(get(raw, "message", "usage"))
            return StreamChunk(raw=raw)
        chunk = chunk_of(raw)
        start = self._start_usage
        if chunk.usage is None or start is None:
            return chunk
        usage = Usage(
            input_tokens=chunk.usage.input_tokens or start.input_tokens,
            output_tokens=chunk.usage.output_tokens or start.output_tokens,
            cached_tokens=chunk.usage.cached_tokens or start.cached_tokens,
            reasoning_tokens=chunk.usage.reasoning_tokens,
        )
        return StreamChunk(
            chunk.delta, chunk.tool_calls, chunk.finish_reason, usage, raw
        )


def _anthropic_tool_delta(raw: Any) -> tuple[ToolCallDelta, ...]:
    partial = get(raw, "delta", "partial_json")
    if partial is None:
        return ()
    return (ToolCallDelta(index=_int(get(raw, "index")), arguments=str(partial)),)


def _converse_chunk(raw: Any) -> StreamChunk:
    """Bedrock ConverseStream events: {"contentBlockDelta": ...}, {"messageStop": ...}
    and the others."""
    text = get(raw, "contentBlockDelta", "delta", "text")
    stop = get(raw, "messageStop", "stopReason")
    usage = usage_of(get(raw, "metadata", "usage"))
    return StreamChunk(delta=str(text or ""), finish_reason=stop, usage=usage, raw=raw)


def vectors_of(raw: Any) -> tuple[tuple[float, ...], ...]:
    """Embedding vectors of an OpenAI-style, Ollama, Haystack (`{"embedding": v}`) or
    plain list response, or of a list of one such response per text."""
    per_text = isinstance(raw, list) and raw
    if per_text and not isinstance(raw[0], (list, tuple, int, float)):
        return tuple(vector for item in raw for vector in vectors_of(item))
    single = get(raw, "embedding")
    if single is not None:
        return (tuple(single),)
    data = get(raw, "data")
    if data is not None:
        return tuple(tuple(get(item, "embedding") or ()) for item in data)
    embeddings = get(raw, "embeddings")
    if embeddings is not None:
        return tuple(tuple(v) for v in embeddings)
    if isinstance(raw, (list, tuple)) and raw and isinstance(raw[0], (list, tuple)):
        return tuple(tuple(v) for v in raw)
    return ()
