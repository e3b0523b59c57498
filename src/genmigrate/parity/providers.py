"""Canned provider-shaped replies, chosen by the request's host and path.

Families: OpenAI-compatible (OpenAI, Azure, OpenRouter, DashScope compatible mode), Anthropic,
Ollama, Bedrock runtime, and DashScope's native API. Every reply is deterministic.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from genmigrate.parity import eventstream
from genmigrate.parity.canned import Reply, Request, json_reply, sse, stream_reply

TEXT_PARTS = ("Hello", " from", " parity")
TEXT = "".join(TEXT_PARTS)
CREATED = 1700000000
USAGE = {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14}


def family(request: Request) -> str:
    host, path = request.host, request.path
    if "amazonaws.com" in host or re.match(r"^/model/[^/]+/(converse|invoke)", path):
        return "bedrock"
    if "anthropic" in host or path.startswith("/v1/messages"):
        return "anthropic"
    if path.startswith("/api/v1/services/"):
        return "dashscope"
    if path.startswith("/api/") and not path.startswith("/api/v1/"):
        return "ollama"
    return "openai"


def _inputs(body: Any, key: str) -> list[Any]:
    value = body.get(key) if isinstance(body, dict) else None
    if value is None:
        return [""]
    return value if isinstance(value, list) else [value]


def _vector(index: int) -> list[float]:
    return [round(0.1 * (index + 1), 3), round(0.2 * (index + 1), 3), round(0.3 * (index + 1), 3)]


# --- OpenAI-compatible -------------------------------------------------------------------------


def _openai_chat(body: dict[str, Any]) -> Reply:
    model = body.get("model", "unknown-model")
    if not body.get("stream"):
        message = {"role": "assistant", "content": TEXT}
        choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
        return json_reply(
            {"id": "chatcmpl-parity", "object": "chat.completion", "created": CREATED, "model": model,
             "choices": [choice], "usage": USAGE}
        )
    events: list[tuple[str | None, Any]] = []
    for i, part in enumerate(TEXT_PARTS):
        delta = {"role": "assistant", "content": part} if i == 0 else {"content": part}
        events.append((None, {"id": "chatcmpl-parity", "object": "chat.completion.chunk", "created": CREATED,
                              "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}))
    events.append((None, {"id": "chatcmpl-parity", "object": "chat.completion.chunk", "created": CREATED,
                          "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                          "usage": USAGE}))
    events.append((None, "[DONE]"))
    return stream_reply(sse(events), "text/event-stream")


def _openai_responses(body: dict[str, Any]) -> Reply:
    model = body.get("model", "unknown-model")
    content = {"type": "output_text", "text": TEXT, "annotations": []}
    output = [{"type": "message", "id": "msg_parity", "status": "completed", "role": "assistant", "content": [content]}]
    response = {"id": "resp_parity", "object": "response", "created_at": CREATED, "model": model, "status": "completed",
                "output": output, "parallel_tool_calls": False, "tool_choice": "auto", "tools": [],
                "usage": {"input_tokens": 11, "output_tokens": 3, "total_tokens": 14,
                          "input_tokens_details": {"cached_tokens": 0},
                          "output_tokens_details": {"reasoning_tokens": 0}}}
    if not body.get("stream"):
        return json_reply(response)
    events: list[tuple[str | None, Any]] = [
        ("response.created", {"type": "response.created", "sequence_number": 0,
                              "response": {**response, "status": "in_progress", "output": []}})]
    for i, part in enumerate(TEXT_PARTS, start=1):
        events.append(("response.output_text.delta", {"type": "response.output_text.delta", "sequence_number": i,
                                                      "item_id": "msg_parity", "output_index": 0,
                                                      "content_index": 0, "delta": part, "logprobs": []}))
    events.append(("response.completed", {"type": "response.completed", "sequence_number": 9, "response": response}))
    return stream_reply(sse(events), "text/event-stream")


def _openai(request: Request) -> Reply:
    body = request.json() or {}
    path = request.path
    if path.endswith("/chat/completions"):
        return _openai_chat(body)
    if path.endswith("/responses"):
        return _openai_responses(body)
    if path.endswith("/completions"):
        choice = {"index": 0, "text": TEXT, "finish_reason": "stop", "logprobs": None}
        return json_reply({"id": "cmpl-parity", "object": "text_completion", "created": CREATED,
                           "model": body.get("model", "unknown-model"), "choices": [choice], "usage": USAGE})
    if path.endswith("/embeddings"):
        data = [{"object": "embedding", "index": i, "embedding": _vector(i)}
                for i, _ in enumerate(_inputs(body, "input"))]
        return json_reply({"object": "list", "data": data, "model": body.get("model", "unknown-model"),
                           "usage": {"prompt_tokens": 4, "total_tokens": 4}})
    if path.endswith("/models"):
        models = [{"id": name, "object": "model", "created": CREATED, "owned_by": "parity",
                   "name": name, "context_length": 8192} for name in ("model-a", "model-b")]
        return json_reply({"object": "list", "data": models})
    return json_reply({"error": {"message": f"Unknown path {path}", "type": "invalid_request_error"}}, 404)


# --- Anthropic ---------------------------------------------------------------------------------


def _anthropic(request: Request) -> Reply:
    body = request.json() or {}
    if request.path.endswith("/count_tokens"):
        return json_reply({"input_tokens": 12})
    if request.path.endswith("/models"):
        return json_reply({"data": [{"type": "model", "id": "claude-parity", "display_name": "Claude Parity",
                                     "created_at": "2024-01-01T00:00:00Z"}], "has_more": False,
                           "first_id": "claude-parity", "last_id": "claude-parity"})
    model = body.get("model", "unknown-model")
    usage = {"input_tokens": 11, "output_tokens": 3}
    message = {"id": "msg_parity", "type": "message", "role": "assistant", "model": model,
               "content": [{"type": "text", "text": TEXT}], "stop_reason": "end_turn",
               "stop_sequence": None, "usage": usage}
    if not body.get("stream"):
        return json_reply(message)
    events: list[tuple[str | None, Any]] = [
        ("message_start", {"type": "message_start",
                           "message": {**message, "content": [], "stop_reason": None,
                                       "usage": {"input_tokens": 11, "output_tokens": 0}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}})]
    for part in TEXT_PARTS:
        events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                               "delta": {"type": "text_delta", "text": part}}))
    events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
               ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn",
                                                                     "stop_sequence": None},
                                  "usage": {"output_tokens": 3}}),
               ("message_stop", {"type": "message_stop"})]
    return stream_reply(sse(events), "text/event-stream")


# --- Ollama ------------------------------------------------------------------------------------


def _ollama(request: Request) -> Reply:
    body = request.json() or {}
    path, model = request.path, body.get("model", "unknown-model")
    stats = {"total_duration": 1000, "load_duration": 10, "prompt_eval_count": 11, "prompt_eval_duration": 100,
             "eval_count": 3, "eval_duration": 200}
    if path in ("/api/embed", "/api/embeddings"):
        if path == "/api/embeddings":
            return json_reply({"embedding": _vector(0)})
        return json_reply({"model": model, "embeddings": [_vector(i) for i, _ in enumerate(_inputs(body, "input"))]})
    if path == "/api/tags":
        return json_reply({"models": [{"name": "llama-parity:latest", "model": "llama-parity:latest",
                                       "modified_at": "2024-01-01T00:00:00Z", "size": 1, "digest": "0" * 12}]})
    if path not in ("/api/chat", "/api/generate"):
        return json_reply({"error": f"unknown path {path}"}, 404)

    def item(part: str, done: bool) -> dict[str, Any]:
        base: dict[str, Any] = {"model": model, "created_at": "2024-01-01T00:00:00Z", "done": done}
        if path == "/api/chat":
            base["message"] = {"role": "assistant", "content": part}
        else:
            base["response"] = part
        return {**base, **({"done_reason": "stop", **stats} if done else {})}

    if body.get("stream") is False:
        return json_reply(item(TEXT, True))
    lines = [item(part, False) for part in TEXT_PARTS] + [item("", True)]
    return stream_reply([(json.dumps(x) + "\n").encode("utf-8") for x in lines], "application/x-ndjson")


# --- Bedrock runtime ---------------------------------------------------------------------------


def _bedrock_invoke_body(model_id: str, body: Any) -> dict[str, Any]:
    if "embed" in model_id:
        return {"embedding": _vector(0), "inputTextTokenCount": 4}
    if "anthropic" in model_id:
        return {"id": "msg_parity", "type": "message", "role": "assistant", "model": model_id,
                "content": [{"type": "text", "text": TEXT}], "stop_reason": "end_turn",
                "usage": {"input_tokens": 11, "output_tokens": 3}}
    if "titan" in model_id or "amazon" in model_id:
        return {"inputTextTokenCount": 11,
                "results": [{"tokenCount": 3, "outputText": TEXT, "completionReason": "FINISH"}]}
    return {"generation": TEXT, "prompt_token_count": 11, "generation_token_count": 3, "stop_reason": "stop"}


def _bedrock_stream_events() -> list[bytes]:
    frames = [eventstream.event("messageStart", {"role": "assistant"})]
    for part in TEXT_PARTS:
        frames.append(eventstream.event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": part}}))
    frames += [eventstream.event("contentBlockStop", {"contentBlockIndex": 0}),
               eventstream.event("messageStop", {"stopReason": "end_turn"}),
               eventstream.event("metadata", {"usage": {"inputTokens": 11, "outputTokens": 3, "totalTokens": 14},
                                              "metrics": {"latencyMs": 100}})]
    return frames


def _bedrock(request: Request) -> Reply:
    match = re.match(r"^/model/([^/]+)/([a-z-]+)$", request.path)
    if match is None:
        if request.path.endswith("/foundation-models"):
            return json_reply({"modelSummaries": [{"modelId": "anthropic.claude-parity", "modelName": "Parity"}]})
        return json_reply({"message": f"Unknown operation {request.path}"}, 404,
                          {"x-amzn-errortype": "ResourceNotFoundException"})
    model_id, operation = match.group(1), match.group(2)
    model_id = unquote(model_id)
    if operation == "converse":
        return json_reply({"output": {"message": {"role": "assistant", "content": [{"text": TEXT}]}},
                           "stopReason": "end_turn", "usage": {"inputTokens": 11, "outputTokens": 3,
                                                               "totalTokens": 14},
                           "metrics": {"latencyMs": 100}})
    if operation == "converse-stream":
        return stream_reply(_bedrock_stream_events(), eventstream.CONTENT_TYPE)
    payload = _bedrock_invoke_body(model_id, request.json())
    if operation == "invoke-with-response-stream":
        return stream_reply([eventstream.chunk_event(payload)], eventstream.CONTENT_TYPE)
    return json_reply(payload)


# --- DashScope native --------------------------------------------------------------------------


def _dashscope(request: Request) -> Reply:
    body = request.json() or {}
    usage = {"input_tokens": 11, "output_tokens": 3, "total_tokens": 14}
    if "embedding" in request.path:
        texts = _inputs(body.get("input") or {}, "texts")
        embeddings = [{"text_index": i, "embedding": _vector(i)} for i, _ in enumerate(texts)]
        return json_reply({"output": {"embeddings": embeddings}, "usage": {"total_tokens": 4},
                           "request_id": "req-parity"})

    def output(text: str, finish: str) -> dict[str, Any]:
        message = {"role": "assistant", "content": text}
        return {"output": {"choices": [{"finish_reason": finish, "message": message}]}, "usage": usage,
                "request_id": "req-parity"}

    if request.header("x-dashscope-sse") != "enable" and request.header("accept") != "text/event-stream":
        return json_reply(output(TEXT, "stop"))
    chunks = []
    for i, part in enumerate(TEXT_PARTS, start=1):
        finish = "stop" if i == len(TEXT_PARTS) else "null"
        data = json.dumps(output(part, finish))
        chunks.append(f"id:{i}\nevent:result\n:HTTP_STATUS/200\ndata:{data}\n\n".encode("utf-8"))
    return stream_reply(chunks, "text/event-stream;charset=UTF-8")


_SUCCESS = {"openai": _openai, "anthropic": _anthropic, "ollama": _ollama, "bedrock": _bedrock,
            "dashscope": _dashscope}


def success(request: Request) -> Reply:
    """The provider's normal answer to this request (chat, stream, embeddings, model list, ...)."""
    return _SUCCESS[family(request)](request)
