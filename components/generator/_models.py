# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Local model registry: aliases, per-model capabilities, and the OpenAI API choice.

The data is a starting point kept in this file; callers add or override models at
runtime with `ModelRegistry.register`. Nothing is ever fetched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ._types import Api, Capabilities, ImagePart, Message, TextPart


@dataclass(frozen=True)
class ModelInfo:
    name: str
    provider: str
    context_window: int | None = None
    max_output_tokens: int | None = None
    vision: bool = False
    tools: bool = False
    json_schema: bool = False
    api: Api = "chat"  # OpenAI only: chat completions or the responses API
    aliases: tuple[str, ...] = ()

    def narrow(self, capabilities: Capabilities) -> Capabilities:
        """What the adapter can do, limited by what this model can do."""
        return replace(
            capabilities,
            vision=capabilities.vision and self.vision,
            tools=capabilities.tools and self.tools,
            json_schema=capabilities.json_schema and self.json_schema,
            context_window=self.context_window or capabilities.context_window,
        )


DEFAULT_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("gpt-4o", "openai", 128_000, 16_384, True, True, True, aliases=("4o",)),
    ModelInfo(
        "gpt-4o-mini", "openai", 128_000, 16_384, True, True, True, aliases=("4o-mini",)
    ),
    ModelInfo("gpt-4.1", "openai", 1_047_576, 32_768, True, True, True),
    ModelInfo("o3", "openai", 200_000, 100_000, True, True, True, api="responses"),
    ModelInfo("o4-mini", "openai", 200_000, 100_000, True, True, True, api="responses"),
    ModelInfo("text-embedding-3-small", "openai", 8_191),
    ModelInfo("claude-sonnet-4-5", "anthropic", 200_000, 64_000, True, True, False),
    ModelInfo("claude-haiku-4-5", "anthropic", 200_000, 64_000, True, True, False),
    ModelInfo(
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "bedrock",
        200_000,
        8_192,
        True,
        True,
        aliases=("bedrock-claude-3-5-sonnet",),
    ),
    ModelInfo("amazon.titan-embed-text-v2:0", "bedrock", 8_192),
    ModelInfo("qwen-plus", "dashscope", 131_072, 8_192, False, True, True),
    ModelInfo("qwen-vl-max", "dashscope", 32_768, 2_048, True, False, False),
    ModelInfo("llama3.2", "ollama", 131_072, None, False, True, True),
    ModelInfo("nomic-embed-text", "ollama", 8_192),
)


class ModelRegistry:
    """Thread-safe, per-manager registry; `register` overrides an existing name or
    alias."""

    def __init__(self, models: Iterable[ModelInfo] = DEFAULT_MODELS) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, ModelInfo] = {}
        self._aliases: dict[str, str] = {}
        for info in models:
            self.register(info)

    def register(self, info: ModelInfo) -> None:
        with self._lock:
            self._models[info.name] = info
            for alias in info.aliases:
                self._aliases[alias] = info.name

    def resolve(self, name: str | None) -> ModelInfo | None:
        if name is None:
            return None
        with self._lock:
            return self._models.get(self._aliases.get(name, name))

    def canonical(self, name: str | None) -> str | None:
        info = self.resolve(name)
        return info.name if info is not None else name


def to_chat_messages(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """OpenAI chat-completions message dicts (also what most legacy wrappers accept)."""
    return [_chat_message(m) for m in messages]


def _chat_message(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role}
    if isinstance(message.content, str):
        out["content"] = message.content
    else:
        out["content"] = [_chat_part(p) for p in message.content]
    if message.name:
        out["name"] = message.name
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
            }
            for c in message.tool_calls
        ]
    return out


def _chat_part(part: TextPart | ImagePart) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    image: dict[str, Any] = {"url": part.as_url()}
    if part.detail:
        image["detail"] = part.detail
    return {"type": "image_url", "image_url": image}


def to_responses_input(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """OpenAI responses-API input items."""
    items: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message.tool_call_id,
                    "output": message.text,
                }
            )
            continue
        text_type = "output_text" if message.role == "assistant" else "input_text"
        content = [
            (
                {"type": text_type, "text": p.text}
                if isinstance(p, TextPart)
                else {"type": "input_image", "image_url": p.as_url()}
            )
            for p in message.parts
        ]
        items.append({"role": message.role, "content": content})
    return items


def convert_messages(messages: Iterable[Message], api: Api) -> list[dict[str, Any]]:
    return (
        to_responses_input(messages)
        if api == "responses"
        else to_chat_messages(messages)
    )
