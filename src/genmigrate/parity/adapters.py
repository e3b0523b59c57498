"""Transport adapters: each turns one HTTP stack's outgoing request into a `Request`, asks the
active handler for a `Reply`, and hands back that stack's own response object or exception.

- httpx and httpx2 (sync and async): `HTTPTransport.handle_request` /
  `AsyncHTTPTransport.handle_async_request` are replaced. respx converts to and from `httpx`
  types only, so it cannot serve httpx2 (what openai 3.x and anthropic 2.x use); one adapter
  covers both modules the same way.
- requests: the `responses` library with a catch-all callback.
- aiohttp: `aioresponses` with a catch-all callback.
- botocore: a `before-send` handler, registered on every client created while intercepting,
  returning an `AWSResponse` (streamed bodies framed by the caller as AWS event streams).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any
from unittest import mock

from genmigrate.parity.canned import Reply, Request
from genmigrate.parity.sdkcache import botocore_cache_patches

Handler = Callable[[Request], Reply]
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_ANY_URL = re.compile(r".*")
TIMEOUT_MESSAGE = "parity: canned read timeout"
CONNECT_MESSAGE = "parity: canned connection refused"


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _as_bytes(body.read())
    return str(body).encode("utf-8")


def _headers(items: Any) -> tuple[tuple[str, str], ...]:
    pairs = items.items() if hasattr(items, "items") else (items or ())
    return tuple((str(k).lower(), v.decode("latin-1") if isinstance(v, bytes) else str(v)) for k, v in pairs)


# --- httpx / httpx2 ----------------------------------------------------------------------------


def _httpx_reply(mod: ModuleType, request: Any, reply: Reply, is_async: bool) -> Any:
    if reply.error == "timeout":
        raise mod.ReadTimeout(TIMEOUT_MESSAGE, request=request)
    if reply.error == "connect":
        raise mod.ConnectError(CONNECT_MESSAGE, request=request)
    headers = list(reply.headers.items())
    if reply.chunks is None:
        return mod.Response(reply.status, headers=headers, content=reply.body, request=request)
    chunks = reply.chunks

    async def agen() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    content: Any = agen() if is_async else iter(chunks)
    return mod.Response(reply.status, headers=headers, content=content, request=request)


def _httpx_request(request: Any) -> Request:
    return Request(request.method, str(request.url), _headers(request.headers.multi_items()), request.content)


def httpx_patches(module_name: str, handler: Handler) -> list[Any]:
    mod = _optional(module_name)
    if mod is None:
        return []

    def handle(transport: Any, request: Any) -> Any:
        request.read()
        return _httpx_reply(mod, request, handler(_httpx_request(request)), is_async=False)

    async def ahandle(transport: Any, request: Any) -> Any:
        await request.aread()
        return _httpx_reply(mod, request, handler(_httpx_request(request)), is_async=True)

    return [mock.patch.object(mod.HTTPTransport, "handle_request", handle),
            mock.patch.object(mod.AsyncHTTPTransport, "handle_async_request", ahandle)]


# --- requests ----------------------------------------------------------------------------------


def requests_patches(handler: Handler) -> list[Any]:
    responses = _optional("responses")
    if responses is None:
        return []
    import requests

    def callback(prepared: Any) -> Any:
        request = Request(prepared.method, prepared.url, _headers(prepared.headers), _as_bytes(prepared.body))
        reply = handler(request)
        if reply.error == "timeout":
            return requests.exceptions.ReadTimeout(TIMEOUT_MESSAGE, request=prepared)
        if reply.error == "connect":
            return requests.exceptions.ConnectionError(CONNECT_MESSAGE, request=prepared)
        return reply.status, dict(reply.headers), reply.content

    mocker = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in _METHODS:
        mocker.add_callback(method, _ANY_URL, callback=callback)
    return [mocker]


# --- aiohttp -----------------------------------------------------------------------------------


def _aiohttp_body(kwargs: dict[str, Any]) -> bytes:
    if kwargs.get("json") is not None:
        return json.dumps(kwargs["json"]).encode("utf-8")
    return _as_bytes(kwargs.get("data"))


class _SentWriter:
    """What aiohttp >= 3.12 reads off a finished request writer; aioresponses predates it."""

    output_size = 0


@functools.cache
def _response_class(aiohttp: ModuleType) -> type:
    base = aiohttp.ClientResponse
    if "stream_writer" not in inspect.signature(base.__init__).parameters:
        return base

    class CannedClientResponse(base):  # type: ignore[misc, valid-type]
        def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", _SentWriter())
            super().__init__(method, url, **kwargs)

    return CannedClientResponse


def aiohttp_patches(handler: Handler) -> list[Any]:
    core = _optional("aioresponses")
    if core is None:
        return []
    import aiohttp

    response_class = _response_class(aiohttp)

    def callback_for(method: str) -> Callable[..., Any]:
        def callback(url: Any, **kwargs: Any) -> Any:
            reply = handler(Request(method, str(url), _headers(kwargs.get("headers")), _aiohttp_body(kwargs)))
            if reply.error == "timeout":
                raise aiohttp.ServerTimeoutError(TIMEOUT_MESSAGE)
            if reply.error == "connect":
                raise aiohttp.ClientConnectionError(CONNECT_MESSAGE)
            headers = dict(reply.headers)
            content_type = headers.pop("content-type", "application/octet-stream")
            return core.CallbackResult(status=reply.status, headers=headers, body=reply.content,
                                       content_type=content_type, response_class=response_class)

        return callback

    @contextlib.contextmanager
    def active() -> Iterator[None]:
        mocker = _aioresponses(core, aiohttp.client.ClientSession)
        mocker.requests = {}
        try:
            with mocker:
                for method in _METHODS:
                    mocker.add(_ANY_URL, method=method, callback=callback_for(method), repeat=True)
                yield
        finally:
            mocker.patcher.new.mock.reset_mock()  # the calls it saw (and the sessions they hold) go now

    return [active()]


@functools.cache
def _aioresponses(core: ModuleType, session: type) -> Any:
    """One `aioresponses` a process, started and stopped per scenario. Its own `start` builds an
    autospec of `ClientSession._request` each time (~5 ms: inspect copies sys.modules for it);
    here that autospec is built once, exactly as `patch(..., autospec=True)` would build it."""
    mocker = core.aioresponses()
    spec = mock.create_autospec(vars(session)["_request"], spec_set=False, _name="_request",
                                side_effect=mocker._request_mock)
    mocker.patcher = mock.patch.object(session, "_request", spec)
    return mocker


# --- botocore ----------------------------------------------------------------------------------


class _RawBody:
    """The `raw` of a botocore response: what StreamingBody and EventStream read from."""

    def __init__(self, chunks: tuple[bytes, ...]) -> None:
        self._buffer = io.BytesIO(b"".join(chunks))
        self._chunks = chunks

    def read(self, amt: int | None = None) -> bytes:
        return self._buffer.read(amt) if amt is not None else self._buffer.read()

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield from self._chunks

    def close(self) -> None:
        self._buffer.close()

    def release_conn(self) -> None:
        """Nothing pooled to release."""


def botocore_patches(handler_ref: Callable[[], Handler | None]) -> list[Any]:
    """`handler_ref` gives the handler active at send time, None when no interception is running."""
    if _optional("botocore") is None:
        return []
    from botocore import exceptions
    from botocore.awsrequest import AWSResponse
    from botocore.session import Session

    def before_send(request: Any, **_: Any) -> Any:
        handler = handler_ref()
        if handler is None:
            return None
        reply = handler(Request(request.method, request.url, _headers(request.headers), _as_bytes(request.body)))
        if reply.error == "timeout":
            raise exceptions.ReadTimeoutError(endpoint_url=request.url)
        if reply.error == "connect":
            raise exceptions.EndpointConnectionError(endpoint_url=request.url)
        chunks = reply.chunks if reply.chunks is not None else (reply.body,)
        return AWSResponse(request.url, reply.status, dict(reply.headers), _RawBody(chunks))

    original = Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-send", before_send)
        return client

    return [mock.patch.object(Session, "create_client", create_client), *botocore_cache_patches(),
            # adaptive retry mode's client-side rate limiter waits on the real clock
            mock.patch("botocore.retries.bucket.TokenBucket.acquire", lambda self, *a, **k: True)]


def tls_patches() -> list[Any]:
    """No connection is ever made, so loading CA bundles (~70 ms per SDK client) is skipped."""
    import ssl

    return [mock.patch.object(ssl.SSLContext, "load_verify_locations", lambda self, *a, **k: None)]


def start_all(patches: list[Any], stack: contextlib.ExitStack) -> None:
    for patch in patches:
        stack.enter_context(patch)
