# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""How the manager reaches into a legacy client so that one layer retries and the
deadline holds: past the retry decorators of its methods, and through the SDK clients
it holds, rebound to the call timeout and, when the manager retries, no SDK retries.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import MethodType, ModuleType
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
    SDK retries; True when it found one. One the legacy code assigns later (often its
    async client, made on first use) is rebound as it is assigned."""
    found = False
    for name, sdk in list(getattr(client, "__dict__", {}).items()):
        if _is_sdk_client(sdk):
            setattr(client, name, _bound(sdk, timeout, retries))
            found = True
    if timeout is not None or not retries:
        _watch(client, timeout, retries)
    return found


def _bound(sdk: Any, timeout: float | None, retries: bool) -> Any:
    options: dict[str, Any] = {} if retries else {"max_retries": 0}
    if timeout is not None and not _within(sdk.timeout, timeout):
        options["timeout"] = timeout
    return sdk.with_options(**options) if options else sdk


# legacy instance -> (timeout, retries) its later SDK clients are bound to
_BINDINGS: weakref.WeakKeyDictionary[Any, tuple[float | None, bool]] = (
    weakref.WeakKeyDictionary()
)


def _watch(client: Any, timeout: float | None, retries: bool) -> None:
    """Bind the SDK clients assigned to `client` from now on: its class's
    `__setattr__` is wrapped, once, by one that binds them for the watched instances
    (every other instance assigns as before)."""
    cls = type(client)
    if isinstance(client, ModuleType) or not hasattr(client, "__dict__"):
        # A module's code assigns its globals straight into its dict, never through
        # `__setattr__` (nor can the module type take one); slots: attributes are fixed.
        return
    try:
        _BINDINGS[client] = (timeout, retries)
    except TypeError:
        return  # not weakly referenceable or not hashable
    if getattr(cls.__setattr__, "_binds_sdk_clients", False):
        return
    assign: Any = cls.__setattr__

    def __setattr__(self: Any, name: str, value: Any) -> None:
        binding = _BINDINGS.get(self) if _is_sdk_client(value) else None
        if binding is not None:
            value = _bound(value, *binding)
        assign(self, name, value)

    __setattr__._binds_sdk_clients = True  # type: ignore[attr-defined]
    cls.__setattr__ = __setattr__  # type: ignore[assignment]
