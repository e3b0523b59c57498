"""A scripted HTTP/1.1 server on 127.0.0.1 (port 0) that speaks whatever a test queues.

Each request is recorded; the next queued reply for the matching path prefix is sent, or the
server's default reply when that queue is empty. Streamed replies use chunked encoding so that
`drop_after` can cut the body mid-stream the way a failing upstream does.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        merged = {"content-type": "application/json", **(headers or {})}
        return cls(status, json.dumps(data).encode(), merged)


@dataclass(frozen=True)
class Streamed:
    """A chunked body: one write per part; `drop_after` parts, then the connection is cut."""

    parts: tuple[bytes, ...]
    content_type: str
    status: int = 200
    drop_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Answer = Reply | Streamed
Default = Callable[[Recorded], Answer]


class ScriptedServer:
    def __init__(self, default: Default) -> None:
        self.default = default
        self.requests: list[Recorded] = []
        self._queues: dict[str, deque[Answer]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def queue(self, path_prefix: str, *answers: Answer) -> None:
        with self._lock:
            self._queues.setdefault(path_prefix, deque()).extend(answers)

    def hits(self, path_prefix: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def answer(self, request: Recorded) -> Answer:
        with self._lock:
            self.requests.append(request)
            for prefix, waiting in self._queues.items():
                if request.path.startswith(prefix) and waiting:
                    return waiting.popleft()
        return self.default(request)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = server.answer(Recorded(self.command, self.path, headers, body))
            if isinstance(answer, Reply):
                self._reply(answer)
            else:
                self._stream(answer)

        do_GET = do_POST = _serve

        def _reply(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def _stream(self, streamed: Streamed) -> None:
            self.send_response(streamed.status)
            self.send_header("content-type", streamed.content_type)
            self.send_header("transfer-encoding", "chunked")
            for name, value in streamed.headers.items():
                self.send_header(name, value)
            self.end_headers()
            for index, part in enumerate(streamed.parts):
                if streamed.drop_after is not None and index >= streamed.drop_after:
                    self.close_connection = True
                    self.wfile.flush()
                    return  # no terminating chunk: the client sees a truncated body
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    return Handler


def sse(events: Iterable[tuple[str | None, Any]]) -> tuple[bytes, ...]:
    """Server-sent events; a None name sends a bare `data:` line, a str payload is sent as is."""
    parts = []
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        head = f"event: {name}\n" if name else ""
        parts.append(f"{head}data: {text}\n\n".encode())
    return tuple(parts)


def ndjson(lines: Iterable[Any]) -> tuple[bytes, ...]:
    return tuple((json.dumps(line) + "\n").encode() for line in lines)
