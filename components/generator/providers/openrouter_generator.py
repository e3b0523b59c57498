# genmigrate: provider-module provider=openrouter adapter=OpenRouterGenerator wraps=OpenRouterClient protocol=chat-wrapper classes=OpenRouterClient,OpenRouterModelCatalog moved-from=api/openrouter_client.py import-root=.
"""OpenRouter client: one key, many upstream models, OpenAI-style JSON over plain HTTP."""

import asyncio
import json
import logging
import os
import time
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional

import aiohttp
import requests

logging.basicConfig(
    level=os.environ.get("OPENROUTER_LOG_LEVEL", "INFO"),
    format="%(asctime)s - %(name)s - %(levelname)s - %(message)s",
)
logger = logging.getLogger(__name__)

__all__ = ["OpenRouterClient", "get_first_message_content"]

OPENROUTER_API_KEY = os.environ.get("OPENROUTER_API_KEY")
OPENROUTER_BASE_URL = os.environ.get("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1")
DEFAULT_TIMEOUT = float(os.environ.get("OPENROUTER_TIMEOUT", "60"))
MAX_ATTEMPTS = 3

MODEL_ALIASES: Dict[str, str] = {}
for _alias, _model in (
    ("gpt-4o-mini", "openai/gpt-4o-mini"),
    ("claude", "anthropic/claude-3.5-sonnet"),
    ("deepseek", "deepseek/deepseek-chat"),
    ("llama", "meta-llama/llama-3.1-70b-instruct"),
):
    MODEL_ALIASES[_alias] = _model


def get_first_message_content(data: Dict[str, Any]) -> str:
    """Text of the first choice of a decoded OpenRouter JSON answer ("" when there is none)."""
    choices = data.get("choices") or []
    if not choices:
        logger.warning("OpenRouter answer without choices: %s", str(data)[:200])
        return ""
    return choices[0].get("message", {}).get("content") or ""


class OpenRouterClient:
    """Chat with any model OpenRouter routes to.

    Failures come back as strings starting with ``"Error:"`` so the UI can show them as an answer.

    >>> from api.openrouter_client import OpenRouterClient
    >>> client = OpenRouterClient(api_key="sk-or-test")
    """

    default_headers = {"Content-Type": "application/json"}

    def __init__(
        self,
        api_key: Optional[str] = None,
        site_url: str = "https://github.com/wikiqa/wikiqa",
        app_name: str = "WikiQA",
        timeout: Optional[float] = None,
        default_model: str = "openai/gpt-4o-mini",
        base_url: Optional[str] = None,
    ):
        self.api_key = api_key or OPENROUTER_API_KEY
        if not self.api_key:
            logger.warning("OPENROUTER_API_KEY is not configured; calls will return an error message")
        self.site_url = site_url
        self.app_name = app_name
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.default_model = default_model
        self.base_url = (base_url or OPENROUTER_BASE_URL).rstrip("/")

    def _build_headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}", **self.default_headers}

    def _payload(self, messages: List[Dict[str, Any]], model: Optional[str], **kwargs: Any) -> Dict[str, Any]:
        name = model or self.default_model
        payload: Dict[str, Any] = {
            "model": MODEL_ALIASES.get(name, name),
            "messages": messages,
            "temperature": kwargs.pop("temperature", 0.7),
            "max_tokens": kwargs.pop("max_tokens", 4096),
        }
        payload.update(kwargs)
        return payload

    def _build_headers(self) -> Dict[str, str]:
        headers = {"Authorization": f"Bearer {self.api_key}", **self.default_headers}
        headers["HTTP-Referer"] = self.site_url
        headers["X-Title"] = self.app_name
        return headers

    def chat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> str:
        if not self.api_key:
            return "Error: OPENROUTER_API_KEY is not set"
        payload = self._payload(messages, model, **kwargs)
        url = f"{self.base_url}/chat/completions"
        for attempt in range(MAX_ATTEMPTS):
            try:
                response = requests.post(url, headers=self._build_headers(), json=payload, timeout=self.timeout)
            except requests.exceptions.Timeout:
                logger.warning("OpenRouter timed out (attempt %d)", attempt + 1)
                time.sleep(2**attempt)
                continue
            except requests.exceptions.RequestException as e:
                return f"Error: request to OpenRouter failed: {e}"
            if response.status_code == 429 or response.status_code >= 500:
                delay = float(response.headers.get("Retry-After", 2**attempt))
                logger.warning("OpenRouter returned %s, retrying in %.1fs", response.status_code, delay)
                time.sleep(delay)
                continue
            if response.status_code != 200:
                return f"Error: OpenRouter returned {response.status_code}: {response.text[:200]}"
            return get_first_message_content(response.json())
        return f"Error: OpenRouter did not answer after {MAX_ATTEMPTS} attempts"

    def complete(self, prompt: str, model: Optional[str] = None, **kwargs: Any) -> str:
        return self.chat([{"role": "user", "content": prompt}], model=model, **kwargs)

    def stream_chat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> Iterator[str]:
        if not self.api_key:
            yield "Error: OPENROUTER_API_KEY is not set"
            return
        payload = self._payload(messages, model, stream=True, **kwargs)
        try:
            response = requests.post(
                f"{self.base_url}/chat/completions",
                headers=self._build_headers(),
                json=payload,
                stream=True,
                timeout=self.timeout,
            )
        except requests.exceptions.RequestException as e:
            yield f"Error: request to OpenRouter failed: {e}"
            return
        if response.status_code != 200:
            yield f"Error: OpenRouter returned {response.status_code}: {response.text[:200]}"
            return
        for line in response.iter_lines(decode_unicode=True):
            if not line or line.startswith(":") or not line.startswith("data: "):
                continue
            data = line[len("data: ") :]
            if data.strip() == "[DONE]":
                break
            try:
                chunk = json.loads(data)
            except json.JSONDecodeError:
                logger.debug("Skipping malformed SSE line: %s", data[:100])
                continue
            for choice in chunk.get("choices", []):
                delta = choice.get("delta", {}).get("content")
                if delta:
                    yield delta

    async def achat(self, messages: List[Dict[str, Any]], model: Optional[str] = None, **kwargs: Any) -> str:
        if not self.api_key:
            return "Error: OPENROUTER_API_KEY is not set"
        payload = self._payload(messages, model, **kwargs)
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                async with session.post(
                    f"{self.base_url}/chat/completions", headers=self._build_headers(), json=payload
                ) as response:
                    if response.status != 200:
                        text = await response.text()
                        return f"Error: OpenRouter returned {response.status}: {text[:200]}"
                    return get_first_message_content(await response.json())
        except asyncio.TimeoutError:
            return "Error: OpenRouter request timed out"
        except aiohttp.ClientError as e:
            return f"Error: request to OpenRouter failed: {e}"


