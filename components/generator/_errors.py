# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""One error tree for every provider, and the table-driven classifier that maps SDK
errors onto it.

The classifier never imports an SDK: it reads what exceptions carry (`status_code`,
`response.status_code`, botocore's `response["Error"]["Code"]`, `body`, headers, the
message).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar


class GeneratorError(Exception):
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        original: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.status_code = status_code
        self.code = code
        self.retry_after = retry_after
        self.original = original

    @property
    def is_retryable(self) -> bool:
        return self.retryable

    def __str__(self) -> str:
        where = f"{self.provider}: " if self.provider else ""
        status = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{where}{self.args[0]}{status}"


class ProviderError(GeneratorError):
    """An error the classifier could not place more precisely."""


class AuthenticationError(GeneratorError):
    pass


class PermissionDeniedError(GeneratorError):
    pass


class NotFoundError(GeneratorError):
    pass


class InvalidRequestError(GeneratorError):
    pass


class ContextWindowExceededError(InvalidRequestError):
    pass


class ContentFilterError(InvalidRequestError):
    pass


class RateLimitError(GeneratorError):
    retryable = True


class QuotaExhaustedError(RateLimitError):
    retryable = False  # waiting does not refill a billing quota


class TimeoutError(GeneratorError):  # noqa: A001 - unified name, not the builtin
    retryable = True


class ConnectionError(GeneratorError):  # noqa: A001 - unified name, not the builtin
    retryable = True


class DeadlineExceededError(TimeoutError):
    """The call's deadline (`timeout`) passed; ends retries and fallbacks alike."""

    retryable = False


class UnavailableError(GeneratorError):
    retryable = True


class OverloadedError(UnavailableError):
    pass


class CircuitOpenError(UnavailableError):
    """Raised without calling the provider while its circuit breaker is open."""

    retryable = False


class UnsupportedOperation(GeneratorError):
    def __init__(self, provider: str, capability: str, detail: str = "") -> None:
        extra = f": {detail}" if detail else ""
        super().__init__(
            f"{capability} is not supported by this client{extra}", provider=provider
        )
        self.capability = capability


