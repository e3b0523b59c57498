"""What interception builds once per process (SDK metadata, the aiohttp mock) serves every block
the same way, and nothing of it stays installed outside a block."""

from __future__ import annotations

import asyncio

import pytest

from genmigrate.parity.canned import Reply, Request, json_reply
from genmigrate.parity.errors import responder_for
from genmigrate.parity.intercept import intercept

pytestmark = pytest.mark.unit


def _aiohttp_post(path: str) -> tuple[int, dict]:
    import aiohttp

    async def run() -> tuple[int, dict]:
        async with aiohttp.ClientSession() as session, session.post(f"https://x.test{path}", json={"p": path}) as reply:
            return reply.status, await reply.json(content_type=None)

    return asyncio.run(run())


def test_aiohttp_is_answered_by_each_blocks_own_responder() -> None:
    import aiohttp

    original = vars(aiohttp.ClientSession)["_request"]

    def tagged(tag: str) -> object:
        def respond(request: Request) -> Reply:
            return json_reply({"tag": tag, "path": request.path})

        return respond

    with intercept(tagged("first")) as first:
        assert _aiohttp_post("/one") == (200, {"tag": "first", "path": "/one"})
    assert vars(aiohttp.ClientSession)["_request"] is original
    with intercept(tagged("second")) as second:
        assert _aiohttp_post("/two") == (200, {"tag": "second", "path": "/two"})
    with intercept(responder_for("server_error")):
        assert _aiohttp_post("/three")[0] == 500
    assert [r.path for r in first.requests] == ["/one"]
    assert [r.path for r in second.requests] == ["/two"]
    assert vars(aiohttp.ClientSession)["_request"] is original


def test_botocore_sessions_share_parsed_models_only_under_the_same_search_paths() -> None:
    boto3 = pytest.importorskip("boto3")
    import botocore.session
    from botocore.loaders import create_loader

    def bedrock_model(session: boto3.Session) -> object:
        return session._loader.load_service_model("bedrock-runtime", "service-2")

    with intercept(responder_for("ok")):
        first = bedrock_model(boto3.Session(region_name="us-east-1"))
    with intercept(responder_for("ok")):
        again = bedrock_model(boto3.Session(region_name="us-west-2"))
        plain = botocore.session.get_session().get_component("data_loader")
        plain_model = plain.load_service_model("bedrock-runtime", "service-2")
    assert again is first  # parsed once in this process
    assert plain.search_paths != boto3.Session()._loader.search_paths  # boto3 adds its own folder
    assert plain_model == first and plain_model is not first  # other search paths: parsed for them
    assert botocore.session.create_loader is create_loader  # nothing stays patched


def test_bedrock_clients_built_in_successive_blocks_each_reach_their_responder() -> None:
    boto3 = pytest.importorskip("boto3")

    def converse(mode: str) -> str:
        with intercept(responder_for(mode)) as log:
            client = boto3.client(
                "bedrock-runtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
            )
            try:
                client.converse(modelId="m", messages=[{"role": "user", "content": [{"text": "hi"}]}])
                outcome = "ok"
            except client.exceptions.ValidationException:
                outcome = "rejected"
        return f"{outcome} after {len(log.requests)}"

    assert converse("ok") == "ok after 1"
    assert converse("bad_request") == "rejected after 1"
    assert converse("ok") == "ok after 1"
