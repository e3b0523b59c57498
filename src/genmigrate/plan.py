"""Stage 2: decide what goes where. A `MigrationPlan` is plain data, serialisable to JSON."""

from __future__ import annotations

import dataclasses
import json
import keyword
import posixpath
import re
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from genmigrate.config import Config, ShimMode
from genmigrate import marker, progress
from genmigrate.discover.providers import display_name
from genmigrate.generated import EMBEDDER_SUFFIX, offered_operations
from genmigrate.model import ClassInfo, ClientModule, ScanResult

_PROTOCOL_RANK = {"modelclient": 0, "learned": 1, "chat-wrapper": 2, "unknown": 3}
EMBEDDING_OPERATIONS = frozenset({"embed", "aembed"})
CONFIG_KINDS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


class PlanError(Exception):
    """The repo cannot be migrated as configured; the message is one `path:line: message` line."""


@dataclass(frozen=True)
class ModuleMove:
    source_path: str  # "api/openai_client.py"
    source_module: str  # "api.openai_client"
    provider: str  # registry name: the provider, or the file stem when two modules share one
    target_path: str  # "api/components/generator/providers/openai_generator.py"
    target_module: str  # "api.components.generator.providers.openai_generator"
    classes: tuple[str, ...]  # every class of the legacy module, in source order
    primary_class: str  # the class the generated adapter wraps
    adapter_class: str  # "OpenAIGenerator"
    protocol: str
    keep: tuple[int, ...]  # indexes of module-level statements that move
    moved_names: tuple[str, ...]  # names the moved statements define
    # "embedding" when the primary class only embeds (module `<provider>_embedder.py`, routed by
    # the manager's embed calls), else "llm" (`<provider>_generator.py`).
    family: str = "llm"


@dataclass(frozen=True)
class FileRewrite:
    path: str  # a file that refers to a moved module
    kind: str  # "python" | "json" | "yaml" | "toml"


@dataclass(frozen=True)
class MigrationPlan:
    root: str
    package_path: str  # "api/components/generator"
    package_module: str  # "api.components.generator"
    import_root: str  # posix dir the dotted names are relative to ("" for the repo root)
    shim: ShimMode
    tests_dir: str
    moves: tuple[ModuleMove, ...]
    rewrites: tuple[FileRewrite, ...]

    @property
    def lookups(self) -> dict[str, str]:
        """Old dotted prefix -> module where the name is looked up after the move (longest prefix wins)."""
        table: dict[str, str] = {}
        for move in self.moves:
            alias = self.shim_of(move) == "alias"
            table[move.source_module] = move.target_module if alias else move.source_module
            if not alias:
                for name in move.moved_names:
                    table[f"{move.source_module}.{name}"] = move.target_module
        return table

    @property
    def module_moves(self) -> dict[str, str]:
        return {m.source_module: m.target_module for m in self.moves}

    @property
    def import_moves(self) -> dict[str, str]:
        """Importers to repoint. With re-export shims the old module stays a real module (it keeps what
        did not move and re-exports what did), so importers keep it; only patch targets move, by name."""
        return {m.source_module: m.target_module for m in self.moves if self.shim_of(m) == "alias"}

    def shim_of(self, move: ModuleMove) -> ShimMode:
        """A package's `__init__.py` keeps being the package (its submodules import through it): it
        gets a re-export shim whatever the mode."""
        return "reexport" if is_package_init(move.source_path) else self.shim

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MigrationPlan:
        moves = tuple(
            ModuleMove(**{**m, **{k: tuple(m[k]) for k in ("classes", "keep", "moved_names")}})
            for m in data["moves"]
        )
        rewrites = tuple(FileRewrite(**r) for r in data["rewrites"])
        return cls(**{**data, "moves": moves, "rewrites": rewrites})


def is_package_init(path: str) -> bool:
    return posixpath.basename(path) == "__init__.py"


def provider_header(move: ModuleMove, import_root: str) -> str:
    """The marker line of a provider module; `existing_moves` parses it back on later runs."""
    return marker.provider_header(
        {
            "provider": move.provider,
            "adapter": move.adapter_class,
            "wraps": move.primary_class,
            "protocol": move.protocol,
            **({"family": move.family} if move.family != "llm" else {}),
            "classes": ",".join(move.classes),
            "moved-from": move.source_path,
            "import-root": import_root or ".",
        }
    )


