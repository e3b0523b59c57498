"""Add the provider-module header comment and the generated adapter to a moved module.

The header goes first (after a shebang / encoding cookie), the adapter statements go just before a
trailing `if __name__ == "__main__":` block, else at the end, after two blank lines. Running it
again on its own output changes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.codemod import Codemod, CodemodContext

from ._source import CodemodError, Source, comment_line, parse, preamble_length, render, to_newline

_MAIN_GUARD = m.If(
    test=m.Comparison(
        left=m.Name("__name__"),
        comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=m.SimpleString())],
    )
) | m.If(
    test=m.Comparison(
        left=m.SimpleString(),
        comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=m.Name("__name__"))],
    )
)


def insert_adapter(source: Source, adapter_source: str, header: str) -> Source:
    """Return `source` with `header` at the top and `adapter_source` before a trailing main block."""
    module = parse(source)
    return render(add_adapter(module, adapter_source, header), source)


def add_adapter(module: cst.Module, adapter_source: str, header: str) -> cst.Module:
    """Tree-level version of `insert_adapter`."""
    if not header.startswith("#") or "\n" in header.rstrip("\r\n") or "\r" in header.rstrip("\r\n"):
        raise CodemodError(0, f"header must be one comment line starting with '#': {header!r}")
    module = _with_header(module, header.rstrip("\r\n"))
    adapter = parse(to_newline(adapter_source, module.default_newline))
    statements = list(adapter.body)
    if not statements or _contains(module, adapter):
        return module
    body = list(module.body)
    separator = [cst.EmptyLine(), cst.EmptyLine()] if body else []
    statements[0] = statements[0].with_changes(
        leading_lines=[*separator, *adapter.header, *statements[0].leading_lines]
    )
    if body and is_main_guard(body[-1]):
        *body, guard = body
        body = [*body, *statements, _two_blank_lines_before(guard)]
    else:
        body = [*body, *statements]
    return module.with_changes(body=body, has_trailing_newline=True)


def is_main_guard(statement: cst.BaseStatement) -> bool:
    """True for `if __name__ == "__main__":` (either operand order)."""
    if not m.matches(statement, _MAIN_GUARD):
        return False
    assert isinstance(statement, cst.If) and isinstance(statement.test, cst.Comparison)
    operands = [statement.test.left, statement.test.comparisons[0].comparator]
    return any(isinstance(node, cst.SimpleString) and node.evaluated_value == "__main__" for node in operands)


def _with_header(module: cst.Module, header: str) -> cst.Module:
    if any(line.comment is not None and line.comment.value == header for line in module.header):
        return module
    lines = list(module.header)
    position = preamble_length(lines)
    lines.insert(position, comment_line(header))
    return module.with_changes(header=lines)


def _contains(module: cst.Module, adapter: cst.Module) -> bool:
    """Whether the adapter's statements already sit in the module, in a row (same code)."""
    size = len(adapter.body)
    wanted = [_shape(statement) for statement in adapter.body]
    present = [_shape(statement) for statement in module.body]
    starts = [start for start in range(len(present) - size + 1) if present[start : start + size] == wanted]
    if not starts:  # statements of another kind or name cannot have the same code
        return False
    code = [adapter.code_for_node(statement.with_changes(leading_lines=())) for statement in adapter.body]
    return any(
        [module.code_for_node(s.with_changes(leading_lines=())) for s in module.body[start : start + size]] == code
        for start in starts
    )


def _shape(statement: cst.BaseStatement) -> tuple[type, str]:
    """The node type and, for a definition, its name: equal whenever two statements have the same code."""
    name = statement.name.value if isinstance(statement, (cst.ClassDef, cst.FunctionDef)) else ""
    return type(statement), name


def _two_blank_lines_before(statement: cst.BaseStatement) -> cst.BaseStatement:
    lines = list(statement.leading_lines)
    blanks = 0
    while blanks < len(lines) and lines[blanks].comment is None:
        blanks += 1
    missing = max(0, 2 - blanks)
    return statement.with_changes(leading_lines=[cst.EmptyLine()] * missing + lines)


class InsertAdapterCommand(Codemod):
    DESCRIPTION = "Add a header comment and a generated adapter (read from a file) to a module."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--adapter-file", required=True, help="file holding the adapter statements")
        arg_parser.add_argument("--header", required=True, help="the header comment line, starting with '#'")

    def __init__(self, context: CodemodContext, adapter_file: str, header: str) -> None:
        super().__init__(context)
        self.adapter_source = Path(adapter_file).read_text(encoding="utf-8")
        self.header = header

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return add_adapter(tree, self.adapter_source, self.header)
