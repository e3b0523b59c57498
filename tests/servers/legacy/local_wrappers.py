class BatchEcho:
    """A wrapper with native batching; it records how it was called."""

    calls = []

    def __init__(self, prefix="echo"):
        self.prefix = prefix

    def chat(self, messages, model=None):
        BatchEcho.calls.append(("chat", len(messages)))
        return f"{self.prefix}: {messages[-1]['content']}"

    def batch_chat(self, conversations):
        BatchEcho.calls.append(("batch_chat", len(conversations)))
        return [f"{self.prefix}: {c[-1]['content']}" for c in conversations]


class Opaque:
    """No method a unified operation can be mapped to."""

    def frobnicate(self, payload):
        return payload


class StreamOnly:
    """Only streams: `chat` is a generator of OpenAI-style chunks; there is no one-shot call."""

    def __init__(self):
        self.calls = 0

    def chat(self, messages, model=None):
        self.calls += 1
        for word in messages[-1]["content"].split():
            yield {"choices": [{"delta": {"content": word}, "finish_reason": None}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}


class ChatOnly:
    """One-shot chat and nothing else."""

    def __init__(self):
        self.calls = 0

    def chat(self, messages, model=None):
        self.calls += 1
        return "chat: " + messages[-1]["content"]


class EmbedOnly:
    """Embeds texts and nothing else."""

    def __init__(self):
        self.calls = 0

    def embed(self, texts, model=None):
        self.calls += 1
        return [[float(len(t))] for t in texts]
