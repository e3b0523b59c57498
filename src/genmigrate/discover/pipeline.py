"""The discovery pipeline: list -> prefilter -> confirm -> analyse -> dependents -> hazards."""

from __future__ import annotations

import ast
import contextlib
import fnmatch
from functools import partial
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import libcst as cst

from genmigrate import progress, runcache
from genmigrate.config import Config, key_line
from genmigrate.discover import names
from genmigrate.discover.calls import talks_http
from genmigrate.discover.clients import (
    NOTHING_TO_EXTRACT, Parsed, analyse, extends_other_clients, imported_modules, rejection,
)
from genmigrate.discover.crossrefs import dependent_hazards, same_name_helpers
from genmigrate.discover.dependents import find_dependents, is_text_candidate, parse_python
from genmigrate.discover.files import list_files
from genmigrate.discover.hazards import local_hazards
from genmigrate.discover.importroot import ImportRoots
from genmigrate.discover.prefilter import Hit, Words, classify, imports_http_client, words_pattern
from genmigrate.discover.protocols import learn_protocols
from genmigrate.discover.providers import detect_provider
from genmigrate.discover.pyrefs import Target
from genmigrate.marker import is_generated, read_provider_header
from genmigrate.model import ClientModule, Dependent, Hazard, Rejected, ScanResult, SourceError
from genmigrate.tree import Tree


NAME_ONLY = "names a provider in text only (no SDK import, no HTTP client)"


@dataclass
class _State:
    root: Path
    config: Config
    tree: Tree
    module_of: dict[str, str] = field(default_factory=dict)
    texts: dict[str, bytes] = field(default_factory=dict)
    candidates: list[tuple[str, Hit]] = field(default_factory=list)
    trees: dict[str, ast.Module] = field(default_factory=dict)
    errors: dict[str, SourceError] = field(default_factory=dict)
    parsed: set[str] = field(default_factory=set)
    generated: list[str] = field(default_factory=list)
    roots: ImportRoots = field(default_factory=lambda: ImportRoots(()))
    # Classes an earlier migration moved into provider modules, fully qualified.
    moved_classes: set[str] = field(default_factory=set)
    included: set[str] = field(default_factory=set)  # paths `[tool.genmigrate] include` forces in
    rejected: dict[str, str] = field(default_factory=dict)  # candidate path -> why it is no client


def run(root: Path, config: Config, overlay: Mapping[str, bytes] | None = None,
        on_libraries: Callable[[list[str]], None] | None = None) -> ScanResult:
    state = _State(root=root, config=config, tree=Tree(root, overlay or {}))
    listed = list_files(root, config.exclude, overlay)
    _read_and_prefilter(state, listed)
    if on_libraries is not None:
        on_libraries(_candidate_imports(state))
    confirmed = [p for p in (_confirm(state, path, hit) for path, hit in state.candidates) if p is not None]
    client_classes = {f"{p.module}.{c.name}" for p in confirmed for c in p.classes} | state.moved_classes
    words = _class_words(client_classes)
    clients = [p for p in confirmed if not _extends(state, p.path, client_classes, words)]
    _subclass_chains(state, client_classes)
    learn_protocols(clients, state.trees, _source_of(state), state.config.protocols)
    targets = [Target(p.path, p.module, tuple(c.name for c in p.classes)) for p in clients]
    dependents = find_dependents(state.texts, targets, state.module_of.__getitem__, state.trees, state.errors)
    state.parsed.update(state.trees)
    helpers = same_name_helpers(clients)
    modules = [_client(state, p, dependents[p.module], helpers.get(p.module, [])) for p in clients]
    # A file that names a provider only because it uses a client module is reported as that dependent.
    for path in {d.path for found in dependents.values() for d in found} & set(state.rejected):
        if state.rejected[path] == NAME_ONLY:
            del state.rejected[path]
    return ScanResult(
        root=root.as_posix(),
        files_listed=len(listed),
        candidates=len(state.candidates),
        parsed=len(state.parsed),
        clients=sorted(modules, key=lambda c: c.path),
        errors=sorted(state.errors.values(), key=lambda e: (e.path, e.line)),
        generated=sorted(state.generated),
        **_import_root(state, modules),
        rejected=[Rejected(path, state.module_of[path], state.rejected[path]) for path in sorted(state.rejected)],
    )


def _candidate_imports(state: _State) -> list[str]:
    """What the candidates that import an SDK import by absolute name, before any is analysed (the
    parses are the ones confirming them next, through `runcache`)."""
    found: list[str] = []
    for path, hit in state.candidates:
        if hit is Hit.IMPORT:
            with contextlib.suppress(SyntaxError, ValueError):
                found.extend(imported_modules(runcache.parse_ast(path, state.texts[path])))
    return found


def _import_root(state: _State, modules: list[ClientModule]) -> dict[str, str]:
    """The import root the client modules' dotted names start from, and where it was read."""
    found = sorted({state.roots.root_of(c.path) for c in modules})
    if not found:
        return {}
    return {"import_root": ", ".join(r or "." for r, _ in found), "import_root_from": "; ".join(w for _, w in found)}


def _source_of(state: _State) -> Callable[[str], tuple[str, bytes] | None]:
    """Dotted module -> (path, bytes) of the repo file defining it (a package's `__init__.py`)."""
    paths = {module: path for path, module in state.module_of.items() if path.endswith(".py")}
    return lambda module: (paths[module], state.texts[paths[module]]) if module in paths else None
