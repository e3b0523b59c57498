"""Rewrite dotted paths naming moved things inside string values of JSON, YAML and TOML files.

Not a LibCST codemod (these are config files) but the same contract: text in, text out, every
byte outside the rewritten values preserved (formatting, comments, key order, quoting, CRLF).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Literal

import yaml

from ._config_scan import Span, json_values, toml_values, yaml_values
from ._dotted import DottedRewriter
from ._source import CodemodError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ConfigKind = Literal["json", "yaml", "toml"]

_SCANNERS: dict[str, Callable[[str], Iterator[Span]]] = {
    "json": json_values,
    "yaml": yaml_values,
    "toml": toml_values,
}


def rewrite_config_refs(text: str, lookups: Mapping[str, str], kind: ConfigKind) -> str:
    """Return `text` with dotted-path string values rewritten through `lookups` (see `_dotted`)."""
    if kind not in _SCANNERS:
        raise CodemodError(0, f"unknown config kind {kind!r} (json, yaml or toml)")
    load(text, kind)
    rewriter = DottedRewriter(lookups)
    pieces: list[str] = []
    done = 0
    for span in _SCANNERS[kind](text):
        new = rewriter.rewrite(span.body)
        if new != span.body:
            pieces += [text[done : span.start], span.quote, new, span.quote]
            done = span.end
    if not pieces:
        return text
    return "".join([*pieces, text[done:]])


def load(text: str, kind: ConfigKind) -> object:
    """Parse config text, turning a syntax error into `CodemodError` with its line."""
    try:
        if kind == "json":
            return json.loads(text)
        if kind == "yaml":
            return list(yaml.safe_load_all(text))
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise CodemodError(exc.lineno, exc.msg) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise CodemodError(line, str(exc.problem or exc)) from None
    except yaml.YAMLError as exc:
        raise CodemodError(0, str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CodemodError(_toml_line(str(exc)), str(exc)) from None


def _toml_line(message: str) -> int:
    marker = "(at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0]
        return int(digits) if digits.isdigit() else 0
    return 0
