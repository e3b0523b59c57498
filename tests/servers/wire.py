"""Provider wire formats: OpenAI-compatible, Anthropic Messages, Bedrock runtime, Ollama.

Each `*_server()` returns a ScriptedServer whose default reply is a well-formed answer, so a test
only queues what it wants to go differently (errors, drops, retry-after).
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from .http import Recorded, Reply, ScriptedServer, Streamed, ndjson, sse

USAGE = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}


# -- OpenAI-compatible -----------------------------------------------------------------------


def openai_completion(text: str, model: str = "gpt-4o") -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {**USAGE, "prompt_tokens_details": {"cached_tokens": 3}},
    }


def openai_stream(
    words: list[str], model: str = "gpt-4o", drop_after: int | None = None
) -> Streamed:
    def chunk(
        delta: dict[str, Any], finish: str | None = None, usage: Any = None
    ) -> dict[str, Any]:
        choices = [{"index": 0, "delta": delta, "finish_reason": finish}]
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": choices if usage is None else [],
            "usage": usage,
        }

    events = [chunk({"role": "assistant", "content": w}) for w in words]
    events += [chunk({}, "stop"), chunk({}, usage=USAGE)]
    parts = sse([(None, e) for e in events] + [(None, "[DONE]")])
    return Streamed(parts, "text/event-stream", drop_after=drop_after)


def openai_error(
    status: int, code: str, message: str = "error", headers: dict[str, str] | None = None
) -> Reply:
    body = {"error": {"message": message, "type": "error", "code": code}}
    return Reply.json(body, status, headers)


def _openai_default(request: Recorded) -> Reply | Streamed:
    body = request.json()
    if request.path.partition("?")[0].endswith("/embeddings"):
        data = [
            {"object": "embedding", "index": i, "embedding": [float(i), 0.5]}
            for i, _ in enumerate(body["input"])
        ]
        return Reply.json(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 2, "total_tokens": 2},
            }
        )
    last = body["messages"][-1]["content"]
    if body.get("stream"):
        return openai_stream(str(last).split(), body["model"])
    return Reply.json(openai_completion(f"echo: {last}", body["model"]))


def openai_server() -> ScriptedServer:
    return ScriptedServer(_openai_default)


# -- Anthropic Messages ------------------------------------------------------------------------


def anthropic_message(text: str, model: str = "claude-haiku-4-5") -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 4},
    }


def anthropic_stream(words: list[str], error_after: int | None = None) -> Streamed:
    start = anthropic_message("")
    start["content"] = []
    events: list[tuple[str | None, Any]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
    ]
    for i, word in enumerate(words):
        if error_after is not None and i == error_after:
            error = {
                "type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"},
            }
            events.append(("error", error))
            return Streamed(sse(events), "text/event-stream")
        events.append(
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": word},
                },
            )
        )
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": len(words)},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return Streamed(sse(events), "text/event-stream")


def anthropic_error(status: int, kind: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json({"type": "error", "error": {"type": kind, "message": kind}}, status, headers)


def _anthropic_default(request: Recorded) -> Reply | Streamed:
    body = request.json()
    last = body["messages"][-1]["content"]
    if body.get("stream"):
        return anthropic_stream([f"{w} " for w in str(last).split()])
    return Reply.json(anthropic_message(f"echo: {last}", body["model"]))


def anthropic_server() -> ScriptedServer:
    return ScriptedServer(_anthropic_default)


# -- Bedrock runtime ---------------------------------------------------------------------------


def _frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS event-stream message: prelude, prelude CRC, string headers, payload, CRC."""
    encoded = b"".join(
        bytes([len(k)]) + k.encode() + b"\x07" + struct.pack(">H", len(v)) + v.encode()
        for k, v in headers.items()
    )
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def bedrock_event(kind: str, data: dict[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return _frame(headers, json.dumps(data).encode())


def bedrock_exception(kind: str, message: str) -> bytes:
    headers = {
        ":exception-type": kind,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return _frame(headers, json.dumps({"message": message}).encode())


def bedrock_stream(words: list[str], error_after: int | None = None) -> Streamed:
    frames = [bedrock_event("messageStart", {"role": "assistant"})]
    for i, word in enumerate(words):
        if error_after is not None and i == error_after:
            frames.append(bedrock_exception("throttlingException", "Too many tokens"))
            return Streamed(tuple(frames), "application/vnd.amazon.eventstream")
        frames.append(
            bedrock_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": word}})
        )
    frames += [
        bedrock_event("contentBlockStop", {"contentBlockIndex": 0}),
        bedrock_event("messageStop", {"stopReason": "end_turn"}),
        bedrock_event(
            "metadata",
            {
                "usage": {
                    "inputTokens": 5,
                    "outputTokens": len(words),
                    "totalTokens": 5 + len(words),
                },
                "metrics": {"latencyMs": 1},
            },
        ),
    ]
    return Streamed(tuple(frames), "application/vnd.amazon.eventstream")


def bedrock_error(status: int, code: str, message: str = "error") -> Reply:
    return Reply.json({"message": message}, status, {"x-amzn-errortype": f"{code}:http://internal"})


def _bedrock_default(request: Recorded) -> Reply | Streamed:
    body = request.json()
    if request.path.endswith("/invoke"):
        return Reply.json(
            {"embedding": [float(len(body["inputText"])), 1.0], "inputTextTokenCount": 1}
        )
    last = body["messages"][-1]["content"][0]["text"]
    if request.path.endswith("/converse-stream"):
        return bedrock_stream([f"{w} " for w in last.split()])
    return Reply.json(
        {
            "output": {"message": {"role": "assistant", "content": [{"text": f"echo: {last}"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 5, "outputTokens": 3, "totalTokens": 8},
            "metrics": {"latencyMs": 1},
        }
    )


def bedrock_server() -> ScriptedServer:
    return ScriptedServer(_bedrock_default)


# -- Ollama ------------------------------------------------------------------------------------


def _ollama_default(request: Recorded) -> Reply | Streamed:
    if request.path == "/api/tags":  # the installed models
        return Reply.json({"models": [{"model": "qwen3:1.7b", "name": "qwen3:1.7b"}]})
    body = request.json()
    if request.path == "/api/embed":
        vectors = [[float(len(t)), 2.0] for t in body["input"]]
        return Reply.json({"model": body["model"], "embeddings": vectors})
    last = body["messages"][-1]["content"]
    base = {"model": body["model"], "created_at": "2024-01-01T00:00:00Z"}
    done = {
        **base,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 6,
        "eval_count": 2,
    }
    if body.get("stream", True):
        parts = [
            {**base, "message": {"role": "assistant", "content": f"{w} "}, "done": False}
            for w in last.split()
        ]
        return Streamed(ndjson([*parts, done]), "application/x-ndjson")
    return Reply.json({**done, "message": {"role": "assistant", "content": f"echo: {last}"}})


def ollama_server() -> ScriptedServer:
    return ScriptedServer(_ollama_default)
