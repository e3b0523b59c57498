"""The scopes of a module as LibCST's `ScopeProvider` sees them, and how a name resolves through them."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field


@dataclass
class Scope:
    """The module, a function (lambda, comprehension) or a class body."""

    parent: Scope | None
    is_class: bool = False
    count: int = 0  # binding-like nodes left so far: orders bindings and uses within the scope
    last: dict[str, int] = field(default_factory=dict)  # bound name -> count at its last binding
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    imported: dict[str, str] = field(default_factory=dict)  # local name -> dotted original

    def visible_parent(self) -> Scope | None:
        parent = self.parent
        while parent is not None and parent.is_class:
            parent = parent.parent
        return parent


def contains(scope: Scope | None, name: str) -> bool:
    """`name` is bound in `scope` or a scope visible from it (builtins included)."""
    while scope is not None:
        if scope.parent is None:
            return name in scope.last or hasattr(builtins, name)
        if name in scope.globals:
            scope = root(scope)
        elif name in scope.nonlocals:
            scope = scope.parent
        elif name in scope.last:
            return True
        else:
            scope = scope.visible_parent()
    return False


def resolve(scope: Scope, name: str) -> Scope:
    """The scope whose binding of `name` a use in `scope` reads (the module scope when none binds it)."""
    while scope.parent is not None:
        if name in scope.globals:
            return root(scope)
        if name in scope.nonlocals:
            scope = scope.visible_parent() or root(scope)
        elif name in scope.last:
            return scope
        else:
            scope = scope.visible_parent() or root(scope)
    return scope


def root(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope
