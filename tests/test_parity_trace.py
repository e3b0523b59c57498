"""Traces: normalised, secrets redacted everywhere, differences readable."""

from __future__ import annotations

import pytest

from genmigrate.parity.canned import Request
from genmigrate.parity.compare import differences
from genmigrate.parity.eventstream import event
from genmigrate.parity.trace import redact, request_trace

pytestmark = pytest.mark.unit


def test_request_trace_drops_sdk_noise_and_redacts_secrets() -> None:
    request = Request("post", "https://api.test/v1/chat?b=2&a=1", (
        ("user-agent", "OpenAI/Python 3.54"), ("x-stainless-os", "Linux"),
        ("authorization", "Bearer parity-secret-OPENAI_API_KEY"), ("x-title", "app"),
    ), b'{"z": 1, "a": "parity-secret-ARG_api_key"}')
    trace = request_trace(request)
    assert trace["headers"] == {"authorization": "Bearer <secret:OPENAI_API_KEY>", "x-title": "app"}
    assert trace["query"] == [["a", "1"], ["b", "2"]]
    assert trace["body"] == {"z": 1, "a": "<secret:ARG_api_key>"}


def test_aws_signature_and_date_are_normalised() -> None:
    header = ("AWS4-HMAC-SHA256 Credential=parity-secret-AWS_ACCESS_KEY_ID/20240101/us-east-1/bedrock/aws4_request, "
              "SignedHeaders=host, Signature=abc123")
    trace = request_trace(Request("POST", "https://b.test/", (("authorization", header),)))
    assert trace["headers"]["authorization"] == ("AWS4-HMAC-SHA256 Credential=<secret:AWS_ACCESS_KEY_ID>/<date>/"
                                                 "us-east-1/bedrock/aws4_request, SignedHeaders=host, "
                                                 "Signature=<signature>")


def test_redact_normalises_ids_and_addresses() -> None:
    text = "obj at 0x7f00aa id 123e4567-e89b-12d3-a456-426614174000 at 2024-05-01T10:00:00Z"
    assert redact(text) == "obj at <address> id <uuid> at <timestamp>"


def test_differences_align_events_and_name_paths() -> None:
    base = {"class": "C", "scenario": "s", "events": [{"request": {"headers": {"x-title": "app"}}}, {"sleep": 2.0},
                                                      {"step": "chat", "returned": "ok"}]}
    got = {"class": "C", "scenario": "s", "events": [{"request": {"headers": {}}}, {"sleep": 2.0},
                                                     {"step": "chat", "returned": "ok"}]}
    [difference] = differences("s", base, got, "C")
    assert difference.scenario == "C.s"
    assert difference.expected == 'events[0].request.headers.x-title: "app"'
    assert difference.got == "events[0].request.headers.x-title: (missing)"
    assert differences("s", base, base, "C") == []


def test_event_stream_frame_is_decodable_by_botocore() -> None:
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    buffer.add_data(event("messageStop", {"stopReason": "end_turn"}))
    [message] = list(buffer)
    assert message.headers[":event-type"] == "messageStop"
    assert message.payload == b'{"stopReason": "end_turn"}'
