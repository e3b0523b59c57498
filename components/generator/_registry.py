# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Lazy provider registry, the per-(provider, config) instance pool and the factory.

Providers are dotted paths (relative ones resolve against this package) imported on
first use; third-party packages can add providers under the `genmigrate.generators`
entry-point group, read only when the manager's `entry_points=True` setting asks for it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from ._errors import NotFoundError
from ._legacy import decorator_schedule
from ._settings import mask
from .base import BaseGenerator

ENTRY_POINT_GROUP = "genmigrate.generators"


class ProviderRegistry:
    def __init__(
        self, targets: Mapping[str, str], package: str, entry_points: bool = False
    ) -> None:
        self._package = package
        self._targets: dict[str, str | type[BaseGenerator]] = dict(targets)
        self._use_entry_points = entry_points
        self._entry_points: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def register(self, name: str, target: str | type[BaseGenerator]) -> None:
        with self._lock:
            self._targets[name] = target

    def names(self) -> list[str]:
        with self._lock:
            return sorted({*self._targets, *self._installed()})

    def load(self, name: str) -> type[BaseGenerator]:
        with self._lock:
            target = self._targets.get(name)
            entry = self._installed().get(name) if target is None else None
        if entry is not None:
            loaded: type[BaseGenerator] = entry.load()
            return loaded
        if target is None:
            raise NotFoundError(
                f"unknown provider {name!r}; registered: {', '.join(self.names())}"
            )
        if isinstance(target, str):
            module_name, _, attribute = target.partition(":")
            module = importlib.import_module(module_name, package=self._package)
            found: type[BaseGenerator] = getattr(module, attribute)
            return found
        return target

    def _installed(self) -> dict[str, Any]:
        """Entry points of installed distributions, read once and only when first
        needed."""
        if self._entry_points is None:
            found: dict[str, Any] = {}
            if self._use_entry_points:
                from importlib.metadata import entry_points

                found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
            self._entry_points = found
        return self._entry_points


def _freeze(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    return value if isinstance(value, Hashable) else repr(value)


def constructor_accepts(cls: type | None, name: str) -> bool:
    """True when `cls(...)` takes a parameter called `name` by keyword (not via
    **kwargs)."""
    if cls is None:
        return False
    import inspect  # only needed when an instance is created

    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False
    parameter = parameters.get(name)
    return parameter is not None and parameter.kind in (
        parameter.POSITIONAL_OR_KEYWORD,
        parameter.KEYWORD_ONLY,
    )


class InstancePool:
    """Exactly one generator instance per (provider, explicit settings), created under a
    lock."""

    def __init__(self, create: Callable[[str, dict[str, Any]], BaseGenerator]) -> None:
        self._create = create
        self._lock = threading.Lock()
        self._instances: dict[Hashable, BaseGenerator] = {}

    def get(self, provider: str, explicit: dict[str, Any]) -> BaseGenerator:
        key = (provider, _freeze(explicit))
        instance = self._instances.get(key)
        if instance is not None:
            return instance
        with self._lock:
            if key not in self._instances:
                import logging  # only needed when an instance is created

                log = logging.getLogger(__package__ or __name__)
                log.debug("creating %s generator (%s)", provider, mask(explicit))
                self._instances[key] = self._create(provider, explicit)
            return self._instances[key]

    def close_all(self) -> None:
        with self._lock:
            instances, self._instances = list(self._instances.values()), {}
        for instance in instances:
            instance.close()


def build_generator(
    cls: type[BaseGenerator],
    explicit: Mapping[str, Any],
    resolved: Mapping[str, Any],
    *,
    policy_set: bool,
    timeout: float | None,
) -> BaseGenerator:
    """A `cls` on the resolved settings, with one retry layer and the deadline passed
    down where the legacy client takes it.

    The manager retries the calls unless no policy is set (`policy_set`) and the legacy
    methods carry a retry decorator whose schedule it cannot run itself
    (`_legacy.decorator_schedule`; one it can is kept in `legacy_schedule`). When it
    retries, the SDK's retries are off (`max_retries=0` where the legacy constructor
    takes it, else through the SDK clients `bound_requests` finds) and the legacy
    methods are called past their retry decorators. `timeout` goes to a legacy
    constructor that takes `timeout`, else to those SDK clients.
    """
    legacy = cls.legacy_class
    schedule = None
    if not policy_set and cls.legacy_retries:
        schedule = decorator_schedule(legacy)
    retried = policy_set or not cls.legacy_retries or schedule is not None
    kwargs = {
        k: v
        for k, v in resolved.items()
        if k in explicit or k == "default_model" or constructor_accepts(legacy, k)
    }
    if retried and constructor_accepts(legacy, "max_retries"):
        kwargs.setdefault("max_retries", 0)  # the manager retries, not the SDK
    timed = constructor_accepts(legacy, "timeout")
    if timed and timeout is not None:
        kwargs.setdefault("timeout", timeout)
    generator = cls(**kwargs)
    generator.legacy_schedule = schedule
    per_request = kwargs.get("timeout") if timed else timeout
    if not isinstance(per_request, (int, float)):
        per_request = None
    bound = generator.bound_requests(per_request, retries=not retried)
    if retried:
        generator.leave_retries_to_caller()
        # one attempt is bounded without a worker thread (see `_calls`)
        if per_request is not None and (timed or bound):
            generator.request_timeout = float(per_request)
    return generator
