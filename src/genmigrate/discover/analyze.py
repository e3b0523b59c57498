"""Per-module analysis of a client module: statements, the name graph between them, and what a class needs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, ScopeProvider

from genmigrate.discover.dynimport import IMPORT_HELPERS
from genmigrate.discover.statements import Imports, collect_imports, is_type_checking_block, statement_kind
from genmigrate.model import Statement

ALWAYS_NEEDED = frozenset({"side-effect"})
IMPORTS = frozenset({"import", "import-prelude"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks LibCST counts lines by


@dataclass
class ModuleGraph:
    """Top-level statements of one module and which statements each one uses by name."""

    module: cst.Module
    statements: list[Statement]
    uses: list[set[int]]
    nodes: list[cst.CSTNode]
    positions: dict[cst.CSTNode, CodeRange] = field(repr=False, default_factory=dict)
    imports: list[Imports] = field(repr=False, default_factory=list)  # per statement, computed once
    lines: list[str] = field(repr=False, default_factory=list)  # the source lines, when known

    def may_contain(self, node: cst.CSTNode, word: str) -> bool:
        """False when the source lines spanned by `node` certainly do not contain `word`."""
        if not self.lines:
            return True
        span = self.positions[node]
        return any(word in line for line in self.lines[span.start.line - 1 : span.end.line])

    def star_imports(self) -> list[int]:
        """`from x import *` statements: what they bind is unknown, so every class may need them."""
        return [i for i, found in enumerate(self.imports)
                if any(isinstance(node.names, cst.ImportStar) for node in found.from_imports)
                and isinstance(self.nodes[i], cst.SimpleStatementLine)]

    def needs(self, roots: Iterable[int]) -> list[int]:
        """Transitive closure of `roots` under name use, import-prelude order and side effects."""
        needed: set[int] = set()
        pending = list(roots) + [s.index for s in self.statements if s.kind in ALWAYS_NEEDED] + self.star_imports()
        while pending:
            index = pending.pop()
            if index in needed:
                continue
            needed.add(index)
            pending.extend(self.uses[index] - needed)
            if self.statements[index].kind in IMPORTS:
                pending.extend(s.index for s in self.statements[:index] if s.kind == "import-prelude")
        return sorted(i for i in needed if self.statements[i].kind != "main-guard")


def build_graph(module: cst.Module, source: str | None = None) -> ModuleGraph:
    """The statement graph of `module`; `source` (its text, if known) lets cheap text checks skip tree walks."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    scopes = wrapper.resolve(ScopeProvider)
    body = list(module.body)
    starts = [positions[node].start.line for node in body]

    def owner(node: cst.CSTNode) -> int | None:
        pos = positions.get(node)
        if pos is None:
            return None
        index = bisect.bisect_right(starts, pos.start.line) - 1
        return index if index >= 0 else None

    defines: list[list[str]] = [[] for _ in body]
    uses: list[set[int]] = [set() for _ in body]
    global_scope = scopes.get(module)
    for assignment in global_scope.assignments if global_scope is not None else ():
        node = getattr(assignment, "node", None)
        where = owner(node) if node is not None else None
        if where is None:
            continue
        if "." not in assignment.name and assignment.name not in defines[where]:
            defines[where].append(assignment.name)
        for access in assignment.references:
            user = owner(access.node)
            if user is not None and user != where:
                uses[user].add(where)
    statements = [
        Statement(index=i, line=positions[n].start.line, end_line=positions[n].end.line,
                  kind=statement_kind(i, n), defines=defines[i], type_only=is_type_checking_block(n))
        for i, n in enumerate(body)
    ]
    calls = source is None or any(helper in source for helper in IMPORT_HELPERS)
    return ModuleGraph(
        module=module, statements=statements, uses=uses, nodes=body, positions=dict(positions),
        imports=[collect_imports(node, calls) for node in body],
        lines=_LINE_BREAK.split(source) if source is not None else [],
    )


def class_indexes(graph: ModuleGraph, class_names: Sequence[str]) -> list[int]:
    wanted = set(class_names)
    return [i for i, node in enumerate(graph.nodes) if isinstance(node, cst.ClassDef) and node.name.value in wanted]


def needed_statements(module: cst.Module, class_names: Sequence[str]) -> list[int]:
    """Indexes into `module.body` of the top-level statements the named classes need, sorted.

    A class needs the statements defining the names it uses, transitively; every import-prelude
    statement that precedes a needed import; and every module-level side-effect statement. The
    `if __name__ == "__main__":` block is never needed. The class statements themselves are included.
    """
    graph = build_graph(module)
    return graph.needs(class_indexes(graph, class_names))
