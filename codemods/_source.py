"""Shared helpers: parse source text or bytes with LibCST and render it back in the same form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

import libcst as cst

Source = TypeVar("Source", str, bytes)

# PEP 263: the encoding declaration must be on line 1 or 2.
_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")


class CodemodError(ValueError):
    """Input a codemod cannot handle; `line` is 1-based (0 when no line applies)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def parse(source: str | bytes) -> cst.Module:
    """Parse `source` (text, or bytes honouring an encoding cookie) or raise `CodemodError`."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise CodemodError(exc.raw_line, exc.message) from None
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        raise CodemodError(getattr(exc, "lineno", None) or 1, str(exc)) from None


def transform_statements(
    module: cst.Module, transformer: cst.CSTTransformer, may_change: Callable[[str], bool]
) -> cst.Module:
    """`module.visit(transformer)`, visiting only the top-level statements whose code passes
    `may_change`: the same result for a transformer that keeps no module-wide state and changes
    nothing where `may_change` is false, without rebuilding the rest of the tree (most of the cost)."""
    body: list[cst.BaseStatement] = []
    for statement in module.body:
        if not may_change(module.code_for_node(statement)):
            body.append(statement)
            continue
        result = statement.visit(transformer)
        if isinstance(result, cst.FlattenSentinel):
            body.extend(result.nodes)
        elif isinstance(result, cst.BaseStatement):
            body.append(result)
    return module.with_changes(body=body)


def render(module: cst.Module, like: Source) -> Source:
    """The module's code as `str` or `bytes` (in the module's own encoding), matching `like`."""
    if isinstance(like, bytes):
        return module.bytes
    return module.code


def to_newline(text: str, newline: str) -> str:
    """`text` with every line ending turned into `newline`."""
    lines = text.splitlines(keepends=False)
    joined = newline.join(lines)
    return joined + newline if text.endswith(("\n", "\r")) else joined


def preamble_length(header: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine]) -> int:
    """How many leading header lines are a shebang and/or an encoding cookie (kept first)."""
    count = 0
    for position, line in enumerate(header[:2]):
        text = line.comment.value if line.comment else ""
        if (position == 0 and text.startswith("#!")) or _CODING_RE.match(text):
            count = position + 1
        else:
            break
    return count


def comment_line(text: str) -> cst.EmptyLine:
    """A full-line comment node for `text` (which starts with `#`)."""
    return cst.EmptyLine(indent=False, comment=cst.Comment(text))


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def name_node(dotted: str) -> cst.Name | cst.Attribute:
    """The Name/Attribute chain for a dotted name."""
    head, *rest = dotted.split(".")
    node: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


_BLOCK_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


def small_statements(node: cst.CSTNode) -> Iterator[cst.BaseSmallStatement]:
    """Every small statement (import, assignment, expression, ...) under `node`, nested blocks included.

    Walks statements and blocks only, never into expressions: much cheaper than a visitor.
    """
    pending: list[object] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.BaseSmallStatement):
            yield current
        elif isinstance(current, (list, tuple)):
            pending.extend(reversed(current))
        elif isinstance(current, cst.CSTNode):
            pending.extend(getattr(current, name) for name in reversed(_BLOCK_FIELDS) if hasattr(current, name))
