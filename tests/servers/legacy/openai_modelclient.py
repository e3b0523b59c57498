import os

from adalflow.core.model_client import ModelClient
from adalflow.core.types import (
    CompletionUsage,
    Embedding,
    EmbedderOutput,
    GeneratorOutput,
    ModelType,
)
from openai import AsyncOpenAI, OpenAI


class OpenAIClient(ModelClient):
    """An AdalFlow-style chat-completions client, as legacy repos write them."""

    def __init__(self, api_key=None, base_url=None, max_retries=2):
        super().__init__()
        self._api_key = api_key or os.environ.get("OPENAI_API_KEY", "sk-test")
        self.base_url = base_url
        self.max_retries = max_retries
        self.sync_client = OpenAI(api_key=self._api_key, base_url=base_url, max_retries=max_retries)
        self.async_client = None

    def init_async_client(self):
        return AsyncOpenAI(
            api_key=self._api_key, base_url=self.base_url, max_retries=self.max_retries
        )

    def convert_inputs_to_api_kwargs(
        self, input=None, model_kwargs={}, model_type=ModelType.UNDEFINED
    ):
        final = dict(model_kwargs)
        if model_type == ModelType.EMBEDDER:
            final["input"] = input if isinstance(input, list) else [input]
        elif isinstance(input, str):
            final["messages"] = [{"role": "user", "content": input}]
        else:
            final["messages"] = input
        return final

    def parse_chat_completion(self, completion):
        usage = CompletionUsage(
            completion_tokens=completion.usage.completion_tokens,
            prompt_tokens=completion.usage.prompt_tokens,
            total_tokens=completion.usage.total_tokens,
        )
        return GeneratorOutput(
            data=completion.choices[0].message.content, usage=usage, raw_response=str(completion)
        )

    def parse_embedding_response(self, response):
        data = [Embedding(embedding=d.embedding, index=d.index) for d in response.data]
        return EmbedderOutput(data=data, model=response.model, raw_response=response)

    def call(self, api_kwargs={}, model_type=ModelType.UNDEFINED):
        if model_type == ModelType.EMBEDDER:
            return self.sync_client.embeddings.create(**api_kwargs)
        return self.sync_client.chat.completions.create(**api_kwargs)

    async def acall(self, api_kwargs={}, model_type=ModelType.UNDEFINED):
        if self.async_client is None:
            self.async_client = self.init_async_client()
        if model_type == ModelType.EMBEDDER:
            return await self.async_client.embeddings.create(**api_kwargs)
        return await self.async_client.chat.completions.create(**api_kwargs)