_STATUS: dict[int, type[GeneratorError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: TimeoutError,
    409: UnavailableError,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
    503: UnavailableError,
    504: TimeoutError,
    529: OverloadedError,
}

# Provider error codes; "*" holds the codes shared by OpenAI-compatible APIs and
# Anthropic.
_CODES: dict[str, dict[str, type[GeneratorError]]] = {
    "*": {
        "context_length_exceeded": ContextWindowExceededError,
        "string_above_max_length": ContextWindowExceededError,
        "insufficient_quota": QuotaExhaustedError,
        "rate_limit_exceeded": RateLimitError,
        "content_filter": ContentFilterError,
        "content_policy_violation": ContentFilterError,
        "invalid_api_key": AuthenticationError,
        "model_not_found": NotFoundError,
        "authentication_error": AuthenticationError,
        "permission_error": PermissionDeniedError,
        "not_found_error": NotFoundError,
        "invalid_request_error": InvalidRequestError,
        "request_too_large": InvalidRequestError,
        "rate_limit_error": RateLimitError,
        "overloaded_error": OverloadedError,
        "api_error": UnavailableError,
        "server_error": UnavailableError,
    },
    "bedrock": {
        "ThrottlingException": RateLimitError,
        "TooManyRequestsException": RateLimitError,
        "ServiceQuotaExceededException": QuotaExhaustedError,
        "ModelTimeoutException": TimeoutError,
        "ValidationException": InvalidRequestError,
        "AccessDeniedException": PermissionDeniedError,
        "UnrecognizedClientException": AuthenticationError,
        "ExpiredTokenException": AuthenticationError,
        "ResourceNotFoundException": NotFoundError,
        "ModelNotReadyException": UnavailableError,
        "ServiceUnavailableException": UnavailableError,
        "InternalServerException": UnavailableError,
        "ModelStreamErrorException": UnavailableError,
        "ModelErrorException": ProviderError,
    },
    "dashscope": {
        "Throttling": RateLimitError,
        "Throttling.RateQuota": RateLimitError,
        "Throttling.AllocationQuota": QuotaExhaustedError,
        "Arrearage": QuotaExhaustedError,
        "InvalidApiKey": AuthenticationError,
        "AccessDenied": PermissionDeniedError,
        "ModelNotFound": NotFoundError,
        "DataInspectionFailed": ContentFilterError,
        "InvalidParameter": InvalidRequestError,
        "RequestTimeOut": TimeoutError,
        "InternalError": UnavailableError,
        "ServiceUnavailable": UnavailableError,
    },
}

# Message patterns, searched case-insensitively (`re` caches them once compiled on first
# use).
_MESSAGES: tuple[tuple[str, type[GeneratorError]], ...] = (
    (
        r"context[_ ](length|window)|maximum context"
        r"|prompt is too long|input is too long"
        r"|too many (input )?tokens|reduce the length",
        ContextWindowExceededError,
    ),
    (
        r"content[_ ](filter|policy|management)|safety system|inappropriate",
        ContentFilterError,
    ),
    (r"insufficient[_ ]quota|exceeded your current quota|billing", QuotaExhaustedError),
    (r"rate[_ ]?limit|too many requests|throttl", RateLimitError),
    (r"overloaded", OverloadedError),
    (r"timed? ?out", TimeoutError),
)

# Exception class names (anywhere in the MRO) of transport failures, most specific
# first.
_TYPE_NAMES: tuple[tuple[str, type[GeneratorError]], ...] = (
    ("APITimeoutError", TimeoutError),
    ("ReadTimeout", TimeoutError),
    ("ConnectTimeout", TimeoutError),
    ("TimeoutException", TimeoutError),
    ("ReadTimeoutError", TimeoutError),
    ("ConnectTimeoutError", TimeoutError),
    ("ServerTimeoutError", TimeoutError),
    ("TimeoutError", TimeoutError),
    ("APIConnectionError", ConnectionError),
    ("RemoteProtocolError", ConnectionError),
    ("ConnectError", ConnectionError),
    ("EndpointConnectionError", ConnectionError),
    ("ClientConnectorError", ConnectionError),
    ("ServerDisconnectedError", ConnectionError),
    ("ClientPayloadError", ConnectionError),
    ("ChunkedEncodingError", ConnectionError),
    ("IncompleteRead", ConnectionError),
    ("ConnectionError", ConnectionError),
)


def classify(exc: BaseException, provider: str) -> GeneratorError:
    """Map any exception raised by a legacy client or its SDK onto the unified error
    tree."""
    if isinstance(exc, GeneratorError):
        return exc
    status = _status_of(exc)
    code = _code_of(exc)
    message = _message_of(exc)
    cls = _pick_class(provider, status, code, message, type(exc))
    error = cls(message, provider=provider, status_code=status, code=code, original=exc)
    error.retry_after = _retry_after_of(exc)
    error.__cause__ = exc
    return error


def error_from_message(message: str, provider: str) -> GeneratorError:
    """Classify an error a legacy client reported as text instead of raising."""
    cls = _pick_class(provider, None, None, message, type(None))
    return cls(message, provider=provider)


def _pick_class(
    provider: str, status: int | None, code: str | None, message: str, kind: type
) -> type[GeneratorError]:
    base = _by_code(provider, code) or _by_status(status)
    refined = next(
        (cls for rx, cls in _MESSAGES if re.search(rx, message, re.IGNORECASE)), None
    )
    if refined is not None and (base is None or issubclass(refined, base)):
        return refined
    return base or _by_type(kind) or ProviderError


# Lookups ignore case: Bedrock streams name exceptions "throttlingException", not
# "Throttling...".
_CODES_LOWER = {p: {c.lower(): cls for c, cls in t.items()} for p, t in _CODES.items()}


def _by_code(provider: str, code: str | None) -> type[GeneratorError] | None:
    if not code:
        return None
    key = code.lower()
    return _CODES_LOWER.get(provider, {}).get(key) or _CODES_LOWER["*"].get(key)


def _by_status(status: int | None) -> type[GeneratorError] | None:
    if status is None:
        return None
    if status in _STATUS:
        return _STATUS[status]
    return (
        UnavailableError
        if status >= 500
        else (InvalidRequestError if status >= 400 else None)
    )


def _by_type(kind: type) -> type[GeneratorError] | None:
    names = {k.__name__ for k in kind.__mro__}
    return next((cls for name, cls in _TYPE_NAMES if name in names), None)


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    candidates = (
        getattr(exc, "status_code", None),
        getattr(exc, "status", None),
        _get(response, "status_code"),
        _get(_get(response, "ResponseMetadata"), "HTTPStatusCode"),
        getattr(exc, "http_status", None),
    )
    return next(
        (int(c) for c in candidates if isinstance(c, int) and not isinstance(c, bool)),
        None,
    )


def _code_of(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    body = getattr(exc, "body", None)
    error = _get(body, "error")
    candidates = (
        _get(_get(response, "Error"), "Code"),
        getattr(exc, "code", None),
        _get(error, "code") if isinstance(error, Mapping) else None,
        _get(error, "type") if isinstance(error, Mapping) else None,
        _get(body, "code"),
        _get(body, "type") if _get(body, "type") != "error" else None,
    )
    return next((c for c in candidates if isinstance(c, str) and c), None)


def _message_of(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _retry_after_of(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = _get(response, "headers") or _get(
        _get(response, "ResponseMetadata"), "HTTPHeaders"
    )
    if headers is None:
        return None
    millis = _header(headers, "retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    return _parse_retry_after(_header(headers, "retry-after"))


def _header(headers: Any, name: str) -> str | None:
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    if value is None and isinstance(headers, Mapping):
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return None if value is None else str(value)


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from datetime import (
        datetime,
        timezone,
    )  # HTTP-date values are rare: import on demand
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class mapped_errors:  # lower case: used like a function, `with mapped_errors(p):`
    """Re-raise anything escaping the block as a unified error (the original is kept as
    cause). A class rather than `@contextmanager`: it wraps every legacy call."""

    def __init__(self, provider: str) -> None:
        self.provider = provider

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(exc, Exception) and not isinstance(exc, GeneratorError):
            raise classify(exc, self.provider) from exc