def existing_moves(scan: ScanResult, read: Callable[[str], bytes | None]) -> tuple[ModuleMove, ...]:
    """Moves an earlier run applied, read back from the marker line of each provider module."""
    moves = []
    for path in scan.generated:
        fields = marker.read_provider_header(read(path) or b"")
        if fields is None:
            continue
        try:
            import_root = "" if fields["import-root"] == "." else fields["import-root"]
            moves.append(
                ModuleMove(
                    source_path=fields["moved-from"],
                    source_module=_dotted(fields["moved-from"][:-3], import_root),
                    provider=fields["provider"],
                    target_path=path,
                    target_module=_dotted(path[:-3], import_root),
                    classes=tuple(name for name in fields["classes"].split(",") if name),  # none: only functions
                    primary_class=fields["wraps"],
                    adapter_class=fields["adapter"],
                    protocol=fields["protocol"],
                    keep=(),
                    moved_names=(),
                    family=fields.get("family", "llm"),
                )
            )
        except KeyError as exc:
            raise PlanError(f"{path}:1: provider-module marker lacks {exc.args[0]}=") from None
    return tuple(sorted(moves, key=lambda m: m.target_path))


def make_plan(scan: ScanResult, config: Config, existing: tuple[ModuleMove, ...] = ()) -> MigrationPlan:
    """Plan the migration of every client module in `scan`.

    `existing` holds moves already applied by an earlier run (their provider modules are regenerated
    package members now); they keep their place in the registry so a re-run renders the same package.
    """
    clients = sorted(scan.clients, key=lambda c: c.path)
    import_root = _common_import_root(clients, existing)
    package_path = config.output or _default_output(clients, existing, import_root)
    package_module = _dotted(package_path, import_root)
    families = _families(clients, existing)
    names: dict[str, str] = {}
    for family in sorted(set(families.values())):
        group = [c for c in clients if families[c.path] == family]
        suffix = EMBEDDER_SUFFIX if family == "embedding" else ""
        names.update(registry_names(group, frozenset(m.provider for m in existing), suffix))
    moves = list(existing)
    moves += [
        _move(c, names[c.path], config, package_path, package_module, families[c.path])
        for c in progress.track(clients, "modules planned")
    ]
    moved_modules = {m.source_module for m in moves}
    rewrites = _rewrites(clients, moved_modules)
    return MigrationPlan(
        root=scan.root,
        package_path=package_path,
        package_module=package_module,
        import_root=import_root,
        shim=config.shim,
        tests_dir="tests/parity",
        moves=tuple(sorted(moves, key=lambda m: m.target_path)),  # a pure function of the tree
        rewrites=rewrites,
    )


def _families(clients: list[ClientModule], existing: tuple[ModuleMove, ...]) -> dict[str, str]:
    """Client path -> family. A module is an embedder only when what its adapter wraps embeds and
    neither generates nor streams, and its provider has another module (in this run or an earlier
    one); every other module, a provider's only module included, is the provider's generator."""
    modules: dict[str, int] = {}
    for provider in [c.provider for c in clients] + [_existing_provider(m) for m in existing]:
        modules[provider] = modules.get(provider, 0) + 1
    return {
        c.path: "embedding" if _offered(c) <= EMBEDDING_OPERATIONS and modules[c.provider] > 1 else "llm"
        for c in clients
    }


def _existing_provider(move: ModuleMove) -> str:
    return move.provider.removesuffix(EMBEDDER_SUFFIX) if move.family == "embedding" else move.provider


def _offered(client: ClientModule) -> set[str]:
    """The operations the adapter of `client` defines; a client no adapter could call anything on
    is refused here, before anything is rendered."""
    if _wraps_functions(client):
        return offered_operations("functions", tuple(client.functions))
    if not client.classes:
        raise PlanError(f"{client.path}:1: no class to extract")
    primary = _primary(client.classes)
    ops = offered_operations(
        primary.protocol, tuple(primary.methods), tuple(primary.operations), tuple(primary.model_types)
    )
    if not ops:
        raise PlanError(
            f"{client.path}:{primary.line}: class {primary.name}: no operation recognised; "
            "state it in [tool.genmigrate.protocols] or exclude the file"
        )
    return ops


