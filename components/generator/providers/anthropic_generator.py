# genmigrate: provider-module provider=anthropic adapter=AnthropicGenerator wraps=AnthropicClient protocol=chat-wrapper classes=AnthropicClient moved-from=api/anthropic_client.py import-root=.
"""Claude models through the Anthropic SDK.

Written before the SDK grew its own retry policy: we retry rate limits and overloads ourselves,
honouring ``retry-after``, and keep the SDK's retries off so the two never stack.
"""

import functools
import inspect
import logging
import os
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import anthropic
from anthropic import (
    Anthropic,
    APIConnectionError,
    APIStatusError,
    AsyncAnthropic,
    InternalServerError,
    RateLimitError,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

ANTHROPIC_BASE_URL = os.environ.get("ANTHROPIC_BASE_URL")
DEFAULT_MODEL = "claude-3-5-haiku-latest"
RETRYABLE_ERRORS = (RateLimitError, InternalServerError, APIConnectionError)
_OUTPUT_LIMITS = {"claude-3-5-haiku": 8192, "claude-3-5-sonnet": 8192, "claude-sonnet-4": 64000, "claude-opus-4": 32000}


@functools.lru_cache(maxsize=64)
def max_output_tokens(model: str) -> int:
    """Largest ``max_tokens`` the model accepts (4096 for models we do not know)."""
    for prefix, limit in _OUTPUT_LIMITS.items():
        if model.startswith(prefix):
            return limit
    return 4096


def _format_messages(messages: List[Dict[str, Any]]) -> Tuple[Optional[str], List[Dict[str, Any]]]:
    """Anthropic takes the system prompt separately and wants user/assistant turns only."""
    system_parts = [m["content"] for m in messages if m["role"] == "system"]
    turns = [{"role": m["role"], "content": m["content"]} for m in messages if m["role"] != "system"]
    if turns and turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": "(continued)"})
    return ("\n\n".join(system_parts) or None), turns


def _retry_delay(error: Exception, attempt: int) -> float:
    response = getattr(error, "response", None)
    if response is not None:
        retry_after = response.headers.get("retry-after")
        if retry_after:
            try:
                return min(float(retry_after), 60.0)
            except ValueError:
                pass
    return min(2.0**attempt, 30.0)


def _sdk_kwargs(method: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    """anthropic 2.x dropped the sampling parameters (``temperature``, ``top_p``, ...) from
    ``messages.create()``/``stream()``; the API still takes them, so they go in the body."""
    params = inspect.signature(method).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return request
    kwargs = {k: v for k, v in request.items() if k in params}
    body = {k: v for k, v in request.items() if k not in params}
    if body:
        kwargs["extra_body"] = {**kwargs.get("extra_body", {}), **body}
    return kwargs


class AnthropicClient:
    """Chat, stream and count tokens with Claude.

    >>> from api.anthropic_client import AnthropicClient
    >>> client = AnthropicClient(api_key="sk-ant-test")
    >>> client.default_model
    'claude-3-5-haiku-latest'
    """

    DEFAULT_MAX_TOKENS = 1024
    DEFAULT_TEMPERATURE = 0.3

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 600.0,
        retries: int = 4,
        default_model: str = DEFAULT_MODEL,
    ):
        self.api_key = api_key or os.environ.get("ANTHROPIC_API_KEY")
        if not self.api_key:
            raise ValueError("ANTHROPIC_API_KEY is not set")
        self.base_url = base_url or ANTHROPIC_BASE_URL
        self.timeout = timeout
        self.retries = retries
        self.default_model = default_model
        self._client = self._make_client(Anthropic)
        self._async_client = None

    @classmethod
    def from_env(cls, **overrides: Any) -> "AnthropicClient":
        return cls(api_key=os.environ.get("ANTHROPIC_API_KEY"), **overrides)

    def _make_client(self, factory: Any) -> Any:
        return factory(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=0,
            default_headers={"X-Client-Name": "wikiqa", "anthropic-beta": "prompt-caching-2024-07-31"},
        )

    def _async(self) -> Any:
        if self._async_client is None:
            self._async_client = self._make_client(AsyncAnthropic)
        return self._async_client

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_client", None)
        state.pop("_async_client", None)
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = self._make_client(Anthropic)
        self._async_client = None

    def _request(self, messages: List[Dict[str, Any]], model: Optional[str], **kwargs: Any) -> Dict[str, Any]:
        system, turns = _format_messages(messages)
        name = model or self.default_model
        request: Dict[str, Any] = {
            "model": name,
            "messages": turns,
            "max_tokens": min(kwargs.pop("max_tokens", self.DEFAULT_MAX_TOKENS), max_output_tokens(name)),
            "temperature": kwargs.pop("temperature", self.DEFAULT_TEMPERATURE),
        }
        if system:
            request["system"] = system
        request.update(kwargs)
        return request

    @staticmethod
    def _text(message: Any) -> str:
        return "".join(block.text for block in message.content if block.type == "text")

    def chat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> str:
        request = self._request(messages, model, **kwargs)
        for attempt in range(self.retries + 1):
            try:
                message = self._client.messages.create(**_sdk_kwargs(self._client.messages.create, request))
            except RETRYABLE_ERRORS as error:
                if attempt == self.retries:
                    raise
                delay = _retry_delay(error, attempt)
                logger.warning("Anthropic %s, retry %d in %.1fs", type(error).__name__, attempt + 1, delay)
                time.sleep(delay)
                continue
            except APIStatusError as error:
                logger.error("Anthropic rejected the request: %s", error.message)
                raise
            logger.debug("usage: %s", message.usage)
            return self._text(message)
        raise RuntimeError("unreachable")

    def stream_chat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> Iterator[str]:
        request = self._request(messages, model, **kwargs)
        with self._client.messages.stream(**_sdk_kwargs(self._client.messages.stream, request)) as stream:
            for text in stream.text_stream:
                yield text

    async def achat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> str:
        request = self._request(messages, model, **kwargs)
        create = self._async().messages.create
        message = await create(**_sdk_kwargs(create, request))
        return self._text(message)

    def count_tokens(self, messages: List[Dict[str, Any]], model: Optional[str] = None) -> int:
        system, turns = _format_messages(messages)
        kwargs: Dict[str, Any] = {"model": model or self.default_model, "messages": turns}
        if system:
            kwargs["system"] = system
        return self._client.messages.count_tokens(**kwargs).input_tokens

    def __repr__(self) -> str:
        return f"AnthropicClient(model={self.default_model!r}, sdk={anthropic.__version__})"


# --- unified adapter for AnthropicClient (generated by genmigrate) ---
from collections.abc import Iterator as _Iterator  # noqa: E402
from typing import Any as _Any  # noqa: E402

from .._adapters import CallShape as _CallShape  # noqa: E402
from .._adapters import WrapperAdapter as _WrapperAdapter  # noqa: E402
from ..base import Capabilities as _Capabilities  # noqa: E402
from ..base import GenerationRequest as _GenerationRequest  # noqa: E402
from ..base import GenerationResult as _GenerationResult  # noqa: E402
from ..base import StreamChunk as _StreamChunk  # noqa: E402
from ..base import mapped_errors as _mapped_errors  # noqa: E402


class AnthropicGenerator(_WrapperAdapter):
    """Unified interface over `AnthropicClient` (a plain wrapper), by composition."""

    provider = "anthropic"
    legacy_class = AnthropicClient
    capabilities = _Capabilities(
        streaming=True,
        async_=True,
        tools=True,
        json_schema=True,
    )
    _generate_shape = _CallShape(
        "chat",
        "messages",
        frozenset({"model"}),
        True,
    )
    _agenerate_shape = _CallShape(
        "achat",
        "messages",
        frozenset({"model"}),
        True,
    )
    _stream_shape = _CallShape(
        "stream_chat",
        "messages",
        frozenset({"model"}),
        True,
    )

    def __init__(
        self, *, default_model: str | None = None, **client_kwargs: _Any
    ) -> None:
        super().__init__(default_model=default_model)
        self.client = AnthropicClient(**client_kwargs)

    def generate(self, request: _GenerationRequest) -> _GenerationResult:
        value, options = self._arguments(request, self._generate_shape)
        with _mapped_errors(self.provider):
            answer = self._legacy("chat")(value, **options)
        return self._wrapped(answer, request)

    async def agenerate(self, request: _GenerationRequest) -> _GenerationResult:
        value, options = self._arguments(request, self._agenerate_shape)
        with _mapped_errors(self.provider):
            answer = await self._legacy("achat")(value, **options)
        return self._wrapped(answer, request)

    def stream(self, request: _GenerationRequest) -> _Iterator[_StreamChunk]:
        value, options = self._arguments(request, self._stream_shape)
        with _mapped_errors(self.provider):
            items = self._legacy("stream_chat")(value, **options)
        return self._chunks(items)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG)
    client = AnthropicClient.from_env()
    question = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is RAG?"}]
    print("tokens:", client.count_tokens(question))
    print(client.chat(question))
    for piece in client.stream_chat(question):
        print(piece, end="", flush=True)
    print()
