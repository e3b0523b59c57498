"""`from ... import ...` rewriting for `rewrite_imports`: resolution of relative imports and the new forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from ._source import dotted_name, name_node


@dataclass(frozen=True)
class ImportResolver:
    moves: dict[str, str]
    module_name: str | None
    is_package: bool

    def base(self, level: int) -> str | None:
        """The package a relative import of `level` dots starts from ("" for none), None if unknown."""
        if level == 0:
            return ""
        if self.module_name is None:
            return None
        parts = self.module_name.split(".")
        if not self.is_package:
            parts = parts[:-1]
        keep = len(parts) - (level - 1)
        return ".".join(parts[:keep]) if keep > 0 else None

    def target(self, node: cst.ImportFrom) -> tuple[str, str | None] | None:
        """(base package, absolute module named by the statement), None if unresolvable."""
        base = self.base(len(node.relative))
        if base is None:
            return None
        name = dotted_name(node.module) if node.module is not None else None
        if node.module is not None and name is None:
            return None
        full = ".".join(part for part in (base, name) if part)
        return base, full or None


def module_import(
    node: cst.ImportFrom, resolver: ImportResolver
) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
    """The rewritten statement(s) for one `from ... import ...`."""
    resolved = resolver.target(node)
    if resolved is None or resolved[1] is None:
        return node
    base, full = resolved
    level = len(node.relative)
    if full in resolver.moves:
        return node.with_changes(**_from_clause(resolver.moves[full], base, level))
    if isinstance(node.names, cst.ImportStar):
        return node
    moved = [alias for alias in node.names if f"{full}.{_alias_name(alias)}" in resolver.moves]
    if not moved:
        return node
    staying = [alias for alias in node.names if alias not in moved]
    statements: list[cst.BaseSmallStatement] = [
        _module_alias_import(resolver.moves[f"{full}.{_alias_name(alias)}"], alias, base, level)
        for alias in moved
    ]
    if staying:
        statements.insert(0, node.with_changes(names=_fix_last_comma(staying, node.names[-1])))
    if len(statements) == 1:
        return statements[0].with_changes(semicolon=node.semicolon)
    return cst.FlattenSentinel(statements)


def split_line(line: cst.SimpleStatementLine) -> cst.FlattenSentinel[cst.SimpleStatementLine]:
    """One line per small statement: the first keeps the line's leading lines, the last its comment."""
    count = len(line.body)
    lines = []
    for position, statement in enumerate(line.body):
        lines.append(
            cst.SimpleStatementLine(
                body=[statement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                leading_lines=line.leading_lines if position == 0 else (),
                trailing_whitespace=(
                    line.trailing_whitespace if position == count - 1 else cst.TrailingWhitespace()
                ),
            )
        )
    return cst.FlattenSentinel(lines)


def _alias_name(alias: cst.ImportAlias) -> str:
    return dotted_name(alias.name) or ""


def _from_clause(new_module: str, base: str, level: int) -> dict[str, Any]:
    """`relative` and `module` for importing from `new_module`, relative when the original was."""
    if level and base and (new_module == base or new_module.startswith(base + ".")):
        rest = new_module[len(base) + 1 :]
        return {"relative": [cst.Dot()] * level, "module": name_node(rest) if rest else None}
    return {"relative": [], "module": name_node(new_module)}


def _module_alias_import(
    new_module: str, alias: cst.ImportAlias, base: str, level: int
) -> cst.ImportFrom | cst.Import:
    """Import the moved module `new_module` under the name `alias` bound."""
    parent, _, leaf = new_module.rpartition(".")
    bound = alias.asname.name if alias.asname else alias.name
    assert isinstance(bound, cst.Name)
    asname = None if bound.value == leaf else cst.AsName(name=cst.Name(bound.value))
    imported = cst.ImportAlias(name=cst.Name(leaf), asname=asname)
    if not parent:
        return cst.Import(names=[imported])
    return cst.ImportFrom(names=[imported], **_from_clause(parent, base, level))


def _fix_last_comma(aliases: list[cst.ImportAlias], original_last: cst.ImportAlias) -> list[cst.ImportAlias]:
    """Keep a trailing comma only if the original list had one."""
    if isinstance(original_last.comma, cst.MaybeSentinel):
        aliases = [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return aliases
