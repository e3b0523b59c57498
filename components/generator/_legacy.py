# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""How the manager reaches into a legacy client so that one layer retries and the
deadline holds: past the retry decorators of its methods, and through the SDK clients
it holds, rebound to the call timeout and, when the manager retries, no SDK retries.
The schedule of a legacy `backoff.on_exception` decorator is read here too, so that
the manager can run it in the decorator's place (`_schedule`).
"""

from __future__ import annotations

import inspect
import sys
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from types import FunctionType, MethodType, ModuleType
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


# The modules of `backoff.on_exception`'s sync and async wrappers, and what it closes
# them over: the decorator's arguments.
_BACKOFF_MODULES = frozenset({"backoff._sync", "backoff._async"})
_BACKOFF_SETTINGS = frozenset(
    {"target", "wait_gen", "exception", "max_tries", "max_time", "jitter", "giveup"}
    | {"on_success", "on_backoff", "on_giveup", "raise_on_giveup", "wait_gen_kwargs"}
)
# The arguments two decorators must share to be one schedule (handlers only log).
_SCHEDULE_KEYS = ("wait_gen", "exception", "max_tries", "max_time", "jitter", "giveup")


def decorator_schedule(legacy: Any) -> Mapping[str, Any] | None:
    """The arguments of the `backoff.on_exception` decorator that every retry-decorated
    method of the legacy class (or function of a functions module) carries, when the
    manager can run that schedule in its place: one such decorator, outermost, raising
    on give-up, with no success or coroutine handlers, and the same schedule on every
    method. None otherwise (tenacity, retrying, `backoff.on_predicate`, nested or
    differing decorators): the decorators then stay the retry layer. Read once per
    class."""
    try:
        return _SCHEDULES[legacy]
    except (KeyError, TypeError):  # not read yet, or not weakly referenceable
        pass
    schedule = _read_schedule(legacy)
    with suppress(TypeError):
        _SCHEDULES[legacy] = schedule
    return schedule


_SCHEDULES: weakref.WeakKeyDictionary[Any, Mapping[str, Any] | None] = (
    weakref.WeakKeyDictionary()
)


def _read_schedule(legacy: Any) -> Mapping[str, Any] | None:
    found: list[Mapping[str, Any]] = []
    for function in _functions(legacy):
        layers = _retry_layers(function)
        if not layers:
            continue
        settings = _backoff_settings(layers[0])
        if len(layers) > 1 or layers[0] is not function or settings is None:
            return None
        found.append(settings)
    if not found:
        return None
    first = found[0]
    if any(any(s[k] != first[k] for k in _SCHEDULE_KEYS) for s in found[1:]):
        return None
    # the method its handlers name: the first decorated one of each kind (sync, async)
    targets = {}
    for settings in reversed(found):
        targets[inspect.iscoroutinefunction(settings["target"])] = settings["target"]
    return {**first, "targets": targets}


def _functions(legacy: Any) -> Iterator[Any]:
    """The functions a legacy class defines or inherits (past staticmethod and
    classmethod), or those of a functions module (`legacy` returns the module)."""
    if isinstance(legacy, FunctionType):
        module = sys.modules.get(legacy.__module__)
        for value in vars(module).values() if module is not None else ():
            if getattr(value, "__module__", None) == legacy.__module__:
                yield value
        return
    if not isinstance(legacy, type):
        return
    names = {name for klass in legacy.__mro__[:-1] for name in vars(klass)}
    for name in sorted(names):
        value = inspect.getattr_static(legacy, name)
        yield getattr(value, "__func__", value)


def _retry_layers(function: Any) -> list[Any]:
    layers, seen = [], 0
    while hasattr(function, "__wrapped__") and seen < 32:
        if _is_retry_wrapper(function):
            layers.append(function)
        function, seen = function.__wrapped__, seen + 1
    return layers


def _backoff_settings(wrapper: Any) -> Mapping[str, Any] | None:
    code = getattr(wrapper, "__code__", None)
    cells = getattr(wrapper, "__closure__", None)
    module = wrapper.__globals__.get("__name__")
    if code is None or not cells or module not in _BACKOFF_MODULES:
        return None
    try:
        values = [cell.cell_contents for cell in cells]
        settings = dict(zip(code.co_freevars, values, strict=True))
    except ValueError:  # an empty cell
        return None
    if not settings.keys() >= _BACKOFF_SETTINGS or not settings["raise_on_giveup"]:
        return None
    if settings["on_success"]:
        return None
    giveup = _plain(settings["giveup"])
    kinds = ("on_backoff", "on_giveup")
    handlers = {kind: [_plain(f) for f in settings[kind]] for kind in kinds}
    if giveup is None or any(h is None for hs in handlers.values() for h in hs):
        return None
    return {**settings, **handlers, "giveup": giveup}


def _plain(function: Any) -> Any:
    """`function`, or the plain function the async decorator made a coroutine of; None
    for a coroutine function of the legacy code's own."""
    if not inspect.iscoroutinefunction(function):
        return function
    inner = getattr(function, "__wrapped__", None)
    made = getattr(function, "__globals__", {}).get("__name__") == "backoff._async"
    return inner if made and not inspect.iscoroutinefunction(inner) else None
