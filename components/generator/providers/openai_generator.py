# genmigrate: provider-module provider=openai adapter=OpenAIGenerator wraps=OpenAIClient protocol=modelclient classes=OpenAIClient moved-from=api/openai_client.py import-root=.
"""OpenAI ModelClient integration."""

import base64
import logging
import mimetypes
import os
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Iterator,
    List,
    Optional,
    Sequence,
    TypeVar,
    Union,
)

import backoff
from openai import (
    APITimeoutError,
    AsyncOpenAI,
    InternalServerError,
    OpenAI,
    RateLimitError,
    Stream,
    UnprocessableEntityError,
)
from openai.types import CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from adalflow.core.model_client import ModelClient
from adalflow.core.types import (
    CompletionUsage,
    EmbedderOutput,
    Embedding,
    GeneratorOutput,
    ModelType,
    Usage,
)

from api.logging_config import setup_logging

setup_logging()
log = logging.getLogger("api.openai_client")

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.openai.com/v1"
VISION_MODEL_PREFIXES = ("gpt-4o", "gpt-4.1", "o4", "o3")


def get_first_message_content(completion: ChatCompletion) -> str:
    r"""When we only need the content of the first message."""
    log.debug(f"raw completion: {completion}")
    return completion.choices[0].message.content


def get_all_messages_content(completion: ChatCompletion) -> List[str]:
    r"""When the n > 1, get all the messages content."""
    return [choice.message.content for choice in completion.choices]


def parse_stream_response(completion: ChatCompletionChunk) -> Optional[str]:
    r"""Parse the response of the stream API."""
    if not completion.choices:
        return None
    return completion.choices[0].delta.content


def handle_streaming_response(generator: Stream[ChatCompletionChunk]) -> Iterator[str]:
    r"""Yield the text of every chunk that carries some."""
    for completion in generator:
        log.debug(f"Raw chunk completion: {completion}")
        parsed_content = parse_stream_response(completion)
        if parsed_content:
            yield parsed_content


class OpenAIClient(ModelClient):
    __doc__ = r"""A component wrapper for the OpenAI API client.

    Supports both embedding and chat completion APIs, including streaming and image inputs for
    the vision models.

    Users can (1) use this client directly with ``call``/``acall`` or (2) hand it to an AdalFlow
    ``Generator``/``Embedder`` as ``model_client``.

    Example:
        >>> from api.openai_client import OpenAIClient
        >>> from adalflow.core.types import ModelType
        >>> client = OpenAIClient(api_key="sk-test")
        >>> api_kwargs = client.convert_inputs_to_api_kwargs(
        ...     input="What does the indexer do?",
        ...     model_kwargs={"model": "gpt-4o-mini"},
        ...     model_type=ModelType.LLM,
        ... )
        >>> api_kwargs["messages"][0]["role"]
        'user'

    Args:
        api_key (Optional[str]): Defaults to the environment variable named by ``env_api_key_name``.
        chat_completion_parser (Callable): Turns a ``ChatCompletion`` into text.
            Defaults to ``get_first_message_content``.
        input_type (str): ``"text"`` (a prompt string) or ``"messages"`` (a list of chat messages).
        base_url (str): Defaults to ``$OPENAI_BASE_URL`` or the public endpoint.
        env_api_key_name (str): Environment variable holding the key. Defaults to ``OPENAI_API_KEY``.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        chat_completion_parser: Callable[[ChatCompletion], Any] = None,
        input_type: str = "text",
        base_url: Optional[str] = None,
        env_base_url_name: str = "OPENAI_BASE_URL",
        env_api_key_name: str = "OPENAI_API_KEY",
    ):
        super().__init__()
        self._api_key = api_key
        self._env_api_key_name = env_api_key_name
        self._env_base_url_name = env_base_url_name
        self.base_url = base_url or os.getenv(self._env_base_url_name, DEFAULT_BASE_URL)
        self.sync_client = self.init_sync_client()
        self.async_client = None  # only initialize if the async call is called
        self.chat_completion_parser = chat_completion_parser or get_first_message_content
        self._input_type = input_type
        self._api_kwargs = {}

    def _resolve_api_key(self) -> str:
        api_key = self._api_key or os.getenv(self._env_api_key_name)
        if not api_key:
            raise ValueError(f"Environment variable {self._env_api_key_name} must be set")
        return api_key

    def init_sync_client(self):
        return OpenAI(api_key=self._resolve_api_key(), base_url=self.base_url)

    def init_async_client(self):
        return AsyncOpenAI(api_key=self._resolve_api_key(), base_url=self.base_url)

    def parse_chat_completion(
        self, completion: Union[ChatCompletion, Stream[ChatCompletionChunk], Iterator]
    ) -> GeneratorOutput:
        """Parse a completion, or wrap a stream into a generator of text deltas."""
        if isinstance(completion, ChatCompletion):
            try:
                data = self.chat_completion_parser(completion)
            except Exception as e:
                log.error(f"Error parsing the chat completion: {e}")
                return GeneratorOutput(data=None, error=str(e), raw_response=completion)
            usage = self.track_completion_usage(completion)
            return GeneratorOutput(data=None, error=None, raw_response=data, usage=usage)
        return GeneratorOutput(data=None, error=None, raw_response=handle_streaming_response(completion))

    def track_completion_usage(self, completion: ChatCompletion) -> CompletionUsage:
        try:
            return CompletionUsage(
                completion_tokens=completion.usage.completion_tokens,
                prompt_tokens=completion.usage.prompt_tokens,
                total_tokens=completion.usage.total_tokens,
            )
        except Exception as e:
            log.error(f"Error tracking the completion usage: {e}")
            return CompletionUsage(completion_tokens=None, prompt_tokens=None, total_tokens=None)

    def parse_embedding_response(self, response: CreateEmbeddingResponse) -> EmbedderOutput:
        r"""Parse the embedding response to a structure AdalFlow components can understand."""
        try:
            return EmbedderOutput(
                data=[Embedding(embedding=item.embedding, index=item.index) for item in response.data],
                model=response.model,
                usage=Usage(
                    prompt_tokens=response.usage.prompt_tokens,
                    total_tokens=response.usage.total_tokens,
                ),
                raw_response=response,
            )
        except Exception as e:
            log.error(f"Error parsing the embedding response: {e}")
            return EmbedderOutput(data=[], error=str(e), raw_response=response)

    def _default_embedding_model(self) -> str:
        from api.config import get_embedder_config

        return get_embedder_config()["model_kwargs"]["model"]

    def convert_inputs_to_api_kwargs(
        self,
        input: Optional[Any] = None,
        model_kwargs: Dict = {},
        model_type: ModelType = ModelType.UNDEFINED,
    ) -> Dict:
        r"""Specify the API input type and output api_kwargs that will be used in _call and _acall methods."""
        final_model_kwargs = model_kwargs.copy()
        if model_type == ModelType.EMBEDDER:
            if isinstance(input, str):
                input = [input]
            if not isinstance(input, Sequence):
                raise TypeError("input must be a sequence of text")
            final_model_kwargs["input"] = input
            final_model_kwargs.setdefault("model", self._default_embedding_model())
        elif model_type == ModelType.LLM:
            images = final_model_kwargs.pop("images", None)
            detail = final_model_kwargs.pop("detail", "auto")
            if self._input_type == "messages":
                messages = list(input)
            else:
                messages = [{"role": "user", "content": self._user_content(input, images, detail)}]
            final_model_kwargs["messages"] = messages
        else:
            raise ValueError(f"model_type {model_type} is not supported")
        return final_model_kwargs

    def _user_content(self, text: str, images: Optional[Any], detail: str) -> Union[str, List[Dict]]:
        if not images:
            return text
        if isinstance(images, str):
            images = [images]
        content: List[Dict[str, Any]] = [{"type": "text", "text": text}]
        for image in images:
            url = image if image.startswith(("http://", "https://", "data:")) else self._encode_image(image)
            content.append({"type": "image_url", "image_url": {"url": url, "detail": detail}})
        return content

    def _encode_image(self, image_path: str) -> str:
        """Read a local image into a data URL."""
        mime_type = mimetypes.guess_type(image_path)[0] or "image/png"
        try:
            with open(image_path, "rb") as image_file:
                encoded = base64.b64encode(image_file.read()).decode("utf-8")
        except FileNotFoundError:
            raise ValueError(f"Image file not found: {image_path}")
        return f"data:{mime_type};base64,{encoded}"

    @staticmethod
    def is_vision_model(model: str) -> bool:
        return model.startswith(VISION_MODEL_PREFIXES)

    @backoff.on_exception(
        backoff.expo,
        (
            APITimeoutError,
            InternalServerError,
            RateLimitError,
            UnprocessableEntityError,
        ),
        max_time=5,
    )
    def call(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        """kwargs is the combined input and model_kwargs.  Support streaming call."""
        log.info(f"api_kwargs: {api_kwargs}")
        self._api_kwargs = api_kwargs
        if model_type == ModelType.EMBEDDER:
            return self.sync_client.embeddings.create(**api_kwargs)
        elif model_type == ModelType.LLM:
            if api_kwargs.get("stream", False):
                log.debug("streaming call")
            return self.sync_client.chat.completions.create(**api_kwargs)
        else:
            raise ValueError(f"model_type {model_type} is not supported")

    @backoff.on_exception(
        backoff.expo,
        (
            APITimeoutError,
            InternalServerError,
            RateLimitError,
            UnprocessableEntityError,
        ),
        max_time=5,
    )
    async def acall(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        """kwargs is the combined input and model_kwargs; a stream comes back as text deltas."""
        self._api_kwargs = api_kwargs
        if self.async_client is None:
            self.async_client = self.init_async_client()
        if model_type == ModelType.EMBEDDER:
            return await self.async_client.embeddings.create(**api_kwargs)
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        if not api_kwargs.get("stream", False):
            return await self.async_client.chat.completions.create(**api_kwargs)

        stream = await self.async_client.chat.completions.create(**api_kwargs)

        async def text_deltas() -> AsyncIterator[str]:
            async for chunk in stream:
                text = parse_stream_response(chunk)
                if text:
                    yield text

        return text_deltas()

    @classmethod
    def from_dict(cls: type[T], data: Dict[str, Any]) -> T:
        obj = super().from_dict(data)
        # recreate the existing clients
        obj.sync_client = obj.init_sync_client()
        obj.async_client = obj.init_async_client()
        return obj

    def to_dict(self) -> Dict[str, Any]:
        r"""Convert the component to a dictionary."""
        exclude = ["sync_client", "async_client"]  # unserializable object
        return super().to_dict(exclude=exclude)

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["sync_client"] = None
        state["async_client"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.sync_client = self.init_sync_client()


# --- unified adapter for OpenAIClient (generated by genmigrate) ---
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


class OpenAIGenerator(_ModelClientAdapter):
    """Unified interface over `OpenAIClient` (an AdalFlow ModelClient).

    `astream` reads the sync `call` stream on a worker thread: an AdalFlow `acall`
    commonly reduces a stream to text deltas, dropping the finish reason and usage.
    """

    provider = "openai"
    legacy_class = OpenAIClient
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
        self.client = OpenAIClient(**client_kwargs)

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
