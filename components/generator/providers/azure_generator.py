# genmigrate: provider-module provider=azure adapter=AzureOpenAIGenerator wraps=AzureAIClient protocol=modelclient classes=AzureAIClient moved-from=api/azureai_client.py import-root=.
"""Azure OpenAI client.

Authenticates either with an API key or, when ``azure-identity`` is installed, with an Entra ID
token provider. Endpoint and API version come from the constructor or the environment.
"""

import logging
import os
import re
from typing import Any, Callable, Dict, Generator, List, Optional, Sequence, Union

import backoff

from adalflow.utils.lazy_import import safe_import, OptionalPackages

openai = safe_import(OptionalPackages.OPENAI.value[0], OptionalPackages.OPENAI.value[1])

from openai import AzureOpenAI, AsyncAzureOpenAI, Stream
from openai import (
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    UnprocessableEntityError,
)
from openai.types import CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk

try:
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider
except ImportError:
    DefaultAzureCredential = None
    get_bearer_token_provider = None

from adalflow.core.model_client import ModelClient
from adalflow.core.types import (
    CompletionUsage,
    EmbedderOutput,
    Embedding,
    GeneratorOutput,
    ModelType,
    Usage,
)

logger = logging.getLogger("api.azureai_client")

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"
DEFAULT_API_VERSION = "2024-02-01"
_CONTEXT_LENGTH_RE = re.compile(r"maximum context length|context_length_exceeded", re.IGNORECASE)


def get_first_message_content(completion: ChatCompletion) -> str:
    """Content of the first choice, stripped; Azure's content filter can leave it empty."""
    message = completion.choices[0].message
    if message.content is None:
        logger.warning("Azure returned no content (finish_reason=%s)", completion.choices[0].finish_reason)
        return ""
    return message.content.strip()


def _is_context_length_error(exc: Exception) -> bool:
    """Retrying a prompt that is too long never helps."""
    return isinstance(exc, BadRequestError) and bool(_CONTEXT_LENGTH_RE.search(str(exc)))


def handle_streaming_response(generator: Stream[ChatCompletionChunk]) -> Generator[str, None, None]:
    for chunk in generator:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        if delta is not None and delta.content:
            yield delta.content