@lru_cache(maxsize=4)
def _fetch_models(base_url: str) -> tuple:
    response = requests.get(f"{base_url}/models", timeout=DEFAULT_TIMEOUT)
    response.raise_for_status()
    return tuple(response.json().get("data", []))


class OpenRouterModelCatalog:
    """The list of models OpenRouter offers, fetched once per process."""

    def __init__(self, base_url: Optional[str] = None):
        self.base_url = (base_url or OPENROUTER_BASE_URL).rstrip("/")

    @classmethod
    def refresh(cls) -> None:
        _fetch_models.cache_clear()

    def models(self) -> List[Dict[str, Any]]:
        return list(_fetch_models(self.base_url))

    def model_ids(self) -> List[str]:
        return [model["id"] for model in self.models()]

    def _find(self, model_id: str) -> Dict[str, Any]:
        model_id = MODEL_ALIASES.get(model_id, model_id)
        for model in self.models():
            if model["id"] == model_id:
                return model
        raise KeyError(f"Unknown OpenRouter model: {model_id}")

    def context_length(self, model_id: str) -> int:
        return int(self._find(model_id).get("context_length") or 4096)

    def supports_images(self, model_id: str) -> bool:
        modalities = self._find(model_id).get("architecture", {}).get("input_modalities", [])
        return "image" in modalities

    def prompt_price(self, model_id: str) -> float:
        return float(self._find(model_id).get("pricing", {}).get("prompt", 0))


# --- unified adapter for OpenRouterClient (generated by genmigrate) ---
from collections.abc import Iterator as _Iterator  # noqa: E402
from typing import Any as _Any  # noqa: E402

from .._adapters import CallShape as _CallShape  # noqa: E402
from .._adapters import WrapperAdapter as _WrapperAdapter  # noqa: E402
from ..base import Capabilities as _Capabilities  # noqa: E402
from ..base import GenerationRequest as _GenerationRequest  # noqa: E402
from ..base import GenerationResult as _GenerationResult  # noqa: E402
from ..base import StreamChunk as _StreamChunk  # noqa: E402
from ..base import mapped_errors as _mapped_errors  # noqa: E402


class OpenRouterGenerator(_WrapperAdapter):
    """Unified interface over `OpenRouterClient` (a plain wrapper), by composition."""

    provider = "openrouter"
    legacy_class = OpenRouterClient
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
        self.client = OpenRouterClient(**client_kwargs)

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
    client = OpenRouterClient()
    print(client.complete("Reply with the single word: pong", model="gpt-4o-mini"))
    for piece in client.stream_chat([{"role": "user", "content": "Count to five."}]):
        print(piece, end="", flush=True)
    print()
