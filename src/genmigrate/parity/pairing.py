"""Which class or function of the work tree is the counterpart of a legacy one (`parity --base`).

In order: the mapping (`--map`, `--map-file`, `[tool.genmigrate.parity.map]`); the same name in the
module the legacy module moved to (a module mapping, git's rename detection, else the module its
classes were found in) or in the module of the same name; a method of that name on the one class
of the moved module that defines it (a module of functions folded into a class); the same name
anywhere outside tests (in the module named most like the legacy one); for a class, the one class
of the moved module (else of the whole tree) that follows the same protocol for the same provider
and is nobody else's counterpart.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from genmigrate.model import ClientModule

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}


def module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class Definitions:
    """What the modules of one tree define at top level: name -> modules (sorted), and each class's methods."""

    classes: dict[str, list[str]] = field(default_factory=dict)
    functions: dict[str, list[str]] = field(default_factory=dict)
    methods: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)

    def defines(self, module: str, qualname: str) -> bool:
        head, _, method = qualname.partition(".")
        if method:
            return method in self.methods.get((module, head), set())
        return module in self.classes.get(head, []) or module in self.functions.get(head, [])

    def owners(self, module: str, method: str) -> list[str]:
        """The classes of `module` that define `method`."""
        return sorted(c for (m, c), names in self.methods.items() if m == module and method in names)


def definitions(root: Path) -> Definitions:
    found = Definitions()
    for file in sorted(root.rglob("*.py")):
        if SKIP_DIRS & set(file.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        module = module_name(root, file)
        found.modules.add(module)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found.classes.setdefault(node.name, []).append(module)
                found.methods[(module, node.name)] = {
                    n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                }
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.functions.setdefault(node.name, []).append(module)
    return found


def _words(module: str) -> set[str]:
    return set(re.split(r"[._]", module))


def pick(modules: list[str], legacy_module: str) -> str:
    """The same module if it is still there, else one outside tests, the one whose name shares
    most words with the legacy module's (`api.openrouter_client` -> `...openrouter_generator`)."""
    if legacy_module in modules:
        return legacy_module
    outside = [m for m in modules if not m.split(".")[0].startswith("test")] or modules
    return max(outside, key=lambda m: len(_words(m) & _words(legacy_module)))


@dataclass(frozen=True)
class Match:
    target: str  # "module:Name" or "module:Class.method"
    how: str  # map | moved module | same module | name | protocol


@dataclass
class Pairing:
    """Everything counterparts are found with: the work tree's definitions and clients, the
    module moves (legacy module -> module now) and the explicit mapping (legacy -> target)."""

    now: Definitions
    clients: list[ClientModule]
    moves: dict[str, str]
    mapping: dict[str, str]
    claimed: set[str] = field(default_factory=set)
    # legacy module -> the module its classes were found in (where its functions are looked for)
    followed: dict[str, str] = field(default_factory=dict)

    def _mapped(self, module: str, name: str) -> Match | None:
        target = self.mapping.get(f"{module}:{name}") or self.mapping.get(name)
        if target is None:
            return None
        if ":" not in target:
            kinds = self.now.classes.get(target) or self.now.functions.get(target) or []
            if not kinds:
                return None
            target = f"{pick(kinds, module)}:{target}"
        return Match(target, "map")

    def moved(self, module: str) -> str:
        return self.mapping.get(module) or self.moves.get(module) or self.followed.get(module) or module

    def _by_name(self, module: str, name: str, table: dict[str, list[str]]) -> Match | None:
        moved = self.moved(module)
        if moved in table.get(name, []):
            return Match(f"{moved}:{name}", "moved module" if moved != module else "same module")
        if name in table:
            return Match(f"{pick(table[name], module)}:{name}", "name")
        return None

    def for_class(self, module: str, name: str) -> Match | None:
        """By the mapping or by name (run `by_protocol` for the rest once every class had its turn)."""
        found = self._mapped(module, name) or self._by_name(module, name, self.now.classes)
        if found is not None:
            self.claimed.add(found.target)
            self.followed.setdefault(module, found.target.partition(":")[0])
        return found

    def for_function(self, module: str, name: str) -> Match | None:
        found = self._mapped(module, name)
        moved = self.moved(module)
        if found is None and moved in self.now.functions.get(name, []):
            found = Match(f"{moved}:{name}", "moved module" if moved != module else "same module")
        owners = self.now.owners(moved, name)
        if found is None and len(owners) == 1:
            found = Match(f"{moved}:{owners[0]}.{name}", "moved module")
        return found or self._by_name(module, name, self.now.functions)

    def by_protocol(self, module: str, provider: str, protocol: str) -> Match | None:
        if protocol in ("unknown", "functions"):
            return None
        same = [
            (c.module, k.name)
            for c in self.clients
            for k in c.classes
            if c.provider == provider and k.protocol == protocol and f"{c.module}:{k.name}" not in self.claimed
        ]
        moved = self.moved(module)
        for pool in ([s for s in same if s[0] == moved], same):
            if len(pool) == 1:
                self.claimed.add(f"{pool[0][0]}:{pool[0][1]}")
                return Match(f"{pool[0][0]}:{pool[0][1]}", "protocol")
        return None
