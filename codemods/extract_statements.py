"""Keep only chosen module-level statements, verbatim and in their original order.

`extract_statements(source, keep)` is the pure function the engine calls; `ExtractStatementsCommand`
runs the same transformation through LibCST's codemod runner, choosing the statements that the
classes named by `--classes` need.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext

from ._source import CodemodError, Source, parse, preamble_length, render


def extract_statements(source: Source, keep: Sequence[int]) -> Source:
    """Return `source` holding only the module-level statements whose `Module.body` indexes are in `keep`."""
    module = parse(source)
    return render(keep_statements(module, keep), source)


def keep_statements(module: cst.Module, keep: Sequence[int]) -> cst.Module:
    """The module with only the statements at `keep` (a tree-level version of `extract_statements`)."""
    wanted = sorted(set(keep))
    bad = [index for index in wanted if not 0 <= index < len(module.body)]
    if bad:
        raise CodemodError(0, f"statement index {bad[0]} out of range (module has {len(module.body)})")
    body = [module.body[index] for index in wanted]
    header = list(module.header)
    if 0 not in wanted:
        header = header[: _detached_length(header)]
        if body and not header:
            body[0] = _without_leading_blanks(body[0])
        if body:  # lines above the first statement belong to the header, as when the output is parsed
            header += body[0].leading_lines
            body[0] = body[0].with_changes(leading_lines=())
    return module.with_changes(header=header, body=body)


def _detached_length(header: list[cst.EmptyLine]) -> int:
    """Header lines that belong to the file rather than to its first statement.

    Comment lines right above the first statement (no blank line between) document that statement,
    so they go when it goes; a shebang and an encoding cookie always stay.
    """
    blanks = [position for position, line in enumerate(header) if line.comment is None]
    if blanks:
        return max(blanks[-1] + 1, preamble_length(header))
    return preamble_length(header)


def _without_leading_blanks(statement: cst.BaseStatement) -> cst.BaseStatement:
    lines = list(statement.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return statement.with_changes(leading_lines=lines)


class ExtractStatementsCommand(Codemod):
    DESCRIPTION = "Keep only the module-level statements the given classes need (verbatim, in order)."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--classes", required=True, help="comma-separated class names whose needed statements are kept"
        )

    def __init__(self, context: CodemodContext, classes: str) -> None:
        super().__init__(context)
        self.class_names = [name.strip() for name in classes.split(",") if name.strip()]

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        from genmigrate.discover.analyze import needed_statements

        return keep_statements(tree, needed_statements(tree, self.class_names))
