import ollama


class OllamaChat:
    """A wrapper over ollama.Client, returning plain text."""

    def __init__(self, host="http://127.0.0.1:11434"):
        self.client = ollama.Client(host=host)

    def chat(self, messages, model="llama3.2", **options):
        response = self.client.chat(model=model, messages=messages, options=options or None)
        return response["message"]["content"]

    def stream_chat(self, messages, model="llama3.2"):
        for part in self.client.chat(model=model, messages=messages, stream=True):
            yield part

    def embed(self, texts, model="nomic-embed-text"):
        return self.client.embed(model=model, input=list(texts))