def _wraps_functions(client: ClientModule) -> bool:
    """No class offers an operation but the module-level functions do (the `ollama_patch.py` shape:
    provider calls in functions next to a class wrapping a framework component): the adapter calls
    the functions, and the whole module moves as always."""
    if client.classes:
        primary = _primary(client.classes)
        ops = offered_operations(primary.protocol, tuple(primary.methods), tuple(primary.operations), tuple(primary.model_types))
        if ops:
            return False
    return bool(offered_operations("functions", tuple(client.functions)))


def _move(
    client: ClientModule, name: str, config: Config, package_path: str, package_module: str, family: str
) -> ModuleMove:
    wrapped, protocol = ("", "functions") if _wraps_functions(client) else _wrapped_class(client)
    if config.shim == "alias" and not is_package_init(client.path):
        keep = tuple(s.index for s in client.statements)
    else:
        needed = {i for c in client.classes for i in c.needs}
        needed |= {s.index for s in client.statements if s.kind == "class" and set(s.defines) & {c.name for c in client.classes}}
        keep = tuple(sorted(needed))
    by_index = {s.index: s for s in client.statements}
    # What the re-export shim re-exports: names that exist at run time.
    moved_names = tuple(name for i in keep if i in by_index and not by_index[i].type_only for name in by_index[i].defines)
    stem = name.removesuffix(EMBEDDER_SUFFIX) if family == "embedding" else name
    kind, module = ("Embedder", name) if family == "embedding" else ("Generator", f"{name}_generator")
    adapter = display_name(stem) + kind
    if adapter in moved_names:
        adapter = f"Unified{adapter}"
    return ModuleMove(
        source_path=client.path,
        source_module=client.module,
        provider=name,
        target_path=f"{package_path}/providers/{module}.py",
        target_module=f"{package_module}.providers.{module}",
        classes=tuple(c.name for c in client.classes),
        primary_class=wrapped,
        adapter_class=adapter,
        protocol=protocol,
        keep=keep,
        moved_names=moved_names,
        family=family,
    )


def _wrapped_class(client: ClientModule) -> tuple[str, str]:
    primary = _primary(client.classes)
    return primary.name, primary.protocol


def _primary(classes: list[ClassInfo]) -> ClassInfo:
    return min(enumerate(classes), key=lambda ic: (_PROTOCOL_RANK[ic[1].protocol], ic[0]))[1]


_SUFFIXES = ("_client", "_patch", "_wrapper", "_llm", "_api", "_provider")
_GENERIC = frozenset({"", "client", "clients", "llm", "llms", "api", "model", "models", "provider", "main", "base"})


def registry_names(
    clients: Sequence[ClientModule], taken: AbstractSet[str] = frozenset(), suffix: str = ""
) -> dict[str, str]:
    """Client path -> registry name (+ `suffix`), a pure function of the set of clients, never of their order.

    A provider with one module is named after the provider. Modules sharing a provider are named
    after themselves (`openai_compat_client.py` -> `openai_compat`; the module whose stem is the
    provider keeps the provider); names still shared, or `taken` by an earlier run, take their
    parent folders (`llms/openai.py` -> `llms_openai`) until they are unique. Call it once per
    family (LLMs, embedders: `suffix="_embedder"`).
    """
    by_provider: dict[str, list[ClientModule]] = {}
    for client in clients:
        by_provider.setdefault(client.provider, []).append(client)
    wanted: dict[str, list[str]] = {}
    for provider, group in by_provider.items():
        for client in group:
            own = _own_names(client)
            wanted[client.path] = [n + suffix for n in ([provider, *own] if len(group) == 1 else own)]
    depth = dict.fromkeys(wanted, 0)
    while True:
        chosen = {path: options[depth[path]] for path, options in wanted.items()}
        counts: dict[str, int] = {}
        for name in chosen.values():
            counts[name] = counts.get(name, 0) + 1
        clashing = [p for p, n in chosen.items() if (counts[n] > 1 or n in taken) and depth[p] < len(wanted[p]) - 1]
        if not clashing:
            return chosen
        for path in clashing:
            depth[path] += 1


