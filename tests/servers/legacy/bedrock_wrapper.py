import json

import boto3
from botocore.config import Config


class BedrockClient:
    """A wrapper over bedrock-runtime (Converse, ConverseStream, InvokeModel)."""

    def __init__(self, endpoint_url=None, region="us-east-1", max_attempts=3):
        self.client = boto3.client(
            "bedrock-runtime",
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret-test",
            config=Config(retries={"max_attempts": max_attempts, "mode": "standard"}),
        )

    @staticmethod
    def _converse_messages(messages):
        system = [{"text": m["content"]} for m in messages if m["role"] == "system"]
        rest = [
            {"role": m["role"], "content": [{"text": m["content"]}]}
            for m in messages
            if m["role"] != "system"
        ]
        return system, rest

    def chat(self, messages, model="anthropic.claude-3-5-sonnet-20240620-v1:0"):
        system, rest = self._converse_messages(messages)
        response = self.client.converse(modelId=model, messages=rest, system=system)
        return response

    def stream_chat(self, messages, model="anthropic.claude-3-5-sonnet-20240620-v1:0"):
        system, rest = self._converse_messages(messages)
        response = self.client.converse_stream(modelId=model, messages=rest, system=system)
        for event in response["stream"]:
            yield event

    def embed(self, texts, model="amazon.titan-embed-text-v2:0"):
        vectors = []
        for text in texts:
            response = self.client.invoke_model(modelId=model, body=json.dumps({"inputText": text}))
            vectors.append(json.loads(response["body"].read())["embedding"])
        return vectors
