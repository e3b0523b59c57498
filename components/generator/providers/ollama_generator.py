# genmigrate: provider-module provider=ollama adapter=OllamaGenerator wraps=OllamaClient protocol=chat-wrapper classes=OllamaClient moved-from=api/ollama_patch.py import-root=.
"""Local models through Ollama: chat, streaming, embeddings and model management.

Works without the ollama package installed (the placeholders below raise on use), so the rest
of the app can import this module on machines that only talk to hosted providers.
"""

import logging
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

import backoff
import httpx

try:
    import ollama
except ImportError:
    ollama = None

if ollama is not None:
    from ollama import AsyncClient, Client, ResponseError
else:

    class ResponseError(Exception):
        def __init__(self, error: str, status_code: int = -1):
            super().__init__(error)
            self.error = error
            self.status_code = status_code

    class Client:
        def __init__(self, host: Optional[str] = None, **kwargs: Any):
            raise ImportError("ollama is not installed. Install it with: pip install ollama")

    class AsyncClient(Client):
        pass


logger = logging.getLogger("api.ollama")

DEFAULT_OLLAMA_HOST = "http://localhost:11434"

__all__ = ["OllamaClient", "check_ollama_model_exists", "default_client"]


def _host(host: Optional[str]) -> str:
    return host or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST


def _format_messages(messages: Union[str, List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """Ollama wants role/content dicts; image paths go in a separate ``images`` list."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    formatted = []
    for message in messages:
        entry = {"role": message.get("role", "user"), "content": message.get("content", "")}
        if message.get("images"):
            entry["images"] = list(message["images"])
        formatted.append(entry)
    return formatted


def check_ollama_model_exists(model_name: str, host: Optional[str] = None, client: Any = None) -> bool:
    """True when the server already has ``model_name`` (a bare name matches any tag)."""
    client = client or Client(host=_host(host))
    try:
        available = [model.model for model in client.list().models]
    except (ResponseError, httpx.HTTPError) as e:
        logger.warning(f"Could not list Ollama models: {e}")
        return False
    if model_name in available:
        return True
    if ":" not in model_name:
        return any(name.split(":")[0] == model_name for name in available)
    return False


class OllamaClient:
    """Thin wrapper around ``ollama.Client`` with the defaults this app wants.

    >>> from api.ollama_patch import OllamaClient
    >>> client = OllamaClient(host="http://localhost:11434")
    """

    known_models: List[str] = []

    def __init__(
        self,
        host: Optional[str] = None,
        timeout: float = 60.0,
        keep_alive: str = "5m",
        default_model: str = "qwen3:1.7b",
        embed_model: Optional[str] = None,
    ):
        self.host = _host(host)
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.default_model = default_model
        self.embed_model = embed_model
        self._client = Client(host=self.host, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Dict[str, Any]) -> "OllamaClient":
        allowed = ("host", "timeout", "keep_alive", "default_model", "embed_model")
        return cls(**{key: settings[key] for key in allowed if key in settings})

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        del state["_client"]
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = Client(host=self.host, timeout=self.timeout)

    # ollama >= 0.4 turns httpx's ConnectError into the built-in ConnectionError
    @backoff.on_exception(backoff.constant, (httpx.ConnectError, ConnectionError), max_tries=3, interval=2)
    def chat(self, messages: Union[str, List[Dict[str, Any]]], model: Optional[str] = None, **options: Any) -> str:
        response = self._client.chat(
            model=model or self.default_model,
            messages=_format_messages(messages),
            options=options or None,
            keep_alive=self.keep_alive,
        )
        return response["message"]["content"]

    def stream_chat(
        self, messages: Union[str, List[Dict[str, Any]]], model: Optional[str] = None, **options: Any
    ) -> Iterator[str]:
        stream = self._client.chat(
            model=model or self.default_model,
            messages=_format_messages(messages),
            options=options or None,
            keep_alive=self.keep_alive,
            stream=True,
        )
        for part in stream:
            content = part["message"]["content"]
            if content:
                yield content

    def _default_embed_model(self) -> str:
        from api.config import get_embedder_config

        return get_embedder_config("embedder_ollama")["model_kwargs"]["model"]

    def embed(self, texts: Union[str, Iterable[str]], model: Optional[str] = None) -> List[List[float]]:
        batch = [texts] if isinstance(texts, str) else list(texts)
        name = model or self.embed_model or self._default_embed_model()
        try:
            response = self._client.embed(model=name, input=batch, keep_alive=self.keep_alive)
        except ResponseError as e:
            if e.status_code == 404:
                raise ValueError(f"Embedding model '{name}' is not pulled on {self.host}") from e
            raise
        return [list(vector) for vector in response["embeddings"]]

    def list_models(self) -> List[str]:
        return [model.model for model in self._client.list().models]

    def ensure_model(self, name: str) -> bool:
        """Pull ``name`` unless the server already has it; False when that fails."""
        if name in OllamaClient.known_models:
            return True
        if not check_ollama_model_exists(name, client=self._client):
            logger.info(f"Pulling Ollama model {name} from {self.host}")
            try:
                self._client.pull(name)
            except ResponseError as e:
                logger.error(f"Failed to pull {name}: {e.error}")
                return False
        OllamaClient.known_models.append(name)
        return True

    async def achat(self, messages: Union[str, List[Dict[str, Any]]], model: Optional[str] = None) -> str:
        client = AsyncClient(host=self.host, timeout=self.timeout)
        response = await client.chat(model=model or self.default_model, messages=_format_messages(messages))
        return response["message"]["content"]


default_client = OllamaClient()


# --- unified adapter for OllamaClient (generated by genmigrate) ---
from collections.abc import Iterator as _Iterator  # noqa: E402
from collections.abc import Sequence as _Sequence  # noqa: E402
from typing import Any as _Any  # noqa: E402

from .._adapters import CallShape as _CallShape  # noqa: E402
from .._adapters import WrapperAdapter as _WrapperAdapter  # noqa: E402
from ..base import Capabilities as _Capabilities  # noqa: E402
from ..base import EmbeddingResult as _EmbeddingResult  # noqa: E402
from ..base import GenerationRequest as _GenerationRequest  # noqa: E402
from ..base import GenerationResult as _GenerationResult  # noqa: E402
from ..base import StreamChunk as _StreamChunk  # noqa: E402
from ..base import mapped_errors as _mapped_errors  # noqa: E402


class OllamaGenerator(_WrapperAdapter):
    """Unified interface over `OllamaClient` (a plain wrapper), by composition."""

    provider = "ollama"
    legacy_class = OllamaClient
    # The legacy methods retry by themselves (a retry decorator): without a retry policy
    # the manager runs a `backoff.on_exception` schedule itself; others retry alone.
    legacy_retries = True
    capabilities = _Capabilities(
        streaming=True,
        async_=True,
        tools=True,
        json_schema=True,
        embeddings=True,
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
        False,
    )
    _stream_shape = _CallShape(
        "stream_chat",
        "messages",
        frozenset({"model"}),
        True,
    )
    _embed_shape = _CallShape(
        "embed",
        "texts",
        frozenset({"model"}),
        False,
    )

    def __init__(
        self, *, default_model: str | None = None, **client_kwargs: _Any
    ) -> None:
        super().__init__(default_model=default_model)
        self.client = OllamaClient(**client_kwargs)

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

    def embed(
        self, texts: _Sequence[str], model: str | None = None
    ) -> _EmbeddingResult:
        options = self._embed_options(model, self._embed_shape)
        with _mapped_errors(self.provider):
            raw = self._legacy("embed")(list(texts), **options)
        return self._embedding(raw, model)
