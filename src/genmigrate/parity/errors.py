"""Canned provider-shaped failures and the named reply modes scenarios pick from."""

from __future__ import annotations

from genmigrate.parity.canned import Reply, Request, Responder, Sequenced, json_reply
from genmigrate.parity.providers import family, success

_OPENAI_TYPES = {400: "invalid_request_error", 401: "invalid_api_key", 404: "not_found_error",
                 429: "rate_limit_exceeded", 500: "server_error", 503: "service_unavailable"}
_ANTHROPIC_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
                    429: "rate_limit_error", 500: "api_error", 503: "overloaded_error"}
_BEDROCK_TYPES = {400: "ValidationException", 401: "UnrecognizedClientException", 403: "AccessDeniedException",
                  404: "ResourceNotFoundException", 429: "ThrottlingException", 500: "InternalServerException",
                  503: "ServiceUnavailableException"}
_DASHSCOPE_CODES = {400: "InvalidParameter", 401: "InvalidApiKey", 404: "ModelNotFound", 429: "Throttling",
                    500: "InternalError", 503: "ServiceUnavailable"}
RETRY_AFTER = "2"


def error_reply(request: Request, status: int) -> Reply:
    """The failure body and headers this request's provider sends with `status`."""
    message = f"parity canned error {status}"
    headers = {"retry-after": RETRY_AFTER} if status == 429 else {}
    kind = family(request)
    if kind == "anthropic":
        payload: object = {"type": "error", "error": {"type": _ANTHROPIC_TYPES.get(status, "api_error"),
                                                      "message": message}}
    elif kind == "bedrock":
        headers["x-amzn-errortype"] = _BEDROCK_TYPES.get(status, "InternalServerException")
        payload = {"message": message}
    elif kind == "dashscope":
        payload = {"code": _DASHSCOPE_CODES.get(status, "InternalError"), "message": message,
                   "request_id": "req-parity"}
    elif kind == "ollama":
        payload = {"error": message}
    else:
        payload = {"error": {"message": message, "type": _OPENAI_TYPES.get(status, "api_error"),
                             "param": None, "code": _OPENAI_TYPES.get(status)}}
    return json_reply(payload, status, headers)


def _status(status: int) -> Responder:
    return lambda request: error_reply(request, status)


def _malformed(request: Request) -> Reply:
    return Reply(status=200, headers={"content-type": "application/json"}, body=b'{"choices": [{"mess')


def _transport(kind: str) -> Responder:
    return lambda request: Reply(error="timeout" if kind == "timeout" else "connect")


MODES: dict[str, str] = {
    "ok": "every request succeeds",
    "rate_limited_then_ok": "429 with retry-after twice, then success",
    "unavailable_then_ok": "503 once, then success",
    "bad_request": "400 on every request",
    "unauthorized": "401 on every request",
    "not_found": "404 on every request",
    "rate_limited": "429 with retry-after on every request",
    "server_error": "500 on every request",
    "unavailable": "503 on every request",
    "timeout": "a read timeout on every request",
    "connection_error": "a refused connection on every request",
    "malformed": "200 with a truncated JSON body",
}


def responder_for(mode: str) -> Responder:
    """A fresh responder for one scenario run (sequenced modes count requests from zero)."""
    statuses = {"bad_request": 400, "unauthorized": 401, "not_found": 404, "rate_limited": 429,
                "server_error": 500, "unavailable": 503}
    if mode == "ok":
        return success
    if mode in statuses:
        return _status(statuses[mode])
    if mode == "rate_limited_then_ok":
        return Sequenced(_status(429), _status(429), success)
    if mode == "unavailable_then_ok":
        return Sequenced(_status(503), success)
    if mode in ("timeout", "connection_error"):
        return _transport(mode)
    if mode == "malformed":
        return _malformed
    raise ValueError(f"unknown reply mode {mode!r}; known: {', '.join(MODES)}")