def _subclass_chains(state: _State, client_classes: set[str]) -> None:
    """Rejected modules that subclass a client (or a subclass of one, transitively) say so."""
    known = set(client_classes)
    while True:
        words = _class_words(known)
        found = [path for path in sorted(state.rejected) if not state.rejected[path].startswith("subclasses ")
                 and _extends(state, path, known, words)]
        if not found:
            return
        for path in found:
            tree = state.trees[path]
            known.update(f"{state.module_of[path]}.{n.name}" for n in tree.body if isinstance(n, ast.ClassDef))


def _class_words(client_classes: set[str]) -> Words | None:
    """The short names of `client_classes`: a file naming none of them cannot subclass one."""
    return words_pattern(name.rsplit(".", 1)[-1] for name in client_classes)


def _extends(state: _State, path: str, client_classes: set[str], words: Words | None) -> bool:
    """Every class of `path` subclasses a client class of another module: a dependent of that client."""
    data = state.texts[path]
    if path in state.included or words is None or b"class " not in data or not words.search(data):
        return False
    if path not in state.trees:
        try:
            state.trees[path] = runcache.parse_ast(path, data)
        except (SyntaxError, ValueError):
            return False  # not parsed for its own sake: only a file naming a provider
    bases = extends_other_clients(path, state.module_of[path], state.trees[path], client_classes)
    if bases:
        state.rejected[path] = f"subclasses {', '.join(bases)}: a dependent of that client, not a client module"
    return bool(bases)


def _module_name(state: _State, path: str) -> str:
    return state.roots.module_name(path)


def _read_and_prefilter(state: _State, listed: list[str]) -> None:
    state.roots = ImportRoots.of(listed, lambda path: state.tree.read(path) or b"")
    _match_includes(state, listed)
    for path in progress.track(listed, "files scanned"):
        if not is_text_candidate(path):
            continue
        try:
            data = state.tree.read(path)
        except OSError as exc:
            state.errors[path] = SourceError(path, 1, f"cannot read: {exc.strerror or exc}")
            continue
        if data is None:
            state.errors[path] = SourceError(path, 1, "cannot read: not a file")
            continue
        state.texts[path] = data
        state.module_of[path] = _module_name(state, path)
        if is_generated(data):
            _note_generated(state, path, data)
        elif path in state.included:
            state.candidates.append((path, Hit.IMPORT))
        elif PurePosixPath(path).suffix == ".py" and not names.is_test_file(path):
            hit = runcache.memo("classify", data, partial(classify, data))
            if hit is not None:
                state.candidates.append((path, hit))


def _match_includes(state: _State, listed: list[str]) -> None:
    """Resolve `include` entries (dotted module, path or glob) to listed files; an unmatched one is an error."""
    python = [p for p in listed if p.endswith(".py")]
    for entry in state.config.include:
        found = [p for p in python if entry in (p, _module_name(state, p)) or fnmatch.fnmatchcase(p, entry)]
        if not found:
            state.errors[f"include:{entry}"] = SourceError(
                "pyproject.toml", key_line(state.root, "include"), f"include: {entry!r} matches no Python file",
                fatal=True)
        state.included.update(found)


def _note_generated(state: _State, path: str, data: bytes) -> None:
    state.generated.append(path)
    fields = read_provider_header(data)
    if fields is not None:
        # Both names reach a moved class: the provider module, and the old module (alias or re-export).
        modules = [state.module_of[path]]
        if "moved-from" in fields:
            modules.append(_module_name(state, fields["moved-from"]))
        classes = [name for name in fields.get("classes", "").split(",") if name]
        state.moved_classes.update(f"{module}.{name}" for module in modules for name in classes)


def _confirm(state: _State, path: str, hit: Hit) -> Parsed | None:
    data = state.texts[path]
    if hit is Hit.NAME and not (imports_http_client(data) and talks_http(data.decode("utf-8", "replace"))):
        state.rejected[path] = NAME_ONLY
        return None
    tree = parse_python(path, data, state.errors, fatal=hit is Hit.IMPORT)
    state.parsed.add(path)
    if tree is None:
        return None
    state.trees[path] = tree
    text = data.decode("utf-8", "replace")
    forced = path in state.included
    reason = rejection(tree, text)
    if reason is not None and not (forced and reason != NOTHING_TO_EXTRACT):
        state.rejected[path] = f"included, but {reason}" if forced else reason
        return None
    try:
        module = state.module_of[path]
        parsed = runcache.memo("analyse", (path, module, data, forced),
                               lambda: analyse(path, module, data, tree, text, force=forced))
        if parsed is None:
            state.rejected[path] = "no class or function uses the provider SDK or HTTP client it imports"
        return parsed
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError) as exc:
        line = getattr(exc, "raw_line", 1)
        state.errors[path] = SourceError(path, line, f"cannot parse: {str(exc).splitlines()[0]}", fatal=True)
        return None


def _client(state: _State, parsed: Parsed, dependents: list[Dependent], helpers: list[Hazard]) -> ClientModule:
    graph = parsed.graph
    provider, evidence = detect_provider(
        parsed.path, parsed.module, parsed.imports, parsed.text, [c.name for c in parsed.classes],
        state.config.providers,
    )
    importers = {state.module_of.get(d.path, "") for d in dependents if d.kind == "import"}
    hazards = local_hazards(graph, parsed.module, names.is_package(parsed.path), parsed.sdk_names, importers)
    hazards += helpers + dependent_hazards(dependents, {c.name: c.line for c in parsed.classes})
    return ClientModule(
        path=parsed.path, module=parsed.module, provider=provider, evidence=evidence,
        classes=parsed.classes, statements=graph.statements, functions=parsed.functions,
        hazards=sorted(hazards, key=lambda h: (h.line, h.code, h.message)),
        dependents=sorted(dependents, key=lambda d: (d.path, d.line, d.kind, d.target)),
        encoding=graph.encoding, newline=graph.newline,
    )
