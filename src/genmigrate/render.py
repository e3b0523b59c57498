"""Stage 3: produce the new bytes of every touched or created file. Nothing is written here."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.absolutize_imports import absolutize_imports
from genmigrate.codemods.alias_shim import alias_shim
from genmigrate.codemods.extract_statements import extract_statements
from genmigrate.codemods.insert_adapter import insert_adapter
from genmigrate.codemods.reexport_shim import reexport_shim
from genmigrate.codemods.rewrite_config_refs import rewrite_config_refs
from genmigrate.codemods.rewrite_imports import rewrite_imports
from genmigrate.codemods.rewrite_patch_targets import rewrite_patch_targets
from genmigrate.generated import AdapterContext, PackageContext, ProviderEntry, render_adapter, render_package
from genmigrate.model import GENERATED_MARKER, ClientModule, FileChange, ScanResult
from genmigrate.plan import MigrationPlan, ModuleMove, provider_header
from genmigrate.sourcefile import SourceText
from genmigrate.tree import Tree

COMPONENTS_INIT = f'{GENERATED_MARKER} generated file - regenerate with genmigrate, do not edit.\n"""Generated components."""\n'


class RenderError(Exception):
    """A file the codemods cannot transform; the message is `path:line: message`."""


@contextmanager
def _transforming(path: str) -> Iterator[None]:
    try:
        yield
    except CodemodError as exc:
        raise RenderError(f"{path}:{max(exc.line, 1)}: cannot transform: {exc.message}") from None
    except cst.ParserSyntaxError as exc:
        raise RenderError(f"{path}:{exc.raw_line}: cannot parse: {exc.message}") from None
    except (ValueError, UnicodeError) as exc:
        raise RenderError(f"{path}:1: cannot transform: {exc}") from None


def render(plan: MigrationPlan, scan: ScanResult, tree: Tree) -> list[FileChange]:
    """Every file the plan creates or changes, in path order; unchanged files are left out."""
    clients = {c.path: c for c in scan.clients}
    out: dict[str, bytes] = {}
    for move in plan.moves:
        client = clients.get(move.source_path)
        if client is None:  # moved by an earlier run: only the package files are re-rendered
            continue
        with _transforming(move.source_path):
            source = tree.source(move.source_path)
            out[move.target_path] = _provider_module(plan, move, client, source)
            out[move.source_path] = _shim(plan, move, source)
    for rewrite in plan.rewrites:
        with _transforming(rewrite.path):
            source = tree.source(rewrite.path)
            out[rewrite.path] = _rewrite(plan, rewrite.path, rewrite.kind, source)
    for rel, text in _package_files(plan, tree).items():
        out[rel] = text.encode("utf-8")
    changes = []
    for path in sorted(out):
        old = tree.read(path)
        if old != out[path]:
            changes.append(FileChange(path=path, old=old, new=out[path]))
    return changes


def _provider_module(plan: MigrationPlan, move: ModuleMove, client: ClientModule, source: SourceText) -> bytes:
    text = extract_statements(source.text, move.keep)
    text = absolutize_imports(text, move.source_module)
    text = rewrite_imports(text, plan.import_moves, module_name=move.target_module)
    text = rewrite_patch_targets(text, plan.lookups)
    primary = next(c for c in client.classes if c.name == move.primary_class)
    adapter = render_adapter(
        AdapterContext(
            provider=move.provider,
            adapter_class=move.adapter_class,
            legacy_class=move.primary_class,
            protocol=move.protocol,
            methods=tuple(primary.methods),
        )
    )
    text = insert_adapter(text, adapter, provider_header(move, plan.import_root))
    return source.with_text(text).encode()


def _shim(plan: MigrationPlan, move: ModuleMove, source: SourceText) -> bytes:
    if plan.shim == "alias":
        text = alias_shim(source.text, move.target_module, move.source_path)
    else:
        text = reexport_shim(source.text, move.target_module, move.moved_names)
    return source.with_text(text).encode()


def _rewrite(plan: MigrationPlan, path: str, kind: str, source: SourceText) -> bytes:
    if kind == "python":
        module = _module_name(path, plan.import_root)
        is_package = path.endswith("/__init__.py") or path == "__init__.py"
        text = rewrite_imports(source.text, plan.import_moves, module_name=module, is_package=is_package)
        text = rewrite_patch_targets(text, plan.lookups)
    else:
        text = rewrite_config_refs(source.text, plan.lookups, kind)
    return source.with_text(text).encode()


def _package_files(plan: MigrationPlan, tree: Tree) -> dict[str, str]:
    entries = tuple(
        ProviderEntry(
            name=m.provider,
            module=m.target_module.rsplit(".", 1)[-1],
            adapter_class=m.adapter_class,
            legacy_classes=m.classes,
            protocol=m.protocol,
        )
        for m in plan.moves
    )
    files = {
        posixpath.join(plan.package_path, rel): text
        for rel, text in render_package(PackageContext(package=plan.package_module, providers=entries)).items()
    }
    # Every folder between the import root and the package needs an __init__.py to be importable.
    parent = posixpath.dirname(plan.package_path)
    while parent and parent != plan.import_root and parent.startswith(plan.import_root):
        init = posixpath.join(parent, "__init__.py")
        if not tree.exists(init):
            files[init] = COMPONENTS_INIT
        parent = posixpath.dirname(parent)
    return files


def _module_name(path: str, import_root: str) -> str | None:
    rel = posixpath.relpath(path, import_root) if import_root else path
    if rel.startswith("..") or not rel.endswith(".py"):
        return None
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)
