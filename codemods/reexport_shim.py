"""Turn a legacy module into a re-export shim (`--shim reexport`).

Statements binding moved names are removed; one explicit `from new.module import A, B` takes the
place of the first of them. Everything else (a `__main__` block, helpers that stayed, `__all__`)
stays verbatim.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext
from libcst.metadata import MetadataWrapper, PositionProvider

from ._bindings import bound_names
from ._source import CodemodError, Source, parse, render

_MAX_LINE = 88


def reexport_shim(source: Source, new_module: str, moved: Sequence[str]) -> Source:
    """Return `source` with the statements binding `moved` names replaced by a re-export from `new_module`."""
    return render(reexport_module(parse(source), new_module, moved), source)


def reexport_module(module: cst.Module, new_module: str, moved: Sequence[str]) -> cst.Module:
    """Tree-level version of `reexport_shim`."""
    wanted = set(moved) - {"__all__"}
    removed: list[int] = []
    names: list[str] = []
    for index, statement in enumerate(module.body):
        bound = [name for name in bound_names(statement) if name != "__all__"]
        hit = [name for name in bound if name in wanted]
        if not hit:
            continue
        staying = [name for name in bound if name not in wanted]
        if staying:
            raise CodemodError(
                _statement_line(module, index),
                f"statement binds moved {hit[0]!r} and staying {staying[0]!r}; split it first",
            )
        removed.append(index)
        names.extend(name for name in hit if name not in names)
    missing = [name for name in moved if name not in names and name != "__all__"]
    if missing:
        raise CodemodError(0, f"{missing[0]!r} is not bound at module level")
    if not removed:
        return module
    return module.with_changes(body=_replace(module, removed, _import_line(new_module, names)))


def _replace(
    module: cst.Module, removed: list[int], line: cst.SimpleStatementLine
) -> list[cst.BaseStatement]:
    first = module.body[removed[0]]
    blanks: list[cst.EmptyLine] = []
    for empty in first.leading_lines:
        if empty.comment is not None:
            break
        blanks.append(empty)
    body = [statement for index, statement in enumerate(module.body) if index not in removed]
    body.insert(removed[0], line.with_changes(leading_lines=blanks))
    return body


def _import_line(new_module: str, names: list[str]) -> cst.SimpleStatementLine:
    flat = f"from {new_module} import {', '.join(names)}\n"
    if len(flat) <= _MAX_LINE + 1:
        return _parse_line(flat)
    listed = "".join(f"    {name},\n" for name in names)
    return _parse_line(f"from {new_module} import (\n{listed})\n")


def _parse_line(text: str) -> cst.SimpleStatementLine:
    try:
        statement = cst.parse_statement(text)
    except cst.ParserSyntaxError as exc:
        raise CodemodError(0, f"bad module name in re-export: {exc.message}") from None
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


def _statement_line(module: cst.Module, index: int) -> int:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.resolve(PositionProvider)[module.body[index]].start.line


class ReexportShimCommand(Codemod):
    DESCRIPTION = "Replace moved statements with an explicit re-export from the module they moved to."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--new-module", required=True, help="dotted name of the module the code moved to"
        )
        arg_parser.add_argument("--moved", required=True, help="comma-separated names that moved")

    def __init__(self, context: CodemodContext, new_module: str, moved: str) -> None:
        super().__init__(context)
        self.new_module = new_module
        self.moved = [name.strip() for name in moved.split(",") if name.strip()]

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return reexport_module(tree, self.new_module, self.moved)
