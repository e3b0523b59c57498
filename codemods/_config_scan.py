"""Find the string *values* in JSON, YAML and TOML text, with their exact spans.

Each scanner yields `Span(start, end, body, quote)`: `text[start:end] == quote + body + quote`,
and `body` is the value exactly as written (spans with escapes are not yielded).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

import yaml


class Span(NamedTuple):
    start: int
    end: int
    body: str
    quote: str


_JSON_STRING = re.compile(r'"((?:[^"\\\r\n]|\\.)*)"')
_JSON_KEY_FOLLOWS = re.compile(r"\s*:")


def json_values(text: str) -> Iterator[Span]:
    for match in _JSON_STRING.finditer(text):
        if "\\" in match.group(1) or _JSON_KEY_FOLLOWS.match(text, match.end()):
            continue
        yield Span(match.start(), match.end(), match.group(1), '"')


def yaml_values(text: str) -> Iterator[Span]:
    previous: yaml.Token | None = None
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken) and not isinstance(previous, yaml.KeyToken):
            quote = token.style or ""
            start, end = token.start_mark.index, token.end_mark.index
            if quote in ("", "'", '"') and text[start:end] == f"{quote}{token.value}{quote}":
                if "\\" not in token.value or quote != '"':
                    yield Span(start, end, token.value, quote)
        previous = token


_TOML_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
    |(?P<multiline>\"\"\"(?:\\[\s\S]|[^\\])*?\"{3,5}|'''[\s\S]*?'{3,5})
    |(?P<basic>"(?:[^"\\\r\n]|\\.)*")
    |(?P<literal>'[^'\r\n]*')
    |(?P<newline>\r?\n)
    |(?P<punct>[\[\]{}=,])
    |(?P<other>[^\s\[\]{}=,\#"']+|[ \t]+)
    """,
    re.VERBOSE,
)


class _TomlState:
    """Key/value position tracking: a stack of (container, mode) frames."""

    def __init__(self) -> None:
        self.frames: list[list[str]] = [["root", "key"]]

    def step(self, kind: str, token: str) -> None:
        frame = self.frames[-1]
        if kind == "newline" and frame[0] == "root":
            frame[1] = "key"
        elif kind != "punct":
            return
        elif token == "[":
            if frame == ["root", "key"]:
                frame[1] = "header"
            elif frame[1] != "header":
                self.frames.append(["array", "value"])
        elif token == "{":
            self.frames.append(["table", "key"])
        elif token in "]}" and frame[0] in ("array", "table") and len(self.frames) > 1:
            self.frames.pop()
        elif token == "=":
            frame[1] = "value"
        elif token == "," and frame[0] == "table":
            frame[1] = "key"

    def in_value(self) -> bool:
        return self.frames[-1][1] == "value"


def toml_values(text: str) -> Iterator[Span]:
    state = _TomlState()
    for match in _TOML_TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        token = match.group()
        if kind in ("basic", "literal") and state.in_value():
            body = token[1:-1]
            if kind == "literal" or "\\" not in body:
                yield Span(match.start(), match.end(), body, token[0])
        state.step(kind, token)
