"""Point a module's imports of moved modules at their new location, in place.

Handles `import a.b` (and every `a.b.X` use in the file), `import a.b as c`, `from a import b`
(b a moved module), `from a.b import C, D as E`, relative imports (given the importing module's
dotted name), and imports anywhere: inside functions, `try/except ImportError`, `TYPE_CHECKING`
blocks. Imports are rewritten where they stand, never hoisted; everything else is left untouched.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext

from ._import_forms import ImportResolver, module_import, split_line
from ._source import Source, dotted_name, name_node, parse, render, small_statements


def rewrite_imports(
    source: Source,
    moves: Mapping[str, str],
    module_name: str | None = None,
    *,
    is_package: bool = False,
) -> Source:
    """Return `source` with imports of moved modules (`moves`: old dotted -> new dotted) rewritten.

    `module_name` is the importing module's dotted name (needed for relative imports);
    `is_package` says it is a package `__init__`.
    """
    if not may_import_moved(source, moves):
        return source  # no import can name a moved module: skip the parse
    return render(rewrite_module_imports(parse(source), moves, module_name, is_package), source)


def may_import_moved(source: Source, moves: Iterable[str]) -> bool:
    """False when no import in `source` can name a moved module (the transformation is then a no-op)."""
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    return any(old.rsplit(".", 1)[-1] in text for old in moves)


def rewrite_module_imports(
    module: cst.Module, moves: Mapping[str, str], module_name: str | None, is_package: bool = False
) -> cst.Module:
    """Tree-level version of `rewrite_imports`."""
    resolver = ImportResolver(dict(moves), module_name, is_package)
    return module.visit(_Rewriter(resolver, _plain_imports(module, moves)))


def _plain_imports(module: cst.Module, moves: Mapping[str, str]) -> dict[str, str]:
    """Moved modules imported as `import a.b` (no alias): their `a.b.X` uses need rewriting too."""
    found: dict[str, str] = {}
    for statement in small_statements(module):
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                name = dotted_name(alias.name)
                if alias.asname is None and name in moves:
                    found[name] = moves[name]
    return found


class _Rewriter(cst.CSTTransformer):
    def __init__(self, resolver: ImportResolver, plain: dict[str, str]) -> None:
        super().__init__()
        self.resolver = resolver
        self.plain = plain

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.plain and isinstance(node, cst.BaseExpression):
            return False  # only `a.b.X` uses of plain imports are rewritten inside expressions
        return super().on_visit(node)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        names = [self._rewrite_alias(alias) for alias in updated_node.names]
        return updated_node.with_changes(names=names)

    def _rewrite_alias(self, alias: cst.ImportAlias) -> cst.ImportAlias:
        new = self.resolver.moves.get(dotted_name(alias.name) or "")
        return alias if new is None else alias.with_changes(name=name_node(new))

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
        return module_import(updated_node, self.resolver)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(original_node.body) == 1 and len(updated_node.body) > 1:
            return split_line(updated_node)
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self.plain.get(dotted_name(updated_node) or "")
        return updated_node if new is None else name_node(new)


class RewriteImportsCommand(Codemod):
    DESCRIPTION = "Rewrite imports of moved modules to their new dotted names, in place."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--move", action="append", required=True, metavar="OLD=NEW", help="a moved module (repeatable)"
        )
        arg_parser.add_argument(
            "--module-name", default=None, help="dotted name of the file (for relative imports)"
        )
        arg_parser.add_argument("--package", action="store_true", help="the file is a package __init__")

    def __init__(
        self,
        context: CodemodContext,
        move: Sequence[str],
        module_name: str | None = None,
        package: bool = False,
    ) -> None:
        super().__init__(context)
        self.moves = dict(item.split("=", 1) for item in move)
        self.module_name = module_name
        self.is_package = package

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return rewrite_module_imports(tree, self.moves, self.module_name, self.is_package)
