# genmigrate: provider-module provider=bedrock adapter=BedrockGenerator wraps=BedrockClient protocol=modelclient classes=BedrockClient moved-from=api/bedrock_client.py import-root=.
"""AWS Bedrock client: Converse API for chat, Titan embeddings through invoke_model."""

import asyncio
import json
import logging
import os
import sys
from typing import Any, Dict, Iterator, List, Optional

# botocore switches to the CRT signer whenever awscrt is importable; the CRT build on the
# deployment image deadlocks under the preforking server, so keep botocore on plain Python.
for _crt_module in ("awscrt", "awscrt.auth", "awscrt.http", "awscrt.crypto", "awscrt.s3"):
    sys.modules.setdefault(_crt_module, None)

import backoff
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

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
logger = logging.getLogger("api.bedrock_client")

AWS_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
BEDROCK_TIMEOUT = int(os.environ.get("BEDROCK_TIMEOUT", "120"))

_BEDROCK_RUNTIME = boto3.client(
    "bedrock-runtime",
    region_name=AWS_REGION,
    config=Config(read_timeout=BEDROCK_TIMEOUT, retries={"max_attempts": 2, "mode": "standard"}),
)

_RETRYABLE_CODES = {"ThrottlingException", "ServiceUnavailableException", "ModelNotReadyException"}


def _not_retryable(exc: Exception) -> bool:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") not in _RETRYABLE_CODES
    return True


def _format_messages(messages: List[Dict[str, Any]]) -> tuple:
    """Split OpenAI-style messages into Converse ``system`` blocks and ``messages``."""
    system: List[Dict[str, str]] = []
    converse: List[Dict[str, Any]] = []
    for message in messages:
        content = message["content"]
        if message["role"] == "system":
            system.append({"text": content})
            continue
        blocks = [{"text": content}] if isinstance(content, str) else content
        converse.append({"role": message["role"], "content": blocks})
    return system, converse


def invoke_titan_embedding(text: str, model_id: str, dimensions: int = 512, client: Any = None) -> Dict:
    """One Titan embedding call; Titan takes a single text per request."""
    runtime = client or _BEDROCK_RUNTIME
    body = json.dumps({"inputText": text, "dimensions": dimensions, "normalize": True})
    response = runtime.invoke_model(
        modelId=model_id, body=body, contentType="application/json", accept="application/json"
    )
    return json.loads(response["body"].read())


