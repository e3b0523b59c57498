"""Readable behaviour differences between two traces of the same scenario."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from genmigrate.parity.trace import redact

MAX_LINES = 12
MAX_VALUE = 160


@dataclass(frozen=True)
class Difference:
    scenario: str  # "OpenAIClient.call_llm"
    expected: str  # the differing parts of the original's trace, one `path: value` a line
    got: str  # the same paths in the candidate's trace

    def __iter__(self) -> Any:  # unpacks as (scenario, expected, got)
        return iter((self.scenario, self.expected, self.got))

    def __str__(self) -> str:
        return f"{self.scenario}\n  expected: {_indent(self.expected)}\n  got:      {_indent(self.got)}"


def _indent(text: str) -> str:
    return text.replace("\n", "\n            ")


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return redact(text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "...")


class _Missing:
    pass


_MISSING = _Missing()


def _walk(path: str, a: Any, b: Any, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            _walk(f"{path}.{key}" if path else str(key), a.get(key, _MISSING), b.get(key, _MISSING), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append((path, a, b))


def _events(expected: list[Any], got: list[Any], out: list[tuple[str, Any, Any]]) -> None:
    """Align the event lists first, so one extra request does not make every later event differ."""
    keys_a = [json.dumps(e, sort_keys=True) for e in expected]
    keys_b = [json.dumps(e, sort_keys=True) for e in got]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = max(i2 - i1, j2 - j1)
        for k in range(pairs):
            a = expected[i1 + k] if i1 + k < i2 else _MISSING
            b = got[j1 + k] if j1 + k < j2 else _MISSING
            where = f"events[{i1 + k if a is not _MISSING else j1 + k}]"
            if isinstance(a, dict) and isinstance(b, dict):
                _walk(where, a, b, out)
            else:
                out.append((where, a, b))


def differences(scenario: str, expected: Any, got: Any, owner: str = "") -> list[Difference]:
    """[] when equal; otherwise one Difference listing every differing path (capped)."""
    name = f"{owner}.{scenario}" if owner else scenario
    if expected is None:
        return [Difference(name, "(no recorded baseline)", _show(got)[:MAX_VALUE])]
    if expected == got:
        return []
    found: list[tuple[str, Any, Any]] = []
    _events(expected.get("events", []), got.get("events", []), found)
    rest_a = {k: v for k, v in expected.items() if k != "events"}
    rest_b = {k: v for k, v in got.items() if k != "events"}
    _walk("", rest_a, rest_b, found)
    shown = found[:MAX_LINES]
    more = [f"... and {len(found) - MAX_LINES} more"] if len(found) > MAX_LINES else []
    return [Difference(name, "\n".join([f"{p}: {_show(a)}" for p, a, _ in shown] + more),
                       "\n".join([f"{p}: {_show(b)}" for p, _, b in shown] + more))]
