"""The discovery pipeline: list -> prefilter -> confirm -> analyse -> dependents -> hazards."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import libcst as cst

from genmigrate import progress
from genmigrate.config import Config
from genmigrate.discover import names
from genmigrate.discover.clients import Parsed, analyse, extends_other_clients, has_endpoint, worth_full_parse
from genmigrate.discover.crossrefs import dependent_hazards, same_name_helpers
from genmigrate.discover.dependents import find_dependents, is_text_candidate, parse_python
from genmigrate.discover.files import list_files
from genmigrate.discover.hazards import local_hazards
from genmigrate.discover.prefilter import Hit, classify, imports_http_client
from genmigrate.discover.protocols import learn_protocols
from genmigrate.discover.providers import detect_provider
from genmigrate.discover.pyrefs import Target
from genmigrate.discover.source import Reader, is_generated
from genmigrate.marker import read_provider_header
from genmigrate.model import ClientModule, Dependent, Hazard, ScanResult, SourceError


@dataclass
class _State:
    root: Path
    config: Config
    reader: Reader
    module_of: dict[str, str] = field(default_factory=dict)
    texts: dict[str, bytes] = field(default_factory=dict)
    candidates: list[tuple[str, Hit]] = field(default_factory=list)
    trees: dict[str, ast.Module] = field(default_factory=dict)
    errors: dict[str, SourceError] = field(default_factory=dict)
    parsed: set[str] = field(default_factory=set)
    generated: list[str] = field(default_factory=list)
    strip_src: bool = False
    # Classes an earlier migration moved into provider modules, fully qualified.
    moved_classes: set[str] = field(default_factory=set)


def run(root: Path, config: Config, overlay: Mapping[str, bytes] | None = None) -> ScanResult:
    state = _State(root=root, config=config, reader=Reader(root, overlay))
    listed = list_files(root, config.exclude, overlay)
    _read_and_prefilter(state, listed)
    confirmed = [p for p in (_confirm(state, path, hit) for path, hit in state.candidates) if p is not None]
    client_classes = {f"{p.module}.{c.name}" for p in confirmed for c in p.classes} | state.moved_classes
    clients = [p for p in confirmed if not extends_other_clients(p, state.trees[p.path], client_classes)]
    learn_protocols(clients, state.trees, _source_of(state), state.config.protocols)
    targets = [Target(p.path, p.module, tuple(c.name for c in p.classes)) for p in clients]
    dependents = find_dependents(state.texts, targets, state.module_of.__getitem__, state.trees, state.errors)
    state.parsed.update(state.trees)
    helpers = same_name_helpers(clients)
    modules = [_client(state, p, dependents[p.module], helpers.get(p.module, [])) for p in clients]
    return ScanResult(
        root=root.as_posix(),
        files_listed=len(listed),
        candidates=len(state.candidates),
        parsed=len(state.parsed),
        clients=sorted(modules, key=lambda c: c.path),
        errors=sorted(state.errors.values(), key=lambda e: (e.path, e.line)),
        generated=sorted(state.generated),
    )


def _source_of(state: _State) -> Callable[[str], tuple[str, bytes] | None]:
    """Dotted module -> (path, bytes) of the repo file defining it (a package's `__init__.py`)."""
    paths = {module: path for path, module in state.module_of.items() if path.endswith(".py")}
    return lambda module: (paths[module], state.texts[paths[module]]) if module in paths else None


def _module_name(state: _State, path: str) -> str:
    module = names.module_name(path)
    return module[4:] if state.strip_src and module.startswith("src.") else module


def _read_and_prefilter(state: _State, listed: list[str]) -> None:
    state.strip_src = "src/__init__.py" not in listed
    for path in progress.track(listed, "files scanned"):
        if not is_text_candidate(path):
            continue
        try:
            data = state.reader.read(path)
        except OSError as exc:
            state.errors[path] = SourceError(path, 1, f"cannot read: {exc.strerror or exc}")
            continue
        state.texts[path] = data
        state.module_of[path] = _module_name(state, path)
        if is_generated(data):
            _note_generated(state, path, data)
        elif PurePosixPath(path).suffix == ".py" and not names.is_test_file(path):
            hit = classify(data)
            if hit is not None:
                state.candidates.append((path, hit))


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
    if hit is Hit.NAME and not (imports_http_client(data) and has_endpoint(data.decode("utf-8", "replace"))):
        return None  # a provider named in text only: no SDK import, not an HTTP wrapper either
    tree = parse_python(path, data, state.errors, fatal=hit is Hit.IMPORT)
    state.parsed.add(path)
    if tree is None:
        return None
    state.trees[path] = tree
    text = data.decode("utf-8", "replace")
    if not worth_full_parse(tree, text):
        return None
    try:
        return analyse(path, state.module_of[path], data, tree, text)
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
        classes=parsed.classes, statements=graph.statements,
        hazards=sorted(hazards, key=lambda h: (h.line, h.code, h.message)),
        dependents=sorted(dependents, key=lambda d: (d.path, d.line, d.kind, d.target)),
        encoding=graph.module.encoding, newline=graph.module.default_newline,
    )
