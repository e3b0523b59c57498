"""Rewrite string literals naming moved things (patch targets and other dotted paths).

Covers `mock.patch("a.b.X")`, `patch(...)`, `mock.patch.multiple`, `monkeypatch.setattr/delattr`,
`@patch(...)` decorators and any other string literal that is exactly a dotted path (`a.b.X`,
`a.b:X`): it is pointed at the module where the name is looked up after the move. Quotes and
string prefixes are kept; strings with escapes, f-strings and implicit concatenations are left alone.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext

from ._dotted import DottedRewriter
from ._source import Source, parse, render, transform_statements


def rewrite_patch_targets(source: Source, lookups: Mapping[str, str]) -> Source:
    """Return `source` with dotted-path string literals rewritten through `lookups` (see `_dotted`)."""
    if not may_name_moved(source, lookups):
        return source  # no string can name a moved thing: skip the parse
    return render(rewrite_module_targets(parse(source), lookups), source)


def may_name_moved(source: Source, lookups: Mapping[str, str]) -> bool:
    """False when no string literal in `source` can name a moved thing (the transformation is then a no-op)."""
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    return DottedRewriter(lookups).may_rewrite_in(text)


def rewrite_module_targets(module: cst.Module, lookups: Mapping[str, str]) -> cst.Module:
    """Tree-level version of `rewrite_patch_targets`."""
    rewriter = DottedRewriter(lookups)
    return transform_statements(module, _StringRewriter(rewriter), rewriter.may_rewrite_in)


class _StringRewriter(cst.CSTTransformer):
    def __init__(self, rewriter: DottedRewriter) -> None:
        super().__init__()
        self.rewriter = rewriter

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return False

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if "b" in updated_node.prefix.lower():
            return updated_node
        body = updated_node.value[
            len(updated_node.prefix) + len(updated_node.quote) : -len(updated_node.quote)
        ]
        if "\\" in body:
            return updated_node
        new = self.rewriter.rewrite(body)
        if new == body:
            return updated_node
        return updated_node.with_changes(
            value=f"{updated_node.prefix}{updated_node.quote}{new}{updated_node.quote}"
        )


class RewritePatchTargetsCommand(Codemod):
    DESCRIPTION = "Rewrite mock.patch targets and other dotted-path strings naming moved things."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--lookup",
            action="append",
            required=True,
            metavar="OLD=NEW",
            help="old prefix -> new module (repeatable)",
        )

    def __init__(self, context: CodemodContext, lookup: Sequence[str]) -> None:
        super().__init__(context)
        self.lookups = dict(item.split("=", 1) for item in lookup)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return rewrite_module_targets(tree, self.lookups)
