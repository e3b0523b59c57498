# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Unified request, result, stream and embedding types shared by every provider
adapter."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
Api = Literal["chat", "responses"]


@dataclass(frozen=True)
class TextPart:
    text: str


@dataclass(frozen=True)
class ImagePart:
    """An image given either by URL (http(s) or data:) or by raw bytes plus media
    type."""

    url: str | None = None
    data: bytes | None = field(default=None, repr=False)
    media_type: str = "image/png"
    detail: str | None = None

    def __post_init__(self) -> None:
        if (self.url is None) == (self.data is None):
            raise ValueError("ImagePart needs exactly one of url or data")

    def as_url(self) -> str:
        if self.data is None:
            return str(self.url)
        return f"data:{self.media_type};base64,{self.as_base64()}"

    def as_base64(self) -> str:
        import base64  # on first use, like hashlib and json below: cheap to import

        return base64.b64encode(self.data or b"").decode("ascii")


Part = TextPart | ImagePart


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text exactly as the model produced it


@dataclass(frozen=True)
class Message:
    role: Role
    content: str | tuple[Part, ...]
    name: str | None = None
    tool_call_id: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        return (
            (TextPart(self.content),) if isinstance(self.content, str) else self.content
        )

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if isinstance(p, TextPart))

    @property
    def has_images(self) -> bool:
        return any(isinstance(p, ImagePart) for p in self.parts)


@dataclass(frozen=True)
class Usage:
    """Token counts in one convention for every provider.

    `input_tokens` includes `cached_tokens` and `output_tokens` includes
    `reasoning_tokens` (Anthropic reports cache reads outside its input count; the
    adapters add them back).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class GenerationRequest:
    messages: tuple[Message, ...]
    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    tools: tuple[dict[str, Any], ...] = ()
    # OpenAI-style: {"type": "json_object"} or {"type": "json_schema", "json_schema":
    # {...}}
    response_format: dict[str, Any] | None = None
    stop: tuple[str, ...] = ()
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # passed through to the provider as is
    api: Api | None = None  # chosen by the model registry when None

    @classmethod
    def from_prompt(
        cls, prompt: str, *, system: str | None = None, **options: Any
    ) -> GenerationRequest:
        head = (Message("system", system),) if system else ()
        return cls(messages=head + (Message("user", prompt),), **options)

    def routed(self, model: str | None, api: Api | None) -> GenerationRequest:
        """This request with the model and API a route chose: `dataclasses.replace`
        without its cost (the class has no `__post_init__` to rerun), paid per call."""
        new = object.__new__(GenerationRequest)
        new.__dict__.update(self.__dict__, model=model, api=api)
        return new

    def options(self) -> dict[str, Any]:
        """Sampling options that are set, OpenAI names, `extra` last so it can
        override."""
        found = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "tools": list(self.tools) or None,
            "response_format": self.response_format,
            "stop": list(self.stop) or None,
        }
        return {**{k: v for k, v in found.items() if v is not None}, **self.extra}

    def cache_key(self) -> str:
        """A stable digest of everything that can change the answer."""
        import hashlib
        import json

        data = {f.name: getattr(self, f.name) for f in fields(self)}
        text = json.dumps(data, sort_keys=True, default=_encode)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encode(value: Any) -> Any:
    import hashlib

    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if hasattr(value, "__dataclass_fields__"):
        return {
            "__type": type(value).__name__,
            **{k: getattr(value, k) for k in value.__dataclass_fields__},
        }
    return repr(value)


@dataclass(frozen=True)
class GenerationResult:
    text: str
    provider: str
    model: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None
    request_id: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ToolCallDelta:
    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True)
class StreamChunk:
    """One streamed piece; the final chunk carries `finish_reason` and, when sent,
    `usage`."""

    delta: str = ""
    tool_calls: tuple[ToolCallDelta, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.delta or self.tool_calls or self.finish_reason or self.usage)


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: tuple[tuple[float, ...], ...]
    provider: str
    model: str | None = None
    usage: Usage | None = None
    raw: Any = field(default=None, repr=False, compare=False)


CAPABILITY_NAMES = (
    "streaming",
    "async",
    "tools",
    "json_schema",
    "vision",
    "embeddings",
    "batch",
)


@dataclass(frozen=True)
class Capabilities:
    """What an adapter (and the model behind it) can do; check before calling."""

    streaming: bool = False
    async_: bool = (
        False  # native async calls; without it async runs the sync call in a thread
    )
    tools: bool = False
    json_schema: bool = False
    vision: bool = False
    embeddings: bool = False
    batch: bool = False  # native batch support in the legacy client
    context_window: int | None = None

    def supports(self, name: str) -> bool:
        if name not in CAPABILITY_NAMES:
            raise ValueError(
                f"unknown capability {name!r}; expected one of {CAPABILITY_NAMES}"
            )
        return bool(getattr(self, "async_" if name == "async" else name))