def _own_names(client: ClientModule) -> list[str]:
    """Names for a module from its own path, shortest first; the last is its whole path."""
    stem = posixpath.splitext(posixpath.basename(client.path))[0]
    for ending in _SUFFIXES:
        stem = stem.removesuffix(ending)
    if stem in _GENERIC or stem == "__init__":
        stem = _snake(client.classes[0].name) if client.classes else ""
    folders = [f for f in posixpath.dirname(client.path).split("/") if f]
    names = [stem] if stem and stem not in _GENERIC else []
    names += ["_".join([*folders[-count:], stem]) for count in range(1, len(folders) + 1)]
    names.append(client.path)
    return list(dict.fromkeys(_identifier(n) for n in names))


def _snake(name: str) -> str:
    for ending in ("Client", "Wrapper", "LLM", "Generator"):
        name = name.removesuffix(ending)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _identifier(text: str) -> str:
    name = re.sub(r"\W+", "_", text.removesuffix(".py")).strip("_").lower()
    return name if name.isidentifier() and not keyword.iskeyword(name) else f"m_{name}"


def _rewrites(clients: list[ClientModule], moved_modules: set[str]) -> tuple[FileRewrite, ...]:
    moved_paths = {c.path for c in clients}
    paths: dict[str, str] = {}
    for client in clients:
        for dep in client.dependents:
            if dep.path in moved_paths:
                continue
            ext = posixpath.splitext(dep.path)[1]
            kind = CONFIG_KINDS.get(ext, "python" if ext == ".py" else "")
            if kind and (kind == "python" or _names_module(dep.target, moved_modules)):
                paths[dep.path] = kind
    return tuple(FileRewrite(path=p, kind=k) for p, k in sorted(paths.items()))


def _names_module(target: str, modules: set[str]) -> bool:
    dotted = target.replace(":", ".")
    return any(dotted == m or dotted.startswith(m + ".") for m in modules)


def _module_dir(module: str, path: str) -> str:
    """The import root of a module: its path minus the dotted name's folders (a package's
    `__init__.py` sits inside its own folder)."""
    depth = module.count(".") + is_package_init(path)
    parts = posixpath.dirname(path).split("/") if posixpath.dirname(path) else []
    return "/".join(parts[: len(parts) - depth]) if depth <= len(parts) else ""


def _common_import_root(clients: list[ClientModule], existing: tuple[ModuleMove, ...]) -> str:
    roots = {_module_dir(c.module, c.path) for c in clients}
    roots |= {_module_dir(m.target_module, m.target_path) for m in existing}
    if len(roots) > 1:
        first = sorted(clients, key=lambda c: c.path)[0]
        listed = ", ".join(sorted(roots))
        raise PlanError(f"{first.path}:1: client modules live under several import roots: {listed}; "
                        "migrate one project at a time (give its folder as PATH)")
    return roots.pop() if roots else ""


def _default_output(clients: list[ClientModule], existing: tuple[ModuleMove, ...], import_root: str) -> str:
    if existing:
        return existing[0].target_path.rsplit("/providers/", 1)[0]
    packages = [c.module.split(".")[:-1] for c in clients]
    common: list[str] = []
    for parts in zip(*packages):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if "components" in common:
        # Clients already inside a `components` package (`pkg/components/model_client/`): the
        # generator goes next to them in it (`pkg/components/generator/`), not one level deeper.
        common = common[: len(common) - common[::-1].index("components")]
    else:
        common.append("components")
    return posixpath.join(import_root, *common, "generator")


def _dotted(path: str, import_root: str) -> str:
    rel = posixpath.relpath(path, import_root) if import_root else path
    if rel.startswith(".."):
        raise PlanError(f"{path}:0: the output folder is outside the import root {import_root or '.'!r}")
    return rel.removesuffix("/__init__").replace("/", ".")
