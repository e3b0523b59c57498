import anthropic


class AnthropicChat:
    """A plain chat wrapper over the Anthropic SDK."""

    def __init__(self, api_key="sk-ant-test", base_url=None, max_retries=2):
        self.client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, max_retries=max_retries
        )
        self.async_client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, max_retries=max_retries
        )

    @staticmethod
    def _split(messages):
        system = "\n".join(m["content"] for m in messages if m["role"] == "system")
        rest = [m for m in messages if m["role"] != "system"]
        return system, rest

    def chat(self, messages, model="claude-haiku-4-5", temperature=None, max_tokens=256):
        system, rest = self._split(messages)
        extra = {"temperature": temperature} if temperature is not None else {}
        response = self.client.messages.create(
            model=model, max_tokens=max_tokens, messages=rest, system=system, **extra
        )
        return "".join(block.text for block in response.content if block.type == "text")

    def stream_chat(self, messages, model="claude-haiku-4-5", max_tokens=256):
        """Yields the raw SDK events (message_start, content_block_delta, message_delta, ...)."""
        system, rest = self._split(messages)
        yield from self.client.messages.create(
            model=model, max_tokens=max_tokens, messages=rest, system=system, stream=True
        )

    async def achat(self, messages, model="claude-haiku-4-5", max_tokens=256):
        system, rest = self._split(messages)
        response = await self.async_client.messages.create(
            model=model, max_tokens=max_tokens, messages=rest, system=system
        )
        return "".join(block.text for block in response.content if block.type == "text")
