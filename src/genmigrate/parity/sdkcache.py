"""Process-wide caches of SDK metadata that every parity scenario would otherwise rebuild.

Each scenario builds its SDK clients afresh, and a boto3 client reads (and parses) botocore's
JSON models on every new session: ~75 ms a client. What those reads return depends only on the
loader's search paths and extras, never on the scenario, so one cache serves every session of
the process, exactly as botocore already shares a loader's reads among the clients of one session.
(What a forked scenario parsed reaches the next forks through genmigrate.parity.warmup.)
"""

from __future__ import annotations

import types
from collections.abc import Callable, Hashable
from typing import Any
from unittest import mock

_LOADS: dict[Hashable, Any] = {}  # (search paths, extras types, file loader class, botocore's key) -> data
_ALIASES: dict[str, str] = {}  # event name -> its name under botocore's default aliases
_ACCEPTS_KWARGS: dict[types.FunctionType, Any] = {}  # function -> the name of its **kwargs, or None


class _SharedLoaderCache:
    """A botocore Loader's `_cache`, backed by `_LOADS` under the loader's current configuration
    (boto3 appends its own data folder to a session's search paths after the loader is made)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def _key(self, key: Hashable) -> Hashable:
        loader = self._loader
        return tuple(loader.search_paths), tuple(loader.extras_types), type(loader.file_loader), key

    def __contains__(self, key: Hashable) -> bool:
        return self._key(key) in _LOADS

    def __getitem__(self, key: Hashable) -> Any:
        return _LOADS[self._key(key)]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        _LOADS[self._key(key)] = value


def _accepts_kwargs(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """botocore's check that an event handler takes **kwargs (an `inspect.getfullargspec` per
    handler registered, thousands a client), answered once per plain function."""

    def accepts_kwargs(func: Any) -> Any:
        code = getattr(func, "__func__", func)
        if type(code) is not types.FunctionType or hasattr(code, "__signature__"):
            return original(func)
        if code not in _ACCEPTS_KWARGS:
            _ACCEPTS_KWARGS[code] = original(func)
        return _ACCEPTS_KWARGS[code]

    return accepts_kwargs


def _aliased(original: Callable[[Any, str], str], defaults: dict[str, str]) -> Callable[[Any, str], str]:
    """botocore's event-name aliasing (a scan of every alias per name, per session) answered once
    per name for the emitters that use the default aliases."""

    def alias_event_name(self: Any, event_name: str) -> str:
        if self._event_aliases is not defaults:
            return original(self, event_name)
        if event_name not in _ALIASES:
            _ALIASES[event_name] = original(self, event_name)
        return _ALIASES[event_name]

    return alias_event_name


def botocore_cache_patches() -> list[Any]:
    """Patches that make botocore's model loads, handler checks and event aliases process-wide caches."""
    from botocore import hooks, loaders, session

    original_create = loaders.create_loader

    def create_loader(search_path_string: str | None = None) -> Any:
        loader = original_create(search_path_string)
        loader._cache = _SharedLoaderCache(loader)
        return loader

    return [
        mock.patch.object(session, "create_loader", create_loader),
        mock.patch.object(hooks, "accepts_kwargs", _accepts_kwargs(hooks.accepts_kwargs)),
        mock.patch.object(
            hooks.EventAliaser, "_alias_event_name", _aliased(hooks.EventAliaser._alias_event_name, hooks.EVENT_ALIASES)
        ),
    ]