class BedrockClient(ModelClient):
    """A component wrapper for AWS Bedrock.

    Credentials come from the arguments, then the usual ``AWS_*`` environment variables, then
    whatever boto3 finds (profile, instance role).

    >>> from api.bedrock_client import BedrockClient
    >>> client = BedrockClient(aws_region="us-west-2")
    """

    SUPPORTED_EMBEDDING_MODELS = ["amazon.titan-embed-text-v2:0", "amazon.titan-embed-text-v1"]
    IMAGE_FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp"}

    def __init__(
        self,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        aws_region: Optional[str] = None,
        timeout: int = BEDROCK_TIMEOUT,
        max_retries: int = 3,
    ):
        super().__init__()
        self.aws_access_key_id = aws_access_key_id or os.environ.get("AWS_ACCESS_KEY_ID")
        self.aws_secret_access_key = aws_secret_access_key or os.environ.get("AWS_SECRET_ACCESS_KEY")
        self.aws_session_token = aws_session_token or os.environ.get("AWS_SESSION_TOKEN")
        self.aws_region = aws_region or AWS_REGION
        self.timeout = timeout
        self.max_retries = max_retries
        self.sync_client = self.init_sync_client()
        self.async_client = None

    @classmethod
    def from_config(cls, config: Optional[Dict[str, Any]] = None) -> "BedrockClient":
        if config is None:
            from api.config import get_provider_settings

            config = get_provider_settings("bedrock")
        return cls(aws_region=config.get("region"), timeout=int(config.get("timeout", BEDROCK_TIMEOUT)))

    def init_sync_client(self):
        session = boto3.Session(
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
            aws_session_token=self.aws_session_token,
            region_name=self.aws_region,
        )
        config = Config(read_timeout=self.timeout, retries={"max_attempts": self.max_retries, "mode": "adaptive"})
        return session.client("bedrock-runtime", config=config)

    def init_async_client(self):
        logger.debug("Bedrock has no async client; acall runs call in a worker thread")
        return None

    def _image_block(self, path: str) -> Dict[str, Any]:
        extension = path.rsplit(".", 1)[-1].lower()
        if extension not in self.IMAGE_FORMATS:
            raise ValueError(f"Unsupported image format: {path}")
        with open(path, "rb") as handle:
            data = handle.read()
        return {"image": {"format": self.IMAGE_FORMATS[extension], "source": {"bytes": data}}}

    def convert_inputs_to_api_kwargs(
        self, input: Optional[Any] = None, model_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED
    ) -> Dict:
        kwargs = dict(model_kwargs)
        model_id = kwargs.pop("model")
        if model_type == ModelType.EMBEDDER:
            texts = [input] if isinstance(input, str) else list(input)
            return {"modelId": model_id, "texts": texts, "dimensions": kwargs.get("dimensions", 512)}
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        images = kwargs.pop("images", None) or []
        messages = input if isinstance(input, list) else [{"role": "user", "content": input}]
        system, converse = _format_messages(messages)
        if images:
            converse[-1]["content"] = converse[-1]["content"] + [self._image_block(p) for p in images]
        inference = {"temperature": kwargs.pop("temperature", 0.7), "maxTokens": kwargs.pop("max_tokens", 4096)}
        if "top_p" in kwargs:
            inference["topP"] = kwargs.pop("top_p")
        api_kwargs: Dict[str, Any] = {"modelId": model_id, "messages": converse, "inferenceConfig": inference}
        if system:
            api_kwargs["system"] = system
        if kwargs.pop("stream", False):
            api_kwargs["stream"] = True
        return api_kwargs

    @backoff.on_exception(backoff.expo, ClientError, max_tries=4, giveup=_not_retryable)
    def call(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        if model_type == ModelType.EMBEDDER:
            kwargs = dict(api_kwargs)
            return [
                invoke_titan_embedding(text, kwargs["modelId"], kwargs["dimensions"], client=self.sync_client)
                for text in kwargs["texts"]
            ]
        if model_type != ModelType.LLM:
            raise ValueError(f"model_type {model_type} is not supported")
        kwargs = dict(api_kwargs)
        if kwargs.pop("stream", False):
            response = self.sync_client.converse_stream(**kwargs)
            return self._stream_text(response["stream"])
        return self.sync_client.converse(**kwargs)

    async def acall(self, api_kwargs: Dict = {}, model_type: ModelType = ModelType.UNDEFINED):
        return await asyncio.to_thread(self.call, api_kwargs, model_type)

    @staticmethod
    def _stream_text(events: Any) -> Iterator[str]:
        for event in events:
            delta = event.get("contentBlockDelta", {}).get("delta", {})
            if "text" in delta:
                yield delta["text"]
            elif "metadata" in event:
                logger.info("Bedrock stream usage: %s", event["metadata"].get("usage"))

    def parse_chat_completion(self, completion: Any) -> GeneratorOutput:
        if not isinstance(completion, dict):
            return GeneratorOutput(data=None, raw_response=completion)
        try:
            blocks = completion["output"]["message"]["content"]
            text = "".join(block.get("text", "") for block in blocks)
        except (KeyError, TypeError) as e:
            logger.error("Unexpected Bedrock response: %s", e)
            return GeneratorOutput(data=None, error=f"Unexpected Bedrock response: {e}", raw_response=completion)
        return GeneratorOutput(data=None, raw_response=text, usage=self.track_completion_usage(completion))

    def track_completion_usage(self, completion: Dict[str, Any]) -> CompletionUsage:
        usage = completion.get("usage", {})
        return CompletionUsage(
            completion_tokens=usage.get("outputTokens"),
            prompt_tokens=usage.get("inputTokens"),
            total_tokens=usage.get("totalTokens"),
        )

    def parse_embedding_response(self, response: List[Dict[str, Any]]) -> EmbedderOutput:
        data = [Embedding(embedding=item["embedding"], index=i) for i, item in enumerate(response)]
        tokens = sum(item.get("inputTextTokenCount", 0) for item in response)
        return EmbedderOutput(data=data, usage=Usage(prompt_tokens=tokens, total_tokens=tokens), raw_response=response)


# --- unified adapter for BedrockClient (generated by genmigrate) ---
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


class BedrockGenerator(_ModelClientAdapter):
    """Unified interface over `BedrockClient` (an AdalFlow ModelClient).

    `astream` reads the sync `call` stream on a worker thread: an AdalFlow `acall`
    commonly reduces a stream to text deltas, dropping the finish reason and usage.
    """

    provider = "bedrock"
    legacy_class = BedrockClient
    # The legacy methods retry by themselves (a retry decorator): without a retry policy
    # the manager runs a `backoff.on_exception` schedule itself; others retry alone.
    legacy_retries = True
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
        self.client = BedrockClient(**client_kwargs)

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
