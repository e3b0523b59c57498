"""Stage 3: produce the new bytes of every touched or created file. Nothing is written here."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst

from genmigrate import progress
from genmigrate.codemods._source import CodemodError, parse
from genmigrate.codemods.absolutize_imports import absolutize_module, may_have_relative_imports
from genmigrate.codemods.alias_shim import alias_shim_module
from genmigrate.codemods.extract_statements import keep_statements
from genmigrate.codemods.insert_adapter import add_adapter
from genmigrate.codemods.keep_logger_names import keep_logger_names_module, may_name_a_logger
from genmigrate.codemods.reexport_shim import reexport_module
from genmigrate.codemods.rewrite_config_refs import rewrite_config_refs
from genmigrate.codemods.rewrite_imports import may_import_moved, rewrite_module_imports
from genmigrate.codemods.rewrite_patch_targets import may_name_moved, rewrite_module_targets
from genmigrate.errors import GenmigrateError
from genmigrate.generated import FUNCTIONS_FACTORY, AdapterContext, PackageContext, ProviderEntry, render_adapter, render_package
from genmigrate.marker import GENERATED_HEADER
from genmigrate.model import ClientModule, FileChange, ScanResult
from genmigrate.plan import MigrationPlan, ModuleMove, provider_header
from genmigrate.sourcefile import SourceText
from genmigrate.tree import Tree

COMPONENTS_INIT = f'{GENERATED_HEADER}\n"""Generated components."""\n'


class RenderError(GenmigrateError):
    """A file the codemods cannot transform."""


@contextmanager
def _transforming(path: str) -> Iterator[None]:
    try:
        yield
    except CodemodError as exc:
        raise RenderError.at(path, max(exc.line, 1), f"cannot transform: {exc.message}") from None
    except cst.ParserSyntaxError as exc:
        raise RenderError.at(path, exc.raw_line, f"cannot parse: {exc.message}") from None
    except (ValueError, UnicodeError) as exc:
        raise RenderError.at(path, 1, f"cannot transform: {exc}") from None


def render(plan: MigrationPlan, scan: ScanResult, tree: Tree) -> list[FileChange]:
    """Every file the plan creates or changes, in path order; unchanged files are left out."""
    clients = {c.path: c for c in scan.clients}
    out: dict[str, bytes] = {}
    for move in progress.track(plan.moves, "modules rendered"):
        client = clients.get(move.source_path)
        if client is None:  # moved by an earlier run: only the package files are re-rendered
            continue
        with _transforming(move.source_path):
            source = tree.source(move.source_path)
            module = parse(source.text)  # parsed once: both outputs are built from this tree
            out[move.target_path] = _provider_module(plan, move, client, source, module)
            out[move.source_path] = _shim(plan, move, source, module)
    for rewrite in progress.track(plan.rewrites, "files rewritten"):
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


def _provider_module(
    plan: MigrationPlan, move: ModuleMove, client: ClientModule, source: SourceText, module: cst.Module
) -> bytes:
    """The codemods chained on one tree: extract -> logger names -> absolutize -> rewrite
    imports and targets -> adapter."""
    module = keep_statements(module, move.keep)
    if may_name_a_logger(source.text):
        module = keep_logger_names_module(module, move.source_module)
    if may_have_relative_imports(source.text):
        module = absolutize_module(module, move.source_module)
    # Absolutizing only adds segments of the module's own name: the prefilters see those too.
    seen = f"{source.text}\n{move.source_module}"
    module = _rewrite_python(plan, seen, module, move.target_module, is_package=False)
    if move.protocol == "functions":
        context = AdapterContext(move.provider, move.adapter_class, FUNCTIONS_FACTORY, move.protocol, tuple(client.functions))
    else:
        primary = next(c for c in client.classes if c.name == move.primary_class)
        context = AdapterContext(
            provider=move.provider,
            adapter_class=move.adapter_class,
            legacy_class=move.primary_class,
            protocol=move.protocol,
            methods=tuple(primary.methods),
            operations=tuple(primary.operations),
            protocol_base=primary.protocol_base,
            model_types=tuple(primary.model_types),
            opens_client=tuple(primary.opens_client),
            model_type_bound=move.protocol == "modelclient" and bool(primary.model_type_import),
            message_module=primary.message_module,
        )
    adapter = render_adapter(context)
    module = add_adapter(module, adapter, provider_header(move, plan.import_root))
    return source.with_text(module.code).encode()


def _shim(plan: MigrationPlan, move: ModuleMove, source: SourceText, module: cst.Module) -> bytes:
    if plan.shim_of(move) == "alias":
        shim = alias_shim_module(module, move.target_module, move.source_path)
    else:
        shim = reexport_module(module, move.target_module, move.moved_names)
    return source.with_text(shim.code).encode()


def _rewrite(plan: MigrationPlan, path: str, kind: str, source: SourceText) -> bytes:
    if kind != "python":
        return source.with_text(rewrite_config_refs(source.text, plan.lookups, kind)).encode()
    if not (may_import_moved(source.text, plan.import_moves) or may_name_moved(source.text, plan.lookups)):
        return source.encode()  # nothing in the file can name a moved thing: no parse
    name = module_name(path, plan.import_root)
    is_package = path.endswith("/__init__.py") or path == "__init__.py"
    module = _rewrite_python(plan, source.text, parse(source.text), name, is_package)
    return source.with_text(module.code).encode()


def _rewrite_python(plan: MigrationPlan, text: str, module: cst.Module, name: str | None, is_package: bool) -> cst.Module:
    """Imports of moved modules, then dotted-path strings; a pass is skipped when `text` (a superset of
    the text of `module`) rules it out, since it would then change nothing."""
    if may_import_moved(text, plan.import_moves):
        module = rewrite_module_imports(module, plan.import_moves, name, is_package)
    if may_name_moved(text, plan.lookups):
        module = rewrite_module_targets(module, plan.lookups)
    return module


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
    # The folders this migration creates between the import root and the package get an __init__.py;
    # a folder that already exists without one is a namespace package and stays one (an __init__.py
    # there would hide the namespace's other portions).
    parent = posixpath.dirname(plan.package_path)
    while parent and parent != plan.import_root and parent.startswith(plan.import_root):
        init = posixpath.join(parent, "__init__.py")
        if not tree.exists(init) and not tree.is_dir(parent):
            files[init] = COMPONENTS_INIT
        parent = posixpath.dirname(parent)
    return files


def module_name(path: str, import_root: str) -> str | None:
    rel = posixpath.relpath(path, import_root) if import_root else path
    if rel.startswith("..") or not rel.endswith(".py"):
        return None
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)
