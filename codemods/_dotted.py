"""Dotted-path strings (`a.b.C`, `a.b:C`, `a.b`) and their rewriting through a lookup table.

`lookups` maps an old dotted prefix to the module where names under it are looked up after the
move. A key is a module (`api.openai_client`) or a module-level name under one: either
`api.openai_client:helper`, or `api.openai_client.helper` when the table also holds a key for its
module (`api.openai_client`). The longest key matching whole dotted segments wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DOTTED_RE = re.compile(rf"{_IDENT}(?:\.{_IDENT})*(?::{_IDENT}(?:\.{_IDENT})*)?")


@dataclass(frozen=True)
class _Key:
    path: tuple[str, ...]  # every segment of the key, module and name
    module_length: int  # how many leading segments name the module
    new_module: str


class DottedRewriter:
    """Rewrites whole dotted-path strings; anything else comes back unchanged."""

    def __init__(self, lookups: Mapping[str, str]) -> None:
        plain = {key for key in lookups if ":" not in key}
        self.keys: list[_Key] = []
        for key, new in lookups.items():
            module, _, name = key.partition(":")
            path = tuple(module.split(".")) + (tuple(name.split(".")) if name else ())
            if not name:
                owners = [other for other in plain if key.startswith(other + ".")]
                module = max(owners, key=len) if owners else key
            self.keys.append(_Key(path, len(module.split(".")), new))
        self.keys.sort(key=lambda item: len(item.path), reverse=True)
        # A rewritten string literal starts, right after its quote, with the module part of some key.
        heads = sorted({".".join(k.path[: k.module_length]) for k in self.keys}, key=len, reverse=True)
        self._quoted = re.compile("[\'\"](?:" + "|".join(map(re.escape, heads)) + ")") if heads else None

    def may_rewrite_in(self, source: str) -> bool:
        """False when no string literal in the Python `source` can be rewritten."""
        return self._quoted is not None and self._quoted.search(source) is not None

    def rewrite(self, text: str) -> str:
        """The rewritten path if `text` is exactly a dotted path under some key, else `text`."""
        if ("." not in text and ":" not in text) or not DOTTED_RE.fullmatch(text):
            return text
        module, colon, names = text.partition(":")
        segments = tuple(module.split(".")) + (tuple(names.split(".")) if colon else ())
        for key in self.keys:
            if segments[: len(key.path)] != key.path:
                continue
            if colon and key.module_length != len(module.split(".")):
                return text  # `pkg:mod.X` style splits we cannot map faithfully
            rest = segments[key.module_length :]
            if colon:
                return f"{key.new_module}:{'.'.join(rest)}"
            return ".".join((key.new_module, *rest))
        return text
