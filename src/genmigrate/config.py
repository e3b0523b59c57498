"""`[tool.genmigrate]` in the target repo's pyproject.toml, merged with CLI flags."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from genmigrate.model import OPERATIONS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ShimMode = Literal["alias", "reexport"]


class ConfigError(Exception):
    """A bad `[tool.genmigrate]` table; the message names the file and line."""


@dataclass(frozen=True)
class Config:
    # Where the generated package goes, relative to the repo root (posix). None: `components/generator`
    # inside the package that holds the legacy client modules.
    output: str | None = None
    shim: ShimMode = "alias"
    # Glob patterns (posix, relative to the root) of files discovery ignores.
    exclude: tuple[str, ...] = ()
    # Provider name overrides: legacy module (dotted name or relative path) -> provider name.
    providers: dict[str, str] = field(default_factory=dict)
    # Protocol mappings stated by the user: dotted base or client class -> {operation: method}.
    protocols: dict[str, dict[str, str]] = field(default_factory=dict)
    # Modules (dotted name, posix path or path glob) discovery takes as client modules whatever it finds.
    include: tuple[str, ...] = ()
    # A client whose SDK is not installed here is an error instead of a skipped parity check.
    strict: bool = False

    def merged(self, **flags: Any) -> Config:
        """Return a copy with every flag that is not None applied (CLI flags beat the file)."""
        return replace(self, **{k: v for k, v in flags.items() if v is not None})

    def within(self, project: str) -> Config:
        """Paths of a project's config (relative to its folder) made relative to the scan root."""
        if not project or self.output is None:
            return self
        return replace(self, output=f"{project}/{self.output}")


_KEYS = {"output", "shim", "exclude", "providers", "protocols", "include", "strict", "parity"}  # parity: its map, read by `parity --base`


def load_config(root: Path) -> Config:
    path = root / "pyproject.toml"
    if not path.is_file():
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:1: not UTF-8 text: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _error_line(str(exc))
        raise ConfigError(f"{path}:{line}: invalid TOML: {str(exc).split(' (at line')[0]}") from None
    line = _table_line(text)
    tool = data.get("tool", {})
    table = tool.get("genmigrate", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:{line}: [tool.genmigrate] must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"{path}:{line}: unknown [tool.genmigrate] key(s): {', '.join(sorted(unknown))}")
    shim = table.get("shim", "alias")
    if shim not in ("alias", "reexport"):
        raise ConfigError(f"{path}:{line}: shim must be 'alias' or 'reexport', not {shim!r}")
    exclude = table.get("exclude", [])
    include = table.get("include", [])
    if not isinstance(include, list) or not all(isinstance(p, str) and p for p in include):
        raise ConfigError(f"{path}:{_key_line(text, 'include', line)}: include must be a list of module names or paths")
    providers = table.get("providers", {})
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        raise ConfigError(f"{path}:{line}: exclude must be a list of glob strings")
    if not isinstance(providers, dict) or not all(isinstance(v, str) for v in providers.values()):
        raise ConfigError(f"{path}:{line}: providers must map module names to provider names")
    output = table.get("output")
    if output is not None and not isinstance(output, str):
        raise ConfigError(f"{path}:{line}: output must be a path string")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{path}:{_key_line(text, 'strict', line)}: strict must be true or false")
    protocols = _protocols(table.get("protocols", {}), path, text, line)
    return Config(output=output, shim=shim, exclude=tuple(exclude), providers=dict(providers),
                  include=tuple(include), protocols=protocols, strict=strict)


def _protocols(table: Any, path: Path, text: str, line: int) -> dict[str, dict[str, str]]:
    """`"pkg.llms.base.LLMBase" = { generate = "generate_response" }` entries, checked one by one."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:{line}: protocols must map class names to {{operation = method}} tables")
    checked: dict[str, dict[str, str]] = {}
    for name, mapping in table.items():
        where = f"{path}:{_key_line(text, name, line)}"
        if not all(part.isidentifier() for part in name.split(".")) or "." not in name:
            raise ConfigError(f"{where}: protocols key {name!r} is not a dotted class name (module.Class)")
        if not isinstance(mapping, dict) or not mapping:
            raise ConfigError(f"{where}: protocols[{name!r}] must be a table like {{ generate = \"method\" }}")
        for op, method in mapping.items():
            if op not in OPERATIONS:
                raise ConfigError(f"{where}: protocols[{name!r}]: unknown operation {op!r} (expected one of {', '.join(OPERATIONS)})")
            if not isinstance(method, str) or not method.isidentifier():
                raise ConfigError(f"{where}: protocols[{name!r}].{op} must be a method name, not {method!r}")
        checked[name] = dict(mapping)
    return checked


def key_line(root: Path, key: str) -> int:
    """The line of `key = ...` in the `[tool.genmigrate]` table of root/pyproject.toml (1 if unknown)."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    return _key_line(text, key, _table_line(text))


def _key_line(text: str, key: str, default: int) -> int:
    """The line naming `key` (bare, quoted, or as a sub-table header) from the `[tool.genmigrate]` table
    header on (or `default`)."""
    forms = (f'"{key}"', f"'{key}'", f"{key} ", f"{key}=", f'[tool.genmigrate.protocols."{key}"]')
    lines = text.splitlines()
    for number in range(default, len(lines) + 1):
        if lines[number - 1].strip().startswith(forms):
            return number
    return default


def _error_line(message: str) -> int:
    """The line tomllib names in its message ("... (at line 3, column 1)") on Pythons before 3.14."""
    marker = "(at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0]
        if digits.isdigit():
            return int(digits)
    return 1


def _table_line(text: str) -> int:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip().startswith(("[tool.genmigrate", "[tool]")) or raw.strip().startswith("genmigrate"):
            return number
    return 1
