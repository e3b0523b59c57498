"""AWS binary event-stream framing (`application/vnd.amazon.eventstream`), encoding side only.

botocore ships the decoder; canned Bedrock streams (`converse_stream`,
`invoke_model_with_response_stream`) need frames it can decode.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

_STRING_HEADER = 7
CONTENT_TYPE = "application/vnd.amazon.eventstream"


def _header(name: str, value: str) -> bytes:
    raw_name = name.encode("utf-8")
    raw_value = value.encode("utf-8")
    return (
        struct.pack("!B", len(raw_name))
        + raw_name
        + struct.pack("!BH", _STRING_HEADER, len(raw_value))
        + raw_value
    )


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude, prelude CRC, headers, payload, message CRC."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw_headers))
    head = prelude + struct.pack("!I", zlib.crc32(prelude))
    body = head + raw_headers + payload
    return body + struct.pack("!I", zlib.crc32(body))


def event(event_type: str, payload: dict[str, Any]) -> bytes:
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
    return frame(headers, json.dumps(payload).encode("utf-8"))


def exception(exception_type: str, message: str) -> bytes:
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return frame(headers, json.dumps({"message": message}).encode("utf-8"))


def chunk_event(payload: dict[str, Any]) -> bytes:
    """An `invoke_model_with_response_stream` chunk: the model's JSON, base64 inside `bytes`."""
    encoded = base64.b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
    return event("chunk", {"bytes": encoded})
