"""Render the generated package (plus provider modules built from legacy sources) into a folder."""

from __future__ import annotations

import ast
import importlib
import itertools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from genmigrate.generated import (
    AdapterContext,
    PackageContext,
    ProviderEntry,
    render_adapter,
    render_package,
)
from genmigrate.model import MethodInfo

LEGACY_DIR = Path(__file__).parent / "legacy"
_names = itertools.count(1)


@dataclass(frozen=True)
class LegacyProvider:
    """A provider module to generate: legacy source file + the class to wrap."""

    name: str
    source: str  # file name under tests/servers/legacy/
    legacy_class: str
    protocol: str

    @property
    def module(self) -> str:
        return f"{self.name}_generator"

    @property
    def adapter_class(self) -> str:
        return f"{self.name.capitalize()}Generator"

    def entry(self) -> ProviderEntry:
        return ProviderEntry(
            self.name, self.module, self.adapter_class, (self.legacy_class,), self.protocol
        )


def scan_methods(source: str, class_name: str) -> tuple[MethodInfo, ...]:
    """A small stand-in for the discover stage: the methods of one class, as scanned."""
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    return tuple(_method(node) for node in cls.body if isinstance(node, _FUNCS))


_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _method(node: ast.FunctionDef | ast.AsyncFunctionDef) -> MethodInfo:
    args = node.args
    params = [a.arg for a in (*args.posonlyargs, *args.args)]
    if args.vararg:
        params.append("*" + args.vararg.arg)
    params += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        params.append("**" + args.kwarg.arg)
    own = [n for n in ast.walk(node) if isinstance(n, (ast.Yield, ast.YieldFrom))]
    return MethodInfo(
        name=node.name,
        line=node.lineno,
        params=params,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        is_generator=bool(own),
        decorators=[ast.unparse(d) for d in node.decorator_list],
    )


def write_package(root: Path, providers: Iterable[LegacyProvider]) -> str:
    """Render `<unique>.components.generator` under root; return its dotted name."""
    providers = tuple(providers)
    top = f"genapp{next(_names)}_{abs(hash(root)) % 10**8}"
    package = f"{top}.components.generator"
    base = root / top / "components" / "generator"
    files = render_package(PackageContext(package, tuple(p.entry() for p in providers)))
    for rel, text in files.items():
        target = base / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for folder in (root / top, root / top / "components"):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    for provider in providers:
        legacy = (LEGACY_DIR / provider.source).read_text(encoding="utf-8")
        ctx = AdapterContext(
            provider.name,
            provider.adapter_class,
            provider.legacy_class,
            provider.protocol,
            scan_methods(legacy, provider.legacy_class),
        )
        header = "# genmigrate: moved from a legacy client module.\n"
        text = header + legacy + "\n\n" + render_adapter(ctx)
        (base / "providers" / f"{provider.module}.py").write_text(text, encoding="utf-8")
    return package


def import_package(root: Path, package: str) -> ModuleType:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(package)
