# genmigrate: provider-module provider=dashscope adapter=DashscopeGenerator wraps=DashscopeClient protocol=modelclient classes=DashscopeAPIError,DashscopeClient moved-from=api/dashscope_client.py import-root=.
"""DashScope (Alibaba Cloud Model Studio, Qwen models) client for AdalFlow."""

import logging
import os
from http import HTTPStatus
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Sequence

from adalflow.utils.lazy_import import safe_import

dashscope = safe_import("dashscope", "Please install dashscope with: pip install dashscope")

from dashscope import Generation, TextEmbedding
from dashscope.aigc.generation import AioGeneration

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
log = logging.getLogger("api.dashscope_client")

DASHSCOPE_BASE_URL = os.environ.get("DASHSCOPE_BASE_URL", "https://dashscope.aliyuncs.com/api/v1")
MAX_EMBEDDING_BATCH = 10


class DashscopeAPIError(RuntimeError):
    """DashScope answered with a non-200 status."""

    def __init__(self, status_code: int, code: str, message: str, request_id: str = ""):
        super().__init__(f"DashScope error {status_code} {code}: {message}")
        self.status_code = status_code
        self.code = code
        self.request_id = request_id


def _check(response: Any) -> Any:
    if response.status_code != HTTPStatus.OK:
        raise DashscopeAPIError(response.status_code, response.code, response.message, response.request_id)
    return response


def _delta_text(response: Any) -> str:
    _check(response)
    choices = response.output.choices or []
    if not choices:
        return ""
    return choices[0].message.content or ""


class DashscopeClient(ModelClient):
    """Qwen chat models and text-embedding models through the DashScope SDK.

    >>> from api.dashscope_client import DashscopeClient
    >>> client = DashscopeClient(api_key="sk-test")
    >>> client.convert_inputs_to_api_kwargs("hi", {"model": "qwen-plus"}, ModelType.LLM)["messages"]
    [{'role': 'user', 'content': 'hi'}]
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        workspace_id: Optional[str] = None,
        base_url: Optional[str] = None,
        input_type: str = "text",
    ):
        super().__init__()
        self._api_key = api_key or os.getenv("DASHSCOPE_API_KEY")
        if not self._api_key:
            raise ValueError("Environment variable DASHSCOPE_API_KEY must be set")
        self._workspace_id = workspace_id or os.getenv("DASHSCOPE_WORKSPACE_ID")
        self.base_url = base_url or DASHSCOPE_BASE_URL
        self._input_type = input_type
        self.sync_client = self.init_sync_client()
        self.async_client = self.init_async_client()

    def init_sync_client(self):
        dashscope.base_http_api_url = self.base_url
        return Generation

    def init_async_client(self):
        return AioGeneration

    def _auth(self) -> Dict[str, Any]:
        auth: Dict[str, Any] = {"api_key": self._api_key}
        if self._workspace_id:
            auth["workspace"] = self._workspace_id
        return auth

    def convert_inputs_to_api_kwargs(
        self,
        input: Optional[Any] = None,
        model_kwargs: Dict = {},
        model_type: ModelType = ModelType.UNDEFINED,
    ) -> Dict:
        api_kwargs = dict(model_kwargs)
        if model_type == ModelType.EMBEDDER:
            texts = [input] if isinstance(input, str) else input
            if not isinstance(texts, Sequence):
                raise TypeError("input must be a sequence of text")
            api_kwargs["input"] = list(texts)
            api_kwargs.setdefault("model", TextEmbedding.Models.text_embedding_v3)
            return api_kwargs
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        if self._input_type == "messages":
            api_kwargs["messages"] = list(input)
        else:
            api_kwargs["messages"] = [{"role": "user", "content": input}]
        api_kwargs["result_format"] = "message"
        if api_kwargs.get("stream"):
            api_kwargs["incremental_output"] = True
        return api_kwargs

    def call(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        if model_type == ModelType.EMBEDDER:
            return self._embed(api_kwargs)
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        log.info("DashScope call model=%s stream=%s", api_kwargs.get("model"), api_kwargs.get("stream", False))
        response = self.sync_client.call(**api_kwargs, **self._auth())
        if api_kwargs.get("stream"):
            return (_delta_text(chunk) for chunk in response)
        return _check(response)

    def _embed(self, api_kwargs: Dict) -> List[Any]:
        kwargs = dict(api_kwargs)
        texts = kwargs.pop("input")
        responses = []
        for start in range(0, len(texts), MAX_EMBEDDING_BATCH):
            batch = texts[start : start + MAX_EMBEDDING_BATCH]
            responses.append(_check(TextEmbedding.call(input=batch, **kwargs, **self._auth())))
        return responses

    async def acall(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        if model_type != ModelType.LLM:
            raise ValueError(f"DashScope async calls support ModelType.LLM only, not {model_type}")
        if self.async_client is None:
            self.async_client = self.init_async_client()
        response = await self.async_client.call(**api_kwargs, **self._auth())
        if not api_kwargs.get("stream"):
            return _check(response)

        async def stream_text() -> AsyncIterator[str]:
            async for chunk in response:
                text = _delta_text(chunk)
                if text:
                    yield text

        return stream_text()

    def parse_chat_completion(self, completion: Any) -> GeneratorOutput:
        if isinstance(completion, Iterator) or hasattr(completion, "__anext__"):
            return GeneratorOutput(data=None, raw_response=completion)
        try:
            text = completion.output.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as e:
            log.error("Failed to parse DashScope response: %s", e)
            return GeneratorOutput(data=None, error=str(e), raw_response=str(completion))
        return GeneratorOutput(data=None, raw_response=text, usage=self.track_completion_usage(completion))

    def track_completion_usage(self, completion: Any) -> CompletionUsage:
        usage = completion.usage
        return CompletionUsage(
            completion_tokens=usage.output_tokens,
            prompt_tokens=usage.input_tokens,
            total_tokens=usage.total_tokens,
        )

    def parse_embedding_response(self, response: List[Any]) -> EmbedderOutput:
        data: List[Embedding] = []
        total = 0
        for batch_number, batch in enumerate(response):
            offset = batch_number * MAX_EMBEDDING_BATCH
            for item in batch.output["embeddings"]:
                data.append(Embedding(embedding=item["embedding"], index=offset + item["text_index"]))
            total += batch.usage["total_tokens"]
        return EmbedderOutput(data=data, usage=Usage(prompt_tokens=total, total_tokens=total), raw_response=response)


# --- unified adapter for DashscopeClient (generated by genmigrate) ---
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


class DashscopeGenerator(_ModelClientAdapter):
    """Unified interface over `DashscopeClient` (an AdalFlow ModelClient).

    `astream` reads the sync `call` stream on a worker thread: an AdalFlow `acall`
    commonly reduces a stream to text deltas, dropping the finish reason and usage.
    """

    provider = "dashscope"
    legacy_class = DashscopeClient
    llm_type = _ModelType.LLM
    embedder_type = _ModelType.EMBEDDER
    stream_usage_option = False
    capabilities = _Capabilities(
        streaming=True,
        async_=True,
        embeddings=True,
    )

    def __init__(
        self, *, default_model: str | None = None, **client_kwargs: _Any
    ) -> None:
        super().__init__(default_model=default_model)
        self.client = DashscopeClient(**client_kwargs)

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


if __name__ == "__main__":
    client = DashscopeClient()
    kwargs = client.convert_inputs_to_api_kwargs("Say hello in Chinese.", {"model": "qwen-plus"}, ModelType.LLM)
    print(client.parse_chat_completion(client.call(kwargs, ModelType.LLM)).raw_response)
