"""References to client modules and classes in configuration files (JSON, YAML, TOML, INI), by line."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath

from genmigrate.discover.pyrefs import CLASS_KEYS, Target
from genmigrate.model import Dependent

CONFIG_FORMS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".ini": "ini", ".cfg": "ini"}
_KEYS = "|".join(sorted(CLASS_KEYS, key=len, reverse=True))


def config_form(path: str) -> str | None:
    return CONFIG_FORMS.get(PurePosixPath(path).suffix.lower())


def config_refs(path: str, text: str, targets: Sequence[Target]) -> Iterator[tuple[str, Dependent]]:
    """(client module, dependent) for every dotted path or class-valued key naming a client."""
    form = config_form(path)
    if form is None or not targets:
        return
    modules = sorted({t.module for t in targets}, key=len, reverse=True)
    dotted = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, modules)) + r")(?:[.:](\w+))?(?![\w])")
    owners = {c: t.module for t in targets for c in t.classes}
    keyed = re.compile(rf"""["']?\b(?:{_KEYS})\b["']?\s*[:=]\s*["']?(\w+)["']?""") if owners else None
    for number, raw in enumerate(text.splitlines(), start=1):
        for match in dotted.finditer(raw):
            target = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
            yield match.group(1), _dependent(path, number, target, form, raw)
        if keyed is None:
            continue
        for match in keyed.finditer(raw):
            module = owners.get(match.group(1))
            if module is not None:
                yield module, _dependent(path, number, f"{module}.{match.group(1)}", form, raw)


def _dependent(path: str, line: int, target: str, form: str, raw: str) -> Dependent:
    return Dependent(kind="config-ref", path=path, line=line, target=target, form=form, text=raw.strip())
