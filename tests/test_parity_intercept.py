"""Every supported transport is answered by the one responder; real connections are refused."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from genmigrate.parity.canned import Reply, Request, json_reply
from genmigrate.parity.errors import responder_for
from genmigrate.parity.intercept import NetworkBlocked, intercept

pytestmark = pytest.mark.unit


def echo(request: Request) -> Reply:
    return json_reply({"method": request.method, "path": request.path, "body": request.json()})


@pytest.mark.parametrize("module_name", ["httpx", "httpx2"])
def test_httpx_sync_and_async(module_name: str) -> None:
    mod = pytest.importorskip(module_name)

    async def run_async() -> dict:
        async with mod.AsyncClient() as client:
            return (await client.post("https://x.test/a", json={"n": 2})).json()

    with intercept(echo) as log:
        sync = mod.Client().post("https://x.test/s", json={"n": 1}).json()
        asynchronous = asyncio.run(run_async())
    assert sync == {"method": "POST", "path": "/s", "body": {"n": 1}}
    assert asynchronous["body"] == {"n": 2}
    assert [r.path for r in log.requests] == ["/s", "/a"]


def test_requests_and_aiohttp() -> None:
    import aiohttp
    import requests

    async def run_async() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.post("https://x.test/aio", json={"k": "v"}) as response:
                return await response.json()

    with intercept(echo) as log:
        sync = requests.post("https://x.test/req", json={"k": 1}).json()
        asynchronous = asyncio.run(run_async())
    assert sync["body"] == {"k": 1}
    assert asynchronous == {"method": "POST", "path": "/aio", "body": {"k": "v"}}
    assert len(log.requests) == 2


def test_openai_sdk_stream_is_served_as_sse() -> None:
    import openai

    with intercept(responder_for("ok")):
        client = openai.OpenAI(api_key="k")
        stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True)
        parts = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    assert parts == ["Hello", " from", " parity"]


def test_bedrock_converse_stream_decodes_event_stream_frames() -> None:
    import boto3

    with intercept(responder_for("ok")) as log:
        client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="a",
                              aws_secret_access_key="b")
        response = client.converse_stream(modelId="anthropic.claude-parity-v1",
                                          messages=[{"role": "user", "content": [{"text": "hi"}]}])
        events = list(response["stream"])
        invoked = client.invoke_model(modelId="anthropic.claude-parity-v1", body=json.dumps({"x": 1}))
        body = json.loads(invoked["body"].read())
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e]
    assert deltas == ["Hello", " from", " parity"]
    assert body["content"][0]["text"] == "Hello from parity"
    assert [r.path for r in log.requests][0].endswith("/converse-stream")


def test_ollama_ndjson_stream() -> None:
    import ollama

    with intercept(responder_for("ok")):
        parts = [p.message.content for p in ollama.Client(host="http://o.test:11434").chat(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True)]
    assert "".join(parts) == "Hello from parity"


def test_canned_timeout_raises_the_transport_exception() -> None:
    import httpx2

    with intercept(responder_for("timeout")), pytest.raises(httpx2.ReadTimeout):
        httpx2.Client().get("https://x.test/")


def test_real_connection_is_refused_and_logged() -> None:
    with intercept(echo) as log:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(NetworkBlocked):
            sock.connect(("192.0.2.1", 443))
        sock.close()
    assert log.blocked == ["192.0.2.1:443"]


def test_interception_is_removed_after_the_block() -> None:
    import httpx2

    with intercept(echo):
        pass
    assert httpx2.HTTPTransport.handle_request.__name__ == "handle_request"
    assert socket.socket.connect.__qualname__ != "connect.<locals>.connect"
