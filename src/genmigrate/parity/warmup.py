"""What a scenario's process learns and the worker keeps for the next forks: library modules
imported lazily (SDK resources, transports) and botocore's parsed service data.

Only libraries are kept, never the application's modules, and only state that is the same
whatever ran first: an import under the planted environment, a parsed JSON data file.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genmigrate.parity.environment import is_library_file, planted_environment, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.intercept import intercept

# botocore's loader methods whose results it already caches per loader and never mutates.
_LOADER_METHODS = ("load_service_model", "load_data", "load_data_with_path")
_LOADED: dict[str, Any] = {}  # cache key -> parsed data, shared by every botocore loader here
_CALLS: dict[str, tuple[list[str], str, list[Any], dict[str, Any]]] = {}  # key -> (search paths, call)


def is_application(module: Any) -> bool:
    """A module of the code under test (not the standard library, an installed package or genmigrate)."""
    locations = [getattr(module, "__file__", None), *list(getattr(module, "__path__", []) or [])[:1]]
    found = [p for p in locations if isinstance(p, str) and p]
    return bool(found) and not is_library_file(found[0])


def forget_application() -> None:
    for name, module in sys.modules.copy().items():  # copy(): SDK threads may import meanwhile
        if is_application(module) and name not in ("__main__", "__mp_main__"):
            del sys.modules[name]


def _shared(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(real)
    def load(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = repr((name, args, sorted(kwargs.items()), tuple(self.search_paths)))
        if key not in _LOADED:
            _LOADED[key] = real(self, *args, **kwargs)
            _CALLS[key] = (list(self.search_paths), name, list(args), kwargs)
        return _LOADED[key]

    return load


def share_botocore_data() -> None:
    """Once botocore is loaded: its loaders share one cache of parsed data files."""
    loaders = sys.modules.get("botocore.loaders")
    if loaders is None or getattr(loaders.Loader, "_genmigrate_shared", False):
        return
    for name in _LOADER_METHODS:
        setattr(loaders.Loader, name, _shared(name, getattr(loaders.Loader, name)))
    loaders.Loader._genmigrate_shared = True


@dataclass
class Mark:
    modules: set[str] = field(default_factory=lambda: set(sys.modules.copy()))
    loaded: set[str] = field(default_factory=lambda: set(_LOADED.copy()))

    def learned(self) -> dict[str, Any]:
        """What was imported or parsed since the mark (JSON-native)."""
        modules = [n for n, m in sys.modules.copy().items() if n not in self.modules and not is_application(m)]
        calls = [_CALLS[k] for k in _LOADED.copy() if k not in self.loaded]
        return {"modules": modules, "botocore": calls}


def merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {key: [*first.get(key, []), *second.get(key, [])] for key in ("modules", "botocore")}


def replay(learned: dict[str, Any]) -> None:
    """Import and parse here what a scenario's process learned."""
    if not learned.get("modules") and not learned.get("botocore"):
        return
    with planted_environment(), redacted_logs(), intercept(responder_for("ok")):
        for name in learned.get("modules", []):
            try:
                importlib.import_module(name)
            except Exception:  # an alias, or a module that only imports in context: leave it
                continue
        share_botocore_data()
        if learned.get("botocore"):
            from botocore.loaders import Loader

            for paths, method, args, kwargs in learned["botocore"]:
                loader = Loader(extra_search_paths=paths, include_default_search_paths=False)
                try:
                    getattr(loader, method)(*args, **kwargs)
                except Exception:  # data that only loads in context: the next fork parses it itself
                    continue
