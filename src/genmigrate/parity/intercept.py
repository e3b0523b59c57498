"""Process-wide interception of every supported SDK transport, plus a guard on real sockets.

    with intercept(responder) as log:
        client.call(...)
    log.requests   # every intercepted request, in order
    log.blocked    # real connections that something attempted (and that were refused)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from genmigrate.parity import adapters
from genmigrate.parity.canned import Reply, Request, Responder


class NetworkBlocked(ConnectionRefusedError):
    """A parity run tried to open a real network connection."""


@dataclass
class InterceptLog:
    requests: list[Request] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.responder: Responder | None = None
        self.log: InterceptLog | None = None

    def handle(self, request: Request) -> Reply:
        with self.lock:
            responder, log = self.responder, self.log
        if responder is None or log is None:
            raise NetworkBlocked(f"parity: request outside interception: {request.method} {request.url}")
        log.requests.append(request)
        return responder(request)

    def active_handler(self) -> adapters.Handler | None:
        return self.handle if self.responder is not None else None


_STATE = _State()
_INET = (socket.AF_INET, socket.AF_INET6)


def _guard_patches(log: InterceptLog) -> list[Any]:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def refuse(sock: socket.socket, address: Any) -> None:
        where = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)
        log.blocked.append(where)
        raise NetworkBlocked(f"parity: real network connection to {where} refused")

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in _INET:
            refuse(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if sock.family in _INET:
            refuse(sock, address)
        return real_connect_ex(sock, address)

    return [mock.patch.object(socket.socket, "connect", connect),
            mock.patch.object(socket.socket, "connect_ex", connect_ex)]


@contextlib.contextmanager
def intercept(responder: Responder) -> Iterator[InterceptLog]:
    """Answer all SDK traffic with `responder` and refuse real connections, for the block's duration."""
    log = InterceptLog()
    handler = _STATE.handle
    patches = [
        *adapters.httpx_patches("httpx", handler),
        *adapters.httpx_patches("httpx2", handler),
        *adapters.requests_patches(handler),
        *adapters.aiohttp_patches(handler),
        *adapters.botocore_patches(_STATE.active_handler),
        *adapters.tls_patches(),
        *_guard_patches(log),
    ]
    with _STATE.lock:
        if _STATE.responder is not None:
            raise RuntimeError("parity interception is already active")
        _STATE.responder, _STATE.log = responder, log
    try:
        with contextlib.ExitStack() as stack:
            adapters.start_all(patches, stack)
            yield log
    finally:
        with _STATE.lock:
            _STATE.responder, _STATE.log = None, None
