"""Which top-level statement binds each module-level name, and which top-level statements use them.

Read off the `ast` of the module with LibCST's scope rules (what `ScopeProvider` would report, without
its metadata pass). A name bound anywhere in the module scope (or in a function under `global`) is
bound by the top-level statement containing the binding, and a use belongs to the top-level
statement containing it (a definition's decorators belong to the definition). A load resolves
through the enclosing function, comprehension and class scopes (a class scope is invisible to the
scopes nested in it). Within one scope a use reads only the bindings before it: a module-level use
of a name bound later reads nothing; in a function or class, a use before a local binding reads the
enclosing scope's binding, as `x = x` in a class body does. `import a.b` binds `a.b` and `a`, and
`a.b.c` reads the longest bound prefix. String annotations (and strings under `typing` subscripts,
`cast`, `TypeVar`, `NewType`) are parsed and their names used.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from genmigrate.discover.scopes import Scope, contains, resolve

_TYPING = ("typing.", "typing_extensions.")
_LITERALS = frozenset({"typing.Literal", "typing_extensions.Literal"})
_TYPE_FACTORIES = frozenset({"typing.NewType", "typing.TypeVar"})
# The nodes after which LibCST counts one more binding in the scope they are in.
_BINDING_LIKE = (
    ast.AnnAssign,
    ast.Assign,
    ast.AugAssign,
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Global,
    ast.Import,
    ast.ImportFrom,
    ast.NamedExpr,
    ast.Nonlocal,
    ast.withitem,
)


@dataclass
class _Access:
    scope: Scope
    names: list[str]  # candidate names, longest dotted prefix first; the last is the plain name
    owner: int
    index: int  # the scope's count at the use


@dataclass
class GlobalNames:
    """Per top-level statement: the plain names it binds (in first-binding order) and the statements it uses."""

    defines: list[list[str]]
    uses: list[set[int]]


def global_names(groups: Sequence[Sequence[ast.stmt]]) -> GlobalNames:
    """`groups`: the top-level statements, each the `ast` statements of one line of `;`-joined small
    statements or one compound statement."""
    walker = _Walker()
    for index, group in enumerate(groups):
        walker.owner = index
        for statement in group:
            walker.visit(statement)
    return walker.result(len(groups))


class _Walker:
    def __init__(self) -> None:
        self.module = Scope(None)
        self.scope = self.module
        self.owner = 0
        self.order: dict[str, int] = {}  # module-level name -> rank of its first binding
        self.binders: dict[str, list[tuple[int, int]]] = {}  # module-level name -> (statement, count) bindings
        self.accesses: list[_Access] = []
        self.attribute: list[ast.AST | None] = [None]  # the outermost attribute chain being walked
        self.annotation: list[bool] = [False]
        self.type_hint: list[bool] = [False]
        self.literal = 0  # open `Literal[...]` subscripts: their strings are values, not annotations

    # -- results

    def result(self, count: int) -> GlobalNames:
        defines: list[list[str]] = [[] for _ in range(count)]
        for name in sorted(self.binders, key=self.order.__getitem__):
            if "." not in name:
                for where in dict.fromkeys(w for w, _ in self.binders[name]):
                    defines[where].append(name)
        uses: list[set[int]] = [set() for _ in range(count)]
        for access in self.accesses:
            name = next((n for n in access.names[:-1] if contains(access.scope, n)), access.names[-1])
            uses[access.owner].update(w for w in self._binders_read(access, name) if w != access.owner)
        return GlobalNames(defines, uses)

    def _binders_read(self, access: _Access, name: str) -> list[int]:
        """The statements whose module-level bindings of `name` the use `access` reads."""
        scope, bindings = access.scope, self.binders.get(name, [])
        home = resolve(scope, name)
        if home is self.module:
            return [w for w, index in bindings if scope is not self.module or index < access.index]
        before_local = home is scope and scope.last[name] >= access.index
        if before_local and scope.parent is not None and resolve(scope.parent, name) is self.module:
            return [w for w, _ in bindings]
        return []

    # -- bindings and uses

    def bind(self, name: str) -> None:
        scope = self.scope
        while scope.parent is not None and (name in scope.globals or name in scope.nonlocals):
            scope = self.module if name in scope.globals else (scope.visible_parent() or self.module)
        scope.last[name] = scope.count
        if scope is self.module:
            self.order.setdefault(name, len(self.order))
            self.binders.setdefault(name, []).append((self.owner, scope.count))

    def use(self, node: ast.Name) -> None:
        top = self.attribute[-1]
        names = (_dotted_names(top) if top is not None else []) or [node.id]
        self.accesses.append(_Access(self.scope, names, self.owner, self.scope.count))

    # -- the walk

    def visit(self, node: ast.AST) -> None:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            method(node)
        else:
            self.generic(node)
        if isinstance(node, _BINDING_LIKE):
            self.scope.count += 1

    def generic(self, node: ast.AST) -> None:
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_all(self, nodes: Sequence[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._import(alias.asname, alias.name)
            else:
                parts = alias.name.split(".")
                for end in range(len(parts), 0, -1):
                    self._import(".".join(parts[:end]), ".".join(parts[:end]))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                self._import(alias.asname or alias.name, f"{base}.{alias.name}" if node.module else alias.name)

    def _import(self, name: str, original: str) -> None:
        self.bind(name)
        self.scope.imported[name] = original

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bind(node.id)
        else:
            self.use(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.attribute[-1] is None:
            self.attribute[-1] = node
            self.visit(node.value)
            self.attribute[-1] = None
        else:
            self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        self.attribute.append(None)
        self.type_hint.append(False)
        qualified = self._qualified(node.func)
        if qualified in _TYPE_FACTORIES:
            self.visit(node.func)
            self.type_hint[-1] = True
            self.visit_all([*node.args[1:], *(k.value for k in node.keywords)])
        elif qualified == "typing.cast" and node.args:
            self.visit(node.func)
            self.type_hint.append(True)
            self.visit(node.args[0])
            self.type_hint.pop()
            self.visit_all([*node.args[1:], *(k.value for k in node.keywords)])
        else:
            self.generic(node)
        self.attribute.pop()
        self.type_hint.pop()

    def visit_keyword(self, node: ast.keyword) -> None:
        self.visit(node.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        qualified = self._qualified(node.value) if isinstance(node.value, ast.Name) else ""
        literal = qualified in _LITERALS
        self.type_hint.append(qualified.startswith(_TYPING))
        self.literal += literal
        self.generic(node)
        self.literal -= literal
        self.type_hint.pop()

    def visit_Constant(self, node: ast.Constant) -> None:
        if not (self.type_hint[-1] or self.annotation[-1]) or self.literal or not node.value:
            return
        if not isinstance(node.value, (str, bytes)):
            return
        try:
            parsed = ast.parse(node.value)
        except (SyntaxError, ValueError):
            return  # an unparsable string annotation names nothing, as in CPython
        attribute, self.attribute = self.attribute, [None]
        self.visit_all(parsed.body)
        self.attribute = attribute

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.visit_all([v for v in node.values if isinstance(v, ast.FormattedValue)])

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        self.visit_all([node.value, node.format_spec])

    def _annotation(self, node: ast.AST | None) -> None:
        if node is not None:
            self.annotation.append(True)
            self.visit(node)
            self.annotation.pop()

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self._annotation(node.annotation)
        self.visit_all([node.value])

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.bind(node.name)
        outer = self.scope
        self.scope = Scope(outer)
        self._arguments(node.args, outer)
        self.visit_all(node.body)
        self.scope = outer
        self.visit_all(node.decorator_list)
        self._annotation(node.returns)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        outer = self.scope
        self.scope = Scope(outer)
        self._arguments(node.args, outer)
        self.visit(node.body)
        self.scope = outer

    def _arguments(self, args: ast.arguments, outer: Scope) -> None:
        """Parameters bind in the new scope; their defaults and annotations are read in `outer`."""
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = [
            *zip(positional, defaults, strict=True),
            (args.vararg, None),
            *zip(args.kwonlyargs, args.kw_defaults, strict=True),
            (args.kwarg, None),
        ]
        for param, default in params:
            if param is None:
                continue
            self.bind(param.arg)
            inner, self.scope = self.scope, outer
            self.visit_all([default])
            self._annotation(param.annotation)
            self.scope = inner
        self.scope.count += 1  # the parameter list

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bind(node.name)
        self.visit_all(node.decorator_list)
        self.visit_all([*node.bases, *(k.value for k in node.keywords)])
        outer = self.scope
        self.scope = Scope(outer, is_class=True)
        self.visit_all(node.body)
        self.scope = outer

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.nonlocals.update(node.names)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, results: list[ast.expr]
    ) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        outer = self.scope
        self.scope = Scope(outer)
        self.visit(first.target)
        self.scope.count += 1
        self.visit_all(first.ifs)
        for generator in rest:
            self.visit_all([generator.target, generator.iter, *generator.ifs])
        self.scope.count += len(rest)  # each inner `for` clause, left innermost first
        self.visit_all(results)
        self.scope = outer

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.visit_all([node.type])
        if node.name:
            self.bind(node.name)
            self.scope.count += 1  # the `as` clause
        self.visit_all(node.body)

    def visit_withitem(self, node: ast.withitem) -> None:
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self.visit(node.optional_vars)
            self.scope.count += 1  # the `as` clause

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.target)
        self.scope.count += 1
        self.visit_all([node.iter, *node.body, *node.orelse])

    visit_AsyncFor = visit_For

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self.visit_all([node.pattern])
        if node.name:
            self.bind(node.name)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.visit_all([*node.keys, *node.patterns])
        if node.rest:
            self.bind(node.rest)

    def _qualified(self, node: ast.expr) -> str:
        """The dotted original of a name or attribute chain whose head an import binds ("" otherwise)."""
        names = _dotted_names(node)
        if not names:
            return ""
        head, _, rest = names[0].partition(".")
        scope: Scope | None = self.scope
        while scope is not None:
            if head in scope.imported:
                original = scope.imported[head]
                return f"{original}.{rest}" if rest else original
            scope = scope.visible_parent()
        return ""


def _dotted_names(node: ast.AST) -> list[str]:
    """`a.b.c` -> ["a.b.c", "a.b", "a"]; through a call's callee (`a.b().c` -> ["a.b", "a"]); [] otherwise."""
    if isinstance(node, ast.Name):
        return [node.id]
    if not isinstance(node, ast.Attribute):
        return []
    value = node.value
    if isinstance(value, ast.Call):
        return _dotted_names(value.func) if isinstance(value.func, (ast.Attribute, ast.Name)) else []
    inner = _dotted_names(value)
    return [f"{inner[0]}.{node.attr}", *inner] if inner else []
