"""Readable behaviour differences between two traces of the same scenario.

Nothing is capped: every differing path of a trace is listed, most telling first (requests
sent, values returned, exceptions, streamed chunks, retry sleeps, pickling, logging, env reads,
then object state), and `group` folds the same cause across scenarios into one entry.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from genmigrate.parity.trace import redact

MAX_VALUE = 160
# Kinds of difference, most telling first: a reviewer reads them in this order.
KINDS = ("request", "return", "exception", "timeout", "stream", "sleep", "pickle", "logging", "env", "state",
         "other")


@dataclass(frozen=True)
class Line:
    """One differing path: what the original's trace holds there and what the candidate's does."""

    kind: str
    path: str  # "events[3].request.body.model"
    where: str  # the same path, named by step instead of position: "call.request.body.model"
    expected: str
    got: str


@dataclass(frozen=True)
class Difference:
    scenario: str  # "OpenAIClient.call_llm"
    expected: str  # the differing parts of the original's trace, one `path: value` a line
    got: str  # the same paths in the candidate's trace
    lines: tuple[Line, ...] = field(default=(), compare=False)

    def __iter__(self) -> Any:  # unpacks as (scenario, expected, got)
        return iter((self.scenario, self.expected, self.got))

    def __str__(self) -> str:
        return f"{self.scenario}\n  expected: {_indent(self.expected)}\n  got:      {_indent(self.got)}"

    @property
    def rank(self) -> int:
        return min((KINDS.index(line.kind) for line in self.lines), default=len(KINDS))

    def to_json(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "lines": [line.__dict__ for line in self.lines]}


def _indent(text: str) -> str:
    return text.replace("\n", "\n            ")


class _Missing:
    pass


_MISSING = _Missing()


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return redact(text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "...")


def _walk(path: str, a: Any, b: Any, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            _walk(f"{path}.{key}" if path else str(key), a.get(key, _MISSING), b.get(key, _MISSING), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append((path, a, b))


def _label(event: Any) -> str:
    if not isinstance(event, dict):
        return "event"
    if "step" in event:
        return str(event["step"])
    return next(iter(event), "event")


def _by_label(a: range, b: range, expected: list[Any], got: list[Any]) -> list[tuple[int | None, int | None]]:
    """The events of two differing runs paired step with step (a call that raised with the call
    that returned, the parse after it with the parse), position by position where labels differ."""
    labels = difflib.SequenceMatcher(a=[_label(expected[i]) for i in a], b=[_label(got[j]) for j in b],
                                     autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in labels.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1) if tag != "equal" else i2 - i1):
            pairs.append((a[i1 + k] if i1 + k < i2 else None, b[j1 + k] if j1 + k < j2 else None))
    return pairs


def _events(expected: list[Any], got: list[Any], out: list[tuple[str, str, Any, Any]]) -> None:
    """Align the event lists first, so one extra request does not make every later event differ."""
    keys_a = [json.dumps(e, sort_keys=True) for e in expected]
    keys_b = [json.dumps(e, sort_keys=True) for e in got]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for x, y in _by_label(range(i1, i2), range(j1, j2), expected, got):
            a = expected[x] if x is not None else _MISSING
            b = got[y] if y is not None else _MISSING
            where = f"events[{x if x is not None else y}]"
            label = _label(a if a is not _MISSING else b)
            found: list[tuple[str, Any, Any]] = []
            if isinstance(a, dict) and isinstance(b, dict) and _label(a) == _label(b):
                _walk(where, a, b, found)
            else:
                found.append((where, a, b))
            out += [(path, label, x, y) for path, x, y in found]


def _kind(path: str, label: str, a: Any, b: Any) -> str:
    tail = re.sub(r"^events\[\d+\]\.?", "", path)
    if not path.startswith("events["):
        head = tail.split(".")[0].split("[")[0]
        return {"env_read": "env", "timed_out": "timeout", "logs": "logging"}.get(head, "other")
    event = a if isinstance(a, dict) else b if isinstance(b, dict) else {}
    if tail.startswith("request") or "request" in event:
        return "request"
    if tail.startswith("sleep") or "sleep" in event:
        return "sleep"
    if label.startswith("pickle"):
        return "pickle"
    if tail.startswith(("raised", "message", "construct")) or "raised" in event or "construct" in event:
        return "exception"
    if ".stream" in tail or tail.startswith("returned.stream"):
        return "stream"
    if label == "construct" and tail.startswith("returned."):
        return "state"
    return "return"


def _where(path: str, label: str) -> str:
    return re.sub(r"^events\[\d+\]", label, path)


def differences(scenario: str, expected: Any, got: Any, owner: str = "") -> list[Difference]:
    """[] when equal; otherwise one Difference listing every differing path, most telling first."""
    name = f"{owner}.{scenario}" if owner else scenario
    if expected is None:
        line = Line("other", "", "", "(no recorded baseline)", _show(got))
        return [Difference(name, line.expected, line.got, (line,))]
    if expected == got:
        return []
    found: list[tuple[str, str, Any, Any]] = []
    _events(expected.get("events", []), got.get("events", []), found)
    rest: list[tuple[str, Any, Any]] = []
    _walk("", {k: v for k, v in expected.items() if k != "events"}, {k: v for k, v in got.items() if k != "events"},
          rest)
    found += [(path, "", a, b) for path, a, b in rest]
    lines = [Line(_kind(path, label, a, b), path, _where(path, label), _show(a), _show(b))
             for path, label, a, b in found]
    lines.sort(key=lambda line: KINDS.index(line.kind))  # stable: trace order within a kind
    return [Difference(name, "\n".join(f"{x.path}: {x.expected}" for x in lines),
                       "\n".join(f"{x.path}: {x.got}" for x in lines), tuple(lines))]


@dataclass(frozen=True)
class Group:
    """One cause seen in several scenarios: the same kind, step path and values."""

    kind: str
    where: str
    expected: str
    got: str
    scenarios: tuple[str, ...]

    def __str__(self) -> str:
        count = len(self.scenarios)
        head = f"{count} scenario{'s' if count != 1 else ''}: [{self.kind}] {self.where}"
        return (f"{head}\n  expected: {self.expected}\n  got:      {self.got}\n"
                f"  in: {', '.join(self.scenarios)}")

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "scenarios": list(self.scenarios)}


def group(found: list[Difference]) -> list[Group]:
    """Every differing line of every scenario, folded by cause; ranked by kind, then by how many
    scenarios show it."""
    by_cause: dict[tuple[str, str, str, str], list[str]] = {}
    for difference in found:
        for line in difference.lines:
            scenarios = by_cause.setdefault((line.kind, line.where, line.expected, line.got), [])
            if difference.scenario not in scenarios:
                scenarios.append(difference.scenario)
    groups = [Group(*key, tuple(names)) for key, names in by_cause.items()]
    groups.sort(key=lambda g: (KINDS.index(g.kind), -len(g.scenarios), g.where))
    return groups
