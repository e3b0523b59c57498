"""`genmigrate parity --base REV`: audit a whole migration (one done by hand included).

The tree at git revision REV is extracted into a scratch folder (the user's tree is never
written) and discovery finds its legacy client modules. Every legacy client class and every public
function of those modules is paired with its counterpart in the work tree
(`genmigrate.parity.pairing`: the mapping, the module it moved to, its name, its protocol) and
compared over the scenarios derived from the legacy code: the legacy side imported from the
scratch copy, the candidate from the work tree, the candidate given what the legacy side's steps
returned (`genmigrate.parity.given`) so a broken step does not hide the ones after it. A legacy
class or function with no counterpart is a difference.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from genmigrate.config import Config, ConfigError, load_config
from genmigrate.model import ClientModule, ScanResult
from genmigrate.parity.compare import Difference, group
from genmigrate.parity.facts import function_facts, module_facts
from genmigrate.parity.functions import function_of, functions_info
from genmigrate.parity.mapping import Entry, MappingError, check
from genmigrate.parity.pairing import Match, Pairing, definitions, module_name
from genmigrate.parity.pairs import ClassRef, PairError, compare_sides


class AuditError(Exception):
    """The audit could not run (not a git repository, an unknown revision); str() is `path:1: message`."""


@dataclass
class Audited:
    """One legacy class or public function and what became of it."""

    kind: str  # "class" | "function"
    legacy: str  # "module:Name" at the base revision
    candidate: str | None  # "module:Name" (or "module:Class.method") in the work tree; None: nothing matches
    paired_by: str = ""  # map | moved module | same module | name | protocol
    scenarios: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.candidate is None:
            return "no candidate found"
        return "differs" if self.differences else "same"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "legacy": self.legacy,
            "candidate": self.candidate,
            "paired_by": self.paired_by,
            "status": self.status,
            "scenarios": self.scenarios,
            "groups": [g.to_json() for g in group(self.differences)],
            "differences": [d.to_json() for d in self.differences],
            "notes": self.notes,
        }


def _git(path: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", "-C", str(path), *args], capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines() or ["git failed"]
        raise AuditError(f"{path}:1: {message[-1]}")
    return proc.stdout


def extract(path: Path, rev: str, into: Path) -> Path:
    """Write the tree of `rev` under `into`; return the folder that corresponds to `path` there."""
    top = Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())
    try:
        commit = _git(path, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except AuditError:
        raise AuditError(f"{path}:1: {rev} is not a commit of this repository") from None
    archive = _git(top, "archive", "--format=tar", commit)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    old = into / path.resolve().relative_to(top.resolve())
    if not old.is_dir():
        raise AuditError(f"{path}:1: not in the tree of {rev}")
    return old


def moved_modules(path: Path, rev: str, old_root: Path, new_root: Path) -> dict[str, str]:
    """Legacy module -> the module git sees it renamed to between `rev` and the work tree.
    `old_root`: where the legacy import root would be in the work tree (its layout at `rev`)."""
    top = Path(_git(path, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    fields = _git(path, "diff", "-M", "--name-status", "-z", rev, "--", ".").decode(errors="replace").split("\0")
    out, index = {}, 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        count = 2 if status[:1] in ("R", "C") else 1
        names = fields[index + 1 : index + 1 + count]
        index += 1 + count
        if status.startswith("R") and all(n.endswith(".py") for n in names):
            before, after = (top / n for n in names)
            try:
                out[module_name(old_root, before)] = module_name(new_root, after)
            except ValueError:  # outside the audited folder or its import root
                continue
    return out


def _config(root: Path) -> Config:
    try:
        return load_config(root)
    except ConfigError as exc:
        raise AuditError(str(exc)) from None


def _scan(root: Path) -> ScanResult:
    from genmigrate.discover import discover

    return discover(root, _config(root))


@dataclass
class _Trees:
    old: Path  # the scratch copy of PATH at REV
    old_root: Path  # its import root
    new_root: Path  # the work tree's import root


def audit(path: Path, rev: str, entries: list[Entry] | None = None) -> list[Audited]:
    """Every legacy client class and public function at `rev`, compared with its counterpart under `path`."""
    path = path.resolve()
    with tempfile.TemporaryDirectory(prefix="genmigrate-base-") as scratch:
        old = extract(path, rev, Path(scratch))
        before, after = _scan(old), _scan(path)
        trees = _Trees(old, (old / before.import_root).resolve(), (path / after.import_root).resolve())
        now = definitions(trees.new_root)
        try:
            mapping = check(entries or [], definitions(trees.old_root), now)
        except MappingError as exc:
            raise AuditError(str(exc)) from None
        moves = moved_modules(path, rev, (path / before.import_root).resolve(), trees.new_root)
        pairing = Pairing(now, after.clients, moves, mapping)
        matches = _pair_classes(before.clients, pairing)
        results = [_audit_class(trees, client, name, match) for client, name, match in matches]
        for client in before.clients:
            results += _audit_functions(trees, client, pairing)
    return results


def _pair_classes(clients: list[ClientModule], pairing: Pairing) -> list[tuple[ClientModule, str, Match | None]]:
    """By mapping and name first, then by protocol for the classes still without a counterpart."""
    out = [(c, k.name, pairing.for_class(c.module, k.name)) for c in clients for k in c.classes]
    protocols = {(c.module, k.name): k.protocol for c in clients for k in c.classes}
    return [
        (c, name, match or pairing.by_protocol(c.module, c.provider, protocols[(c.module, name)]))
        for c, name, match in out
    ]


def _ref(target: str) -> ClassRef:
    module, _, name = target.partition(":")
    return ClassRef(module, name)


def _compare(
    trees: _Trees,
    client: ClientModule,
    info: Any,
    legacy: ClassRef,
    candidate: ClassRef,
    facts: tuple[dict[str, Any], dict[str, Any]],
) -> Any:
    try:
        return compare_sides(
            info,
            client.provider,
            trees.old / client.path,
            legacy,
            candidate,
            roots=(str(trees.old_root), str(trees.new_root)),
            reference=False,
            facts=facts,
        )
    except PairError as exc:
        raise AuditError(str(exc)) from None


def _audit_class(trees: _Trees, client: ClientModule, name: str, match: Match | None) -> Audited:
    legacy = f"{client.module}:{name}"
    if match is None:
        return Audited("class", legacy, None)
    info = next(k for k in client.classes if k.name == name)
    facts = {**module_facts(trees.old / client.path, [name]).get(name, {}), "functions": []}  # audited on their own
    result = _compare(trees, client, info, ClassRef(client.module, name), _ref(match.target), (facts, facts))
    return Audited("class", legacy, match.target, match.how, result.scenarios, result.differences, result.timeouts)


def _audit_functions(trees: _Trees, client: ClientModule, pairing: Pairing) -> list[Audited]:
    """The module's public functions: one case per module their counterparts live in (its types
    then read as the module under test's, like the legacy module's do)."""
    facts = function_facts(trees.old / client.path)
    functions = facts.get("functions", [])
    matches = {f["name"]: pairing.for_function(client.module, f["name"]) for f in functions}
    entries = {
        n: Audited("function", f"{client.module}:{n}", m.target if m else None, m.how if m else "")
        for n, m in matches.items()
    }
    groups: dict[str, list[dict[str, Any]]] = {}
    for function in functions:
        if (match := matches[function["name"]]) is not None:
            groups.setdefault(_ref(match.target).module, []).append({**function, "target": match.target})
    for module, targets in groups.items():
        paired = [{k: v for k, v in f.items() if k != "target"} for f in targets]
        result = _compare(
            trees,
            client,
            functions_info(),
            ClassRef(client.module, ""),
            ClassRef(module, ""),
            ({**facts, "functions": paired}, {**facts, "functions": targets}),
        )
        for difference in result.differences:
            entries[function_of(difference.scenario)].differences.append(difference)
        for function in targets:
            entry = entries[function["name"]]
            entry.scenarios = sum(function_of(s) == function["name"] for s in result.names)
            entry.notes = result.timeouts
    return list(entries.values())


def _entries(renames: tuple[str, ...], map_file: Path | None, path: Path) -> list[Entry]:
    """The mapping file's entries (PATH's pyproject.toml table without `--map-file`), then the
    `--map` options, which win over an entry for the same legacy name."""
    from genmigrate.parity.mapping import from_file, from_options

    pyproject = path / "pyproject.toml"
    if map_file is not None:
        found = from_file(map_file)
    else:
        found = from_file(pyproject, required=False) if pyproject.is_file() else []
    return found + from_options(renames)


def _print(results: list[Audited], rev: str, show: Show) -> None:
    for entry in results:
        click.echo(f"{entry.legacy} -> {entry.candidate or '?'}: {entry.status}")
        if entry.differences:
            show(entry.differences, False, {}, entry.notes)
    classes = [r for r in results if r.kind == "class"]
    functions = [r for r in results if r.kind == "function"]
    click.echo(
        f"parity --base {rev}: {len(classes)} classes, {sum(r.status != 'same' for r in classes)} differ; "
        f"{len(functions)} functions, {sum(r.status != 'same' for r in functions)} differ"
    )


Show = Callable[[list[Difference], bool, dict[str, Any], list[str]], None]


def run_audit(
    path: Path, rev: str, renames: tuple[str, ...], as_json: bool, show: Show, map_file: Path | None = None
) -> int:
    """The `parity --base` report: each legacy class and function same / differs / no candidate
    found. Exit 0 when all are the same, 1 on any difference (a vanished one is one), 2 when the
    audit could not run (one `path:line: message` line)."""
    try:
        if not path.is_dir():
            raise AuditError(f"{path}:1: no such directory")
        results = audit(path, rev, _entries(renames, map_file, path))
    except (AuditError, MappingError) as exc:
        click.echo(str(exc), err=True)
        return 2
    if as_json:
        report = {
            "base": rev,
            "classes": [r.to_json() for r in results if r.kind == "class"],
            "functions": [r.to_json() for r in results if r.kind == "function"],
            "differ": sum(r.status != "same" for r in results),
        }
        click.echo(json.dumps(report, indent=2))
    else:
        _print(results, rev, show)
    return 1 if any(r.status != "same" for r in results) else 0
