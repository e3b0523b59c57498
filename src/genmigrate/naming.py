"""Registry names of the client modules: what each provider module and adapter of the generated
layer is called, a pure function of the set of client modules."""

from __future__ import annotations

import keyword
import posixpath
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from genmigrate.model import ClientModule

_SUFFIXES = ("_client", "_patch", "_wrapper", "_llm", "_api", "_provider")
_GENERIC = frozenset({"", "client", "clients", "llm", "llms", "api", "model", "models", "provider", "main", "base"})


def registry_names(
    clients: Sequence[ClientModule], taken: AbstractSet[str] = frozenset(), suffix: str = ""
) -> dict[str, str]:
    """Client path -> registry name (+ `suffix`), a pure function of the set of clients, never of their order.

    A provider with one module is named after the provider. Modules sharing a provider are named
    after themselves (`openai_compat_client.py` -> `openai_compat`; the module whose stem is the
    provider keeps the provider); names still shared, or `taken` by an earlier run, take their
    parent folders (`llms/openai.py` -> `llms_openai`) until they are unique. Call it once per
    family (LLMs, embedders: `suffix="_embedder"`).
    """
    by_provider: dict[str, list[ClientModule]] = {}
    for client in clients:
        by_provider.setdefault(client.provider, []).append(client)
    wanted: dict[str, list[str]] = {}
    for provider, group in by_provider.items():
        for client in group:
            own = _own_names(client)
            wanted[client.path] = [n + suffix for n in ([provider, *own] if len(group) == 1 else own)]
    depth = dict.fromkeys(wanted, 0)
    while True:
        chosen = {path: options[depth[path]] for path, options in wanted.items()}
        counts: dict[str, int] = {}
        for name in chosen.values():
            counts[name] = counts.get(name, 0) + 1
        clashing = [p for p, n in chosen.items() if (counts[n] > 1 or n in taken) and depth[p] < len(wanted[p]) - 1]
        if not clashing:
            return chosen
        for path in clashing:
            depth[path] += 1


def _own_names(client: ClientModule) -> list[str]:
    """Names for a module from its own path, shortest first; the last is its whole path."""
    stem = posixpath.splitext(posixpath.basename(client.path))[0]
    for ending in _SUFFIXES:
        stem = stem.removesuffix(ending)
    if stem in _GENERIC or stem == "__init__":
        stem = _snake(client.classes[0].name) if client.classes else ""
    folders = [f for f in posixpath.dirname(client.path).split("/") if f]
    names = [stem] if stem and stem not in _GENERIC else []
    names += ["_".join([*folders[-count:], stem]) for count in range(1, len(folders) + 1)]
    names.append(client.path)
    return list(dict.fromkeys(_identifier(n) for n in names))


def _snake(name: str) -> str:
    for ending in ("Client", "Wrapper", "LLM", "Generator"):
        name = name.removesuffix(ending)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _identifier(text: str) -> str:
    name = re.sub(r"\W+", "_", text.removesuffix(".py")).strip("_").lower()
    return name if name.isidentifier() and not keyword.iskeyword(name) else f"m_{name}"
