"""Per-module analysis of a client module: statements, the name graph between them, and what a class needs.

Built on the stdlib `ast` of the module's text. A top-level statement is one compound statement or
one line of `;`-joined small statements (LibCST's `module.body`), so statement indexes are indexes
into the LibCST module the codemods transform. LibCST itself is parsed only when a rule written on
its tree asks for a function's node (`cst_function`).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from genmigrate import runcache
from genmigrate.discover.dynimport import IMPORT_HELPERS
from genmigrate.discover.globalnames import global_names
from genmigrate.discover.statements import Imports, collect_imports, is_type_checking_block, statement_kind
from genmigrate.model import Statement

ALWAYS_NEEDED = frozenset({"side-effect"})
IMPORTS = frozenset({"import", "import-prelude"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks LibCST counts lines by
_NEWLINE = re.compile(r"\r\n?|\n")
COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
            ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class ModuleGraph:
    """Top-level statements of one module and which statements each one uses by name."""

    tree: ast.Module
    groups: list[list[ast.stmt]]  # per top-level statement, its `ast` statements
    statements: list[Statement]
    uses: list[set[int]]
    lines: list[str] = field(repr=False)  # the source lines
    imports: list[Imports] = field(repr=False)  # per statement, computed once
    source: str | bytes = field(repr=False)  # what LibCST parses, when a rule needs its tree
    path: str = ""
    encoding: str = "utf-8"
    newline: str = "\n"
    spans: dict[int, tuple[int, int]] = field(repr=False, default_factory=dict)  # id(LibCST node) -> lines
    _cst: cst.Module | None = field(repr=False, default=None)

    def compound(self, index: int) -> ast.stmt | None:
        """The compound statement at `index`; None for a line of small statements."""
        first = self.groups[index][0]
        return first if isinstance(first, COMPOUND) else None

    def classes(self) -> list[tuple[int, ast.ClassDef]]:
        return [(i, g[0]) for i, g in enumerate(self.groups) if isinstance(g[0], ast.ClassDef)]

    def functions(self) -> list[tuple[int, Function]]:
        return [(i, g[0]) for i, g in enumerate(self.groups) if isinstance(g[0], FUNCTIONS)]

    def span(self, node: ast.AST | cst.CSTNode) -> tuple[int, int]:
        """First and last line of `node` (a definition starts at its `def` / `class` line)."""
        if isinstance(node, cst.CSTNode):
            return self.spans[id(node)]
        return node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]

    def may_contain(self, node: ast.AST | cst.CSTNode, word: str) -> bool:
        """False when the source lines spanned by `node` certainly do not contain `word`."""
        start, end = self.span(node)
        return any(word in line for line in self.lines[start - 1 : end])

    def code(self, node: ast.AST, last: ast.AST | None = None) -> str:
        """The source text of the expression `node` (through the end of `last`, when given), as LibCST
        renders a node: continuation lines lose the indentation of the block the node is in."""
        last = node if last is None else last
        start, end = node.lineno, last.end_lineno or last.lineno  # type: ignore[attr-defined]
        head = self.lines[start - 1].encode()
        if start == end:
            return head[node.col_offset : last.end_col_offset].decode()  # type: ignore[attr-defined]
        indent = head[: len(head) - len(head.lstrip())].decode()
        rest = [*self.lines[start : end - 1], self.lines[end - 1].encode()[: last.end_col_offset].decode()]  # type: ignore[attr-defined]
        rest = [line[len(indent) :] if indent and line.startswith(indent) else line for line in rest]
        return "\n".join([head[node.col_offset :].decode(), *rest])  # type: ignore[attr-defined]

    def starts_mid_line(self, node: ast.stmt) -> bool:
        """`node` follows other code on its line: the body of a one-line `class X: ...` / `def f(): ...`."""
        return bool(self.lines[node.lineno - 1].encode()[: node.col_offset].strip())

    def cst_function(self, node: Function, owner: ast.ClassDef | None = None) -> cst.FunctionDef:
        """The LibCST node of the top-level function (or method of the top-level class `owner`) `node`."""
        if self._cst is None:
            self._cst = runcache.parse_cst(self.path, self.source) if self.path else cst.parse_module(self.source)
        if owner is None:
            found = self._cst.body[next(i for i, g in enumerate(self.groups) if g[0] is node)]
        else:
            index = next(i for i, g in enumerate(self.groups) if g[0] is owner)
            cls = self._cst.body[index]
            assert isinstance(cls, cst.ClassDef)
            methods = [s for s in cls.body.body if isinstance(s, cst.FunctionDef)]
            found = methods[[s for s in owner.body if isinstance(s, FUNCTIONS)].index(node)]
        assert isinstance(found, cst.FunctionDef)
        self.spans[id(found)] = self.span(node)
        return found

    def star_imports(self) -> list[int]:
        """`from x import *` statements: what they bind is unknown, so every class may need them."""
        return [i for i, found in enumerate(self.imports)
                if any(alias.name == "*" for node in found.from_imports for alias in node.names)
                and self.compound(i) is None]

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


def group_lines(body: Sequence[ast.stmt]) -> list[list[ast.stmt]]:
    """`body` as LibCST statements: a compound statement alone, small statements by the line they share."""
    groups: list[list[ast.stmt]] = []
    for statement in body:
        previous = groups[-1][-1] if groups else None
        if (previous is not None and not isinstance(statement, COMPOUND) and not isinstance(previous, COMPOUND)
                and previous.end_lineno == statement.lineno):
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


def encoding_of(data: str | bytes) -> str:
    """The encoding LibCST reads `data` in (a text is utf-8)."""
    return "utf-8" if isinstance(data, str) else tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def build_graph(source: str | bytes, tree: ast.Module | None = None, path: str = "") -> ModuleGraph:
    """The statement graph of the module `source` (bytes honour an encoding cookie); `tree`, its `ast`
    when already parsed; `path`, to share LibCST parses through `runcache`."""
    encoding = encoding_of(source)
    text = source if isinstance(source, str) else source.decode(encoding)
    if tree is None:
        tree = ast.parse(source)
    groups = group_lines(tree.body)
    names = global_names(groups)
    lines = _LINE_BREAK.split(text)
    statements = [
        Statement(index=i, line=g[0].lineno, end_line=g[-1].end_lineno or g[-1].lineno,
                  kind=statement_kind(i, g), defines=names.defines[i], type_only=is_type_checking_block(g[0]))
        for i, g in enumerate(groups)
    ]
    calls = any(helper in text for helper in IMPORT_HELPERS)
    newline = _NEWLINE.search(text)
    return ModuleGraph(
        tree=tree, groups=groups, statements=statements, uses=names.uses, lines=lines,
        imports=[collect_imports(g, calls) for g in groups], source=source, path=path, encoding=encoding,
        newline=newline.group(0) if newline else "\n",
    )


def class_indexes(graph: ModuleGraph, class_names: Sequence[str]) -> list[int]:
    wanted = set(class_names)
    return [i for i, node in graph.classes() if node.name in wanted]


def needed_statements(module: cst.Module, class_names: Sequence[str]) -> list[int]:
    """Indexes into `module.body` of the top-level statements the named classes need, sorted.

    A class needs the statements defining the names it uses, transitively; every import-prelude
    statement that precedes a needed import; and every module-level side-effect statement. The
    `if __name__ == "__main__":` block is never needed. The class statements themselves are included.
    """
    graph = build_graph(module.code)
    return graph.needs(class_indexes(graph, class_names))
