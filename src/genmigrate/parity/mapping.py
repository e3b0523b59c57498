"""The renames of a migration, for `parity --base`: `--map OLD=NEW`, a `--map-file FILE`, or the
`[tool.genmigrate.parity.map]` table of PATH's pyproject.toml.

Each entry is `legacy = counterpart`, either side one of `Name` (a class or function, found by
name), `module:Name`, `module:Class.method` (counterpart only: a function folded into a class) or
`module` (a module moved: its classes and functions keep their names). A standalone file holds a
`[map]` table (or the pyproject form). An entry that names nothing, at the base revision or in
the work tree, is an error on its own line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from genmigrate.parity.pairing import Definitions

_NAME = re.compile(r"^[A-Za-z_][\w.]*(:[A-Za-z_][\w]*(\.[A-Za-z_]\w*)?)?$")


class MappingError(Exception):
    """A bad mapping entry; str() is `FILE:LINE: message`."""


@dataclass(frozen=True)
class Entry:
    legacy: str
    target: str
    where: str  # "FILE:LINE" (or "--map OLD=NEW:1") for its error


def from_options(pairs: tuple[str, ...]) -> list[Entry]:
    out = []
    for text in pairs:
        old, sep, new = text.partition("=")
        if not sep or not _NAME.match(old) or not _NAME.match(new):
            raise MappingError(
                f"--map {text}:1: expected OLD=NEW, e.g. OpenAIClient=OpenAIProvider or "
                "api.openai_client=llm.providers.openai"
            )
        out.append(Entry(old, new, f"--map {text}:1"))
    return out


def _line(text: str, key: str) -> int:
    forms = (f'"{key}"', f"'{key}'", f"{key} ", f"{key}=")
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip().startswith(forms):
            return number
    return 1


def from_file(path: Path, required: bool = True) -> list[Entry]:
    """The entries of a `[map]` or `[tool.genmigrate.parity.map]` table ([] for a pyproject.toml
    without one when not `required`)."""
    try:
        text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except OSError as exc:
        raise MappingError(f"{path}:1: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}:1: invalid TOML: {str(exc).split(' (at line')[0]}") from None
    table = data.get("tool", {}).get("genmigrate", {}).get("parity", {}).get("map") if "tool" in data else None
    table = table if table is not None else data.get("map")
    if table is None:
        if required:
            raise MappingError(f"{path}:1: no [map] or [tool.genmigrate.parity.map] table")
        return []
    if not isinstance(table, dict):
        raise MappingError(f"{path}:1: the map must be a table of legacy = counterpart")
    out = []
    for key, value in table.items():
        where = f"{path}:{_line(text, key)}"
        if not isinstance(value, str) or not _NAME.match(key) or not _NAME.match(value):
            raise MappingError(
                f'{where}: expected "legacy" = "counterpart" (Name, module:Name or module), ' f"not {key} = {value!r}"
            )
        out.append(Entry(key, value, where))
    return out


def check(entries: list[Entry], old: Definitions, now: Definitions) -> dict[str, str]:
    """legacy -> target for every entry, once each side is known to name something."""
    for entry in entries:
        if not _names(old, entry.legacy):
            raise MappingError(f"{entry.where}: {entry.legacy} names nothing at the base revision")
        if not _names(now, entry.target):
            raise MappingError(f"{entry.where}: {entry.target} names nothing in the work tree")
    return {entry.legacy: entry.target for entry in entries}


def _names(tree: Definitions, text: str) -> bool:
    module, sep, qualname = text.partition(":")
    if sep:
        return tree.defines(module, qualname)
    return text in tree.classes or text in tree.functions or text in tree.modules
