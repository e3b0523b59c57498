# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""How the manager reaches into a legacy client so that one layer retries and the
deadline holds: past the retry decorators of its methods, and through the SDK clients
it holds, rebound to the call timeout and, when the manager retries, no SDK retries.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import MethodType
from typing import Any

# Libraries whose retry decorators the manager steps past when it owns retrying.
RETRY_LIBRARIES = frozenset({"backoff", "tenacity", "retrying"})


def without_retry_decorators(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` past the retry decorators wrapped around it (outermost first, via the
    `__wrapped__` that functools.wraps leaves); other decorators are kept."""
    decorated: Any = getattr(method, "__func__", method)
    function = _UNWRAPPED.get(decorated)
    if function is None:  # read once per function: every call asks
        function = decorated
        while _is_retry_wrapper(function):
            function = function.__wrapped__
        _UNWRAPPED[decorated] = function
    owner = getattr(method, "__self__", None)
    return MethodType(function, owner) if owner is not None else function


_UNWRAPPED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _is_retry_wrapper(function: Any) -> bool:
    module = str(getattr(function, "__globals__", {}).get("__name__", ""))
    wrapped = hasattr(function, "__wrapped__")
    return wrapped and module.partition(".")[0] in RETRY_LIBRARIES


def _is_sdk_client(value: Any) -> bool:
    if isinstance(value, type):
        return False
    return callable(getattr(value, "with_options", None)) and all(
        hasattr(value, name) for name in ("timeout", "max_retries")
    )


def _within(own: Any, timeout: float) -> bool:
    """The SDK client's own timeout is a number no longer than `timeout`."""
    return isinstance(own, (int, float)) and own <= timeout


def bind_sdk_clients(client: Any, timeout: float | None, retries: bool) -> bool:
    """Rebind the SDK clients `client` holds in its attributes (those with
    `with_options`, `timeout` and `max_retries`, as the openai and anthropic clients
    have) to `timeout` per request (unless theirs is shorter) and, unless `retries`, no
    SDK retries; True when it found one. A client the legacy code creates later (often
    its async one) is not seen."""
    found = False
    for name, sdk in list(getattr(client, "__dict__", {}).items()):
        if not _is_sdk_client(sdk):
            continue
        options: dict[str, Any] = {} if retries else {"max_retries": 0}
        if timeout is not None and not _within(sdk.timeout, timeout):
            options["timeout"] = timeout
        if options:
            setattr(client, name, sdk.with_options(**options))
        found = True
    return found
