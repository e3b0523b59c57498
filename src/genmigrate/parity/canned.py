"""The responder interface: a normalised request in, a canned provider-shaped reply out."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

ErrorKind = Literal["timeout", "connect"]


@dataclass(frozen=True)
class Request:
    """One outgoing HTTP request as every intercepted transport reports it."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]  # names lower-cased, in send order
    body: bytes = b""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> str:
        return urlsplit(self.url).query

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class Reply:
    """A canned answer: a whole body, a list of streamed chunks, or a transport error."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: tuple[bytes, ...] | None = None
    error: ErrorKind | None = None

    @property
    def content(self) -> bytes:
        return b"".join(self.chunks) if self.chunks is not None else self.body


Responder = Callable[[Request], Reply]


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        headers={"content-type": "application/json", **(headers or {})},
        body=json.dumps(payload).encode("utf-8"),
    )


def stream_reply(chunks: list[bytes], content_type: str) -> Reply:
    return Reply(status=200, headers={"content-type": content_type}, chunks=tuple(chunks))


def sse(events: list[tuple[str | None, Any]]) -> list[bytes]:
    """Server-sent events; a None event name writes a bare `data:` line, a str payload goes verbatim."""
    out = []
    for name, payload in events:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        prefix = f"event: {name}\n" if name else ""
        out.append(f"{prefix}data: {data}\n\n".encode("utf-8"))
    return out


class Sequenced:
    """A responder that answers the n-th request with the n-th reply maker (the last one repeats)."""

    def __init__(self, *makers: Responder) -> None:
        if not makers:
            raise ValueError("Sequenced needs at least one reply maker")
        self._makers = makers
        self._count = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        with self._lock:
            index = min(self._count, len(self._makers) - 1)
            self._count += 1
        return self._makers[index](request)
