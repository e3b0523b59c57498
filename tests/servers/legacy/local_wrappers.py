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