class AzureAIClient(ModelClient):
    """A component wrapper for the Azure OpenAI API (chat, streaming, vision and embeddings).

    Args:
        api_key: Azure OpenAI key; falls back to ``AZURE_OPENAI_API_KEY``.
        api_version: falls back to ``AZURE_OPENAI_VERSION`` then ``DEFAULT_API_VERSION``.
        azure_endpoint: falls back to ``AZURE_OPENAI_ENDPOINT``.
        credential: an azure-identity credential used when no key is configured.
        azure_deployment: deployment name, when it differs from the model name.

    Example::

        from api.azureai_client import AzureAIClient

        client = AzureAIClient(api_key="...", azure_endpoint="https://res.openai.azure.com")
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        api_version: Optional[str] = None,
        azure_endpoint: Optional[str] = None,
        credential: Optional[Any] = None,
        azure_deployment: Optional[str] = None,
        chat_completion_parser: Callable[[ChatCompletion], Any] = None,
        input_type: str = "text",
    ):
        super().__init__()
        self._api_key = api_key or os.getenv("AZURE_OPENAI_API_KEY")
        self._apiversion = api_version or os.getenv("AZURE_OPENAI_VERSION") or DEFAULT_API_VERSION
        self._azure_endpoint = azure_endpoint or os.getenv("AZURE_OPENAI_ENDPOINT")
        self._credential = credential
        self._azure_deployment = azure_deployment
        self._input_type = input_type
        self.chat_completion_parser = chat_completion_parser or get_first_message_content
        self.sync_client = self.init_sync_client()
        self.async_client = None

    def _client_kwargs(self) -> Dict[str, Any]:
        if not self._azure_endpoint:
            raise ValueError("Environment variable AZURE_OPENAI_ENDPOINT must be set")
        kwargs: Dict[str, Any] = {
            "azure_endpoint": self._azure_endpoint,
            "api_version": self._apiversion,
            "timeout": 90.0,
            "max_retries": 0,
        }
        if self._azure_deployment:
            kwargs["azure_deployment"] = self._azure_deployment
        if self._api_key:
            kwargs["api_key"] = self._api_key
            return kwargs
        if get_bearer_token_provider is None:
            raise ValueError(
                "AZURE_OPENAI_API_KEY is not set and azure-identity is not installed for token auth"
            )
        credential = self._credential or DefaultAzureCredential()
        kwargs["azure_ad_token_provider"] = get_bearer_token_provider(credential, AZURE_SCOPE)
        return kwargs

    def init_sync_client(self):
        return AzureOpenAI(**self._client_kwargs())

    def init_async_client(self):
        return AsyncAzureOpenAI(**self._client_kwargs())

    def parse_chat_completion(self, completion: Union[ChatCompletion, Generator]) -> GeneratorOutput:
        if not isinstance(completion, ChatCompletion):
            return GeneratorOutput(data=None, raw_response=handle_streaming_response(completion))
        usage = self.track_completion_usage(completion)
        try:
            text = self.chat_completion_parser(completion)
        except Exception as e:
            logger.error("Error parsing the chat completion: %s", e)
            return GeneratorOutput(data=None, error=str(e), raw_response=completion, usage=usage)
        return GeneratorOutput(data=None, raw_response=text, usage=usage)

    def track_completion_usage(self, completion: ChatCompletion) -> CompletionUsage:
        usage = completion.usage
        if usage is None:
            return CompletionUsage(completion_tokens=None, prompt_tokens=None, total_tokens=None)
        return CompletionUsage(
            completion_tokens=usage.completion_tokens,
            prompt_tokens=usage.prompt_tokens,
            total_tokens=usage.total_tokens,
        )

    def parse_embedding_response(self, response: CreateEmbeddingResponse) -> EmbedderOutput:
        try:
            embeddings = [Embedding(embedding=d.embedding, index=d.index) for d in response.data]
            usage = Usage(prompt_tokens=response.usage.prompt_tokens, total_tokens=response.usage.total_tokens)
            return EmbedderOutput(data=embeddings, model=response.model, usage=usage, raw_response=response)
        except Exception as e:
            logger.error("Error parsing the embedding response: %s", e)
            return EmbedderOutput(data=[], error=str(e), raw_response=response)

    def convert_inputs_to_api_kwargs(
        self,
        input: Optional[Any] = None,
        model_kwargs: Dict = {},
        model_type: ModelType = ModelType.UNDEFINED,
    ) -> Dict:
        final_model_kwargs = model_kwargs.copy()
        if model_type == ModelType.EMBEDDER:
            if isinstance(input, str):
                input = [input]
            if not isinstance(input, Sequence):
                raise TypeError("input must be a sequence of text")
            final_model_kwargs["input"] = [self._process_text(text) for text in input]
            return final_model_kwargs
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        if self._input_type == "messages":
            final_model_kwargs["messages"] = list(input)
            return final_model_kwargs
        images = final_model_kwargs.pop("images", None)
        system = final_model_kwargs.pop("system", None)
        messages: List[Dict[str, Any]] = []
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": self._user_content(input, images)})
        final_model_kwargs["messages"] = messages
        return final_model_kwargs

    @staticmethod
    def _user_content(text: str, images: Optional[Union[str, List[str]]]) -> Any:
        if not images:
            return text
        urls = [images] if isinstance(images, str) else list(images)
        parts: List[Dict[str, Any]] = [{"type": "text", "text": text}]
        parts.extend({"type": "image_url", "image_url": {"url": url}} for url in urls)
        return parts

    @backoff.on_exception(
        backoff.expo,
        (APITimeoutError, InternalServerError, RateLimitError, UnprocessableEntityError, BadRequestError),
        max_tries=3,
        giveup=_is_context_length_error,
    )
    def call(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        if model_type == ModelType.EMBEDDER:
            return self.sync_client.embeddings.create(**api_kwargs)
        if model_type == ModelType.LLM:
            return self.sync_client.chat.completions.create(**api_kwargs)
        raise ValueError(f"model_type {model_type} is not supported")

    @backoff.on_exception(
        backoff.expo,
        (APITimeoutError, InternalServerError, RateLimitError, UnprocessableEntityError, BadRequestError),
        max_tries=3,
        giveup=_is_context_length_error,
    )
    async def acall(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        if self.async_client is None:
            self.async_client = self.init_async_client()
        if model_type == ModelType.EMBEDDER:
            return await self.async_client.embeddings.create(**api_kwargs)
        if model_type == ModelType.LLM:
            return await self.async_client.chat.completions.create(**api_kwargs)
        raise ValueError(f"model_type {model_type} is not supported")

    def _extra_repr(self) -> str:
        return f"azure_endpoint={self._azure_endpoint!r}, api_version={self._apiversion!r}"


# --- unified adapter for AzureAIClient (generated by genmigrate) ---
from collections.abc import Iterator as _Iterator  # noqa: E402
from collections.abc import Sequence as _Sequence  # noqa: E402
from typing import Any as _Any  # noqa: E402
_ModelType = ModelType  # the enum the legacy class itself uses

from .._adapters import ModelClientAdapter as _ModelClientAdapter  # noqa: E402
from ..base import Capabilities as _Capabilities  # noqa: E402
from ..base import EmbeddingResult as _EmbeddingResult  # noqa: E402
from ..base import GenerationRequest as _GenerationRequest  # noqa: E402
from ..base import GenerationResult as _GenerationResult  # noqa: E402
from ..base import StreamChunk as _StreamChunk  # noqa: E402


class AzureOpenAIGenerator(_ModelClientAdapter):
    """Unified interface over `AzureAIClient` (an AdalFlow ModelClient).

    `astream` reads the sync `call` stream on a worker thread: an AdalFlow `acall`
    commonly reduces a stream to text deltas, dropping the finish reason and usage.
    """

    provider = "azure"
    legacy_class = AzureAIClient
    # The legacy methods retry by themselves (a retry decorator): without a retry policy
    # the manager runs a `backoff.on_exception` schedule itself; others retry alone.
    legacy_retries = True
    llm_type = _ModelType.LLM
    embedder_type = _ModelType.EMBEDDER
    stream_usage_option = True
    capabilities = _Capabilities(
        streaming=True,
        async_=True,
        tools=True,
        json_schema=True,
        vision=True,
        embeddings=True,
    )

    def __init__(
        self, *, default_model: str | None = None, **client_kwargs: _Any
    ) -> None:
        super().__init__(default_model=default_model)
        self.client = AzureAIClient(**client_kwargs)

    def generate(self, request: _GenerationRequest) -> _GenerationResult:
        return self._call(request)

    async def agenerate(self, request: _GenerationRequest) -> _GenerationResult:
        return await self._acall(request)

    def stream(self, request: _GenerationRequest) -> _Iterator[_StreamChunk]:
        return self._stream(request)

    def embed(
        self, texts: _Sequence[str], model: str | None = None
    ) -> _EmbeddingResult:
        return self._embed(texts, model)

    async def aembed(
        self, texts: _Sequence[str], model: str | None = None
    ) -> _EmbeddingResult:
        return await self._aembed(texts, model)
