# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Shared machinery of the rendered provider adapters.

Each rendered `<Provider>Generator` subclasses one of these and defines only the public
operations its legacy class really has; everything else stays `UnsupportedOperation`.
"""

from __future__ import annotations

import inspect
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass, replace
from importlib import import_module
from typing import Any, ClassVar, Literal

from ._bridge import iterate_async
from ._errors import UnsupportedOperation, error_from_message, mapped_errors
from ._legacy import bind_sdk_clients, without_retry_decorators
from ._models import convert_messages, to_chat_messages
from ._shapes import (
    StreamReader,
    finish_reason_of,
    get,
    request_id_of,
    text_of,
    tool_calls_of,
    usage_of,
    vectors_of,
)
from ._types import (
    EmbeddingResult,
    GenerationRequest,
    GenerationResult,
    Message,
    StreamChunk,
)
from .base import BaseGenerator


def entered(
    client: Any, method: Callable[..., Any], kinds: frozenset[str]
) -> Callable[..., Any]:
    """`method` run inside the client's own block, for the kinds of block it opens:
    `async with` for coroutines and async generators, `with` for the rest."""
    if "async" in kinds and inspect.isasyncgenfunction(method):

        async def agen(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async with client:
                async for item in method(*args, **kwargs):
                    yield item

        return agen
    if "async" in kinds and inspect.iscoroutinefunction(method):

        async def coroutine(*args: Any, **kwargs: Any) -> Any:
            async with client:
                return await method(*args, **kwargs)

        return coroutine
    coroutine_like = inspect.iscoroutinefunction, inspect.isasyncgenfunction
    if "sync" not in kinds or any(test(method) for test in coroutine_like):
        return method
    if inspect.isgeneratorfunction(method):

        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with client:
                yield from method(*args, **kwargs)

        return generator

    def function(*args: Any, **kwargs: Any) -> Any:
        with client:
            return method(*args, **kwargs)

    return function


class _Adapter(BaseGenerator):
    client: Any
    _bypass_retries = False
    # "async"/"sync": the client is entered (`async with`/`with`) around each call.
    opens_client: frozenset[str] = frozenset()

    def __init__(self, *, default_model: str | None = None) -> None:
        self.default_model = default_model

    def leave_retries_to_caller(self) -> None:
        self._bypass_retries = True

    def bound_requests(self, timeout: float | None, retries: bool) -> bool:
        """Through the SDK clients the legacy instance holds (`_legacy`)."""
        return bind_sdk_clients(self.client, timeout, retries)

    def _legacy(self, name: str) -> Callable[..., Any]:
        """The legacy client's method; past its retry decorators when the manager
        retries."""
        method: Callable[..., Any] = getattr(self.client, name)
        if self._bypass_retries:
            method = without_retry_decorators(method)
        if self.opens_client:
            method = entered(self.client, method, self.opens_client)
        return method

    def _model(self, request: GenerationRequest) -> str | None:
        return request.model or self.default_model

    def _result(
        self, raw: Any, request: GenerationRequest, text: str | None = None
    ) -> GenerationResult:
        return GenerationResult(
            text=text_of(raw) if text is None else text,
            provider=self.provider,
            model=get(raw, "model") or self._model(request),
            tool_calls=tool_calls_of(get(raw, "choices", 0, "message")),
            finish_reason=finish_reason_of(raw),
            usage=usage_of(get(raw, "usage")),
            request_id=request_id_of(raw),
            raw=raw,
        )

    def _embedding(self, raw: Any, model: str | None) -> EmbeddingResult:
        return EmbeddingResult(
            vectors=vectors_of(raw),
            provider=self.provider,
            model=get(raw, "model") or model,
            usage=usage_of(get(raw, "usage")),
            raw=raw,
        )

    def _chunks(self, items: Iterable[Any]) -> Iterator[StreamChunk]:
        reader, tail = StreamReader(), FinalChunk()
        with mapped_errors(self.provider):
            for item in items:
                yield from tail.push(reader.read(item))
        yield from tail.flush()

    async def _achunks(
        self, items: AsyncIterable[Any] | Iterable[Any]
    ) -> AsyncIterator[StreamChunk]:
        """An async legacy call may hand back a sync iterator (a sync client run in a
        thread): it is then consumed on a worker thread, never on the event loop."""
        source = (
            items
            if isinstance(items, AsyncIterable)
            else iterate_async(lambda: iter(items))
        )
        reader, tail = StreamReader(), FinalChunk()
        with mapped_errors(self.provider):
            async for item in source:
                for chunk in tail.push(reader.read(item)):
                    yield chunk
        for chunk in tail.flush():
            yield chunk


class FinalChunk:
    """Holds back the stream's closing pieces so that one last chunk carries the finish
    reason and the usage together (OpenAI sends usage in a chunk after the finish
    reason, Bedrock's metadata event follows messageStop); empty chunks are dropped."""

    def __init__(self) -> None:
        self._held: StreamChunk | None = None

    def push(self, chunk: StreamChunk) -> list[StreamChunk]:
        if chunk.is_empty:
            return []
        held = self._held
        if chunk.finish_reason is None and chunk.usage is None:
            self._held = None
            return [chunk] if held is None else [held, chunk]
        if held is not None and (chunk.delta or chunk.tool_calls):
            self._held = chunk
            return [held]
        self._held = chunk if held is None else _merged(held, chunk)
        return []

    def flush(self) -> list[StreamChunk]:
        held, self._held = self._held, None
        return [] if held is None else [held]


def _merged(first: StreamChunk, then: StreamChunk) -> StreamChunk:
    return StreamChunk(
        delta=first.delta + then.delta,
        tool_calls=first.tool_calls + then.tool_calls,
        finish_reason=then.finish_reason or first.finish_reason,
        usage=then.usage or first.usage,
        raw=then.raw,
    )


class ModelClientAdapter(_Adapter):
    """Drives an AdalFlow ModelClient: convert_inputs_to_api_kwargs -> call ->
    parse_*."""

    llm_type: ClassVar[Any]
    embedder_type: ClassVar[Any]
    # OpenAI-compatible chat APIs report stream usage only when asked to.
    stream_usage_option: ClassVar[bool] = False

    def _input(self, request: GenerationRequest) -> Any:
        only = request.messages[0] if len(request.messages) == 1 else None
        if only is not None and only.role == "user" and isinstance(only.content, str):
            return only.content  # the plain prompt string AdalFlow components pass
        return convert_messages(request.messages, request.api or "chat")

    def _api_kwargs(self, request: GenerationRequest, stream: bool) -> Any:
        model_kwargs: dict[str, Any] = {
            "model": self._model(request),
            **request.options(),
        }
        if stream:
            model_kwargs["stream"] = True
            if self.stream_usage_option:
                model_kwargs.setdefault("stream_options", {"include_usage": True})
        return self.client.convert_inputs_to_api_kwargs(
            input=self._input(request),
            model_kwargs={k: v for k, v in model_kwargs.items() if v is not None},
            model_type=self.llm_type,
        )

    def _parsed(self, raw: Any, request: GenerationRequest) -> GenerationResult:
        parsed = self.client.parse_chat_completion(raw)
        if getattr(parsed, "error", None):
            raise error_from_message(str(parsed.error), self.provider)
        data = getattr(parsed, "data", None)
        result = self._result(raw, request, data if isinstance(data, str) else None)
        if result.usage is None and getattr(parsed, "usage", None) is not None:
            return _with_usage(result, usage_of(parsed.usage))
        return result

    def _call(self, request: GenerationRequest) -> GenerationResult:
        with mapped_errors(self.provider):
            raw = self._legacy("call")(
                api_kwargs=self._api_kwargs(request, False), model_type=self.llm_type
            )
            return self._parsed(raw, request)

    async def _acall(self, request: GenerationRequest) -> GenerationResult:
        with mapped_errors(self.provider):
            api_kwargs = self._api_kwargs(request, False)
            raw = await self._legacy("acall")(
                api_kwargs=api_kwargs, model_type=self.llm_type
            )
            return self._parsed(raw, request)

    def _stream(self, request: GenerationRequest) -> Iterator[StreamChunk]:
        with mapped_errors(self.provider):
            raw = self._legacy("call")(
                api_kwargs=self._api_kwargs(request, True), model_type=self.llm_type
            )
        yield from self._chunks(raw)

    async def _astream(self, request: GenerationRequest) -> AsyncIterator[StreamChunk]:
        with mapped_errors(self.provider):
            api_kwargs = self._api_kwargs(request, True)
            raw = await self._legacy("acall")(
                api_kwargs=api_kwargs, model_type=self.llm_type
            )
        async for chunk in self._achunks(raw):
            yield chunk

    def _embed_kwargs(self, texts: Sequence[str], model: str | None) -> Any:
        return self.client.convert_inputs_to_api_kwargs(
            input=list(texts),
            model_kwargs={"model": model} if model else {},
            model_type=self.embedder_type,
        )

    def _embed_parsed(self, raw: Any, model: str | None) -> EmbeddingResult:
        parsed = self.client.parse_embedding_response(raw)
        if getattr(parsed, "error", None):
            raise error_from_message(str(parsed.error), self.provider)
        result = self._embedding(raw, model)
        return result if result.vectors else _with_vectors(result, vectors_of(parsed))

    def _embed(self, texts: Sequence[str], model: str | None) -> EmbeddingResult:
        with mapped_errors(self.provider):
            api_kwargs = self._embed_kwargs(texts, model)
            raw = self._legacy("call")(
                api_kwargs=api_kwargs, model_type=self.embedder_type
            )
            return self._embed_parsed(raw, model)

    async def _aembed(self, texts: Sequence[str], model: str | None) -> EmbeddingResult:
        with mapped_errors(self.provider):
            api_kwargs = self._embed_kwargs(texts, model)
            raw = await self._legacy("acall")(
                api_kwargs=api_kwargs, model_type=self.embedder_type
            )
            return self._embed_parsed(raw, model)


def _with_usage(result: GenerationResult, usage: Any) -> GenerationResult:
    return replace(result, usage=usage)


def _with_vectors(result: EmbeddingResult, vectors: Any) -> EmbeddingResult:
    return replace(result, vectors=vectors)


@dataclass(frozen=True)
class CallShape:
    """How one legacy wrapper method takes its input, read from its parameters."""

    method: str
    input: Literal["messages", "prompt", "texts"]
    options: frozenset[str] = frozenset()
    any_option: bool = False  # the method takes **kwargs

    def accepts(self, name: str) -> bool:
        return self.any_option or name in self.options


class WrapperAdapter(_Adapter):
    """Drives a plain wrapper (`chat(messages, model=...)`, `complete(prompt)`,
    `embed(texts)`)."""

    # The framework module whose `ChatMessage` the legacy methods take ("": dicts).
    message_module: ClassVar[str] = ""

    def _arguments(
        self, request: GenerationRequest, shape: CallShape
    ) -> tuple[Any, dict[str, Any]]:
        options = {"model": self._model(request), **request.options()}
        refused = sorted(
            k for k, v in options.items() if v is not None and not shape.accepts(k)
        )
        if refused:
            names = ", ".join(refused)
            detail = f"{self.legacy_name()}.{shape.method}() takes no {names} argument"
            raise UnsupportedOperation(self.provider, refused[0], detail)
        kwargs = {k: v for k, v in options.items() if v is not None}
        if shape.input == "messages":
            return self._framework_messages(to_chat_messages(request.messages)), kwargs
        return _prompt(request.messages, self.provider), kwargs

    def _framework_messages(self, messages: list[dict[str, Any]]) -> list[Any]:
        if not self.message_module:
            return messages
        try:
            message_type = import_module(self.message_module).ChatMessage
        except (ImportError, AttributeError):
            return messages
        extra = ("role", "content")
        return [
            message_type(
                role=m["role"],
                content=m["content"],
                additional_kwargs={k: v for k, v in m.items() if k not in extra},
            )
            for m in messages
        ]

    def _embed_options(self, model: str | None, shape: CallShape) -> dict[str, Any]:
        if model is None:
            return {}
        if not shape.accepts("model"):
            detail = f"{self.legacy_name()}.{shape.method}() takes no model argument"
            raise UnsupportedOperation(self.provider, "model", detail)
        return {"model": model}

    def legacy_name(self) -> str:
        return type(self.client).__name__

    def _wrapped(self, value: Any, request: GenerationRequest) -> GenerationResult:
        if isinstance(value, str):
            return GenerationResult(
                text=value, provider=self.provider, model=self._model(request)
            )
        return self._result(value, request)


def _prompt(messages: Sequence[Message], provider: str) -> str:
    if any(m.has_images for m in messages):
        raise UnsupportedOperation(
            provider, "vision", "the legacy method takes a text prompt"
        )
    return "\n\n".join(m.text for m in messages)
