"""`genmigrate parity --base REV`: audit a whole migration (one done by hand included).

The tree at git revision REV is extracted into a scratch folder (the user's tree is never
written), discovery finds its legacy client classes, and each is paired with the class of the
same name (or the `--map OLD=NEW` name) in the current tree, then compared with the pair
comparison of `parity --legacy/--candidate`: the legacy side imported from the scratch copy,
the candidate from the current tree. A legacy class with no counterpart is a difference.
"""

from __future__ import annotations

import ast
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

from genmigrate.config import Config
from genmigrate.model import ClassInfo, ClientModule
from genmigrate.parity.compare import Difference
from genmigrate.parity.pairs import ClassRef, PairError, compare_sides

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}


class AuditError(Exception):
    """The audit could not run (not a git repository, an unknown revision); str() is `path:1: message`."""


@dataclass
class ClassAudit:
    legacy: str  # "module:Class" at the base revision
    candidate: str | None  # "module:Class" in the current tree, None when nothing matches
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
            "legacy": self.legacy,
            "candidate": self.candidate,
            "status": self.status,
            "scenarios": self.scenarios,
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
    commit = _git(path, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    archive = _git(top, "archive", "--format=tar", commit)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    old = into / path.resolve().relative_to(top.resolve())
    if not old.is_dir():
        raise AuditError(f"{path}:1: not in the tree of {rev}")
    return old


def _module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def class_index(root: Path) -> dict[str, list[str]]:
    """Class name -> the modules of `root` that define it at top level (sorted)."""
    found: dict[str, list[str]] = {}
    for file in sorted(root.rglob("*.py")):
        if SKIP_DIRS & set(file.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, []).append(_module_name(root, file))
    return found


def _pick(modules: list[str], legacy_module: str) -> str:
    """The same module if it is still there, else one outside tests, else the first."""
    if legacy_module in modules:
        return legacy_module
    outside = [m for m in modules if not m.split(".")[0].startswith("test")]
    return (outside or modules)[0]


def audit(path: Path, rev: str, renames: dict[str, str] | None = None) -> list[ClassAudit]:
    """One entry per legacy client class at `rev`, compared with its counterpart under `path`."""
    from genmigrate.discover import discover

    renames = renames or {}
    path = path.resolve()
    index = class_index(path)
    with tempfile.TemporaryDirectory(prefix="genmigrate-base-") as scratch:
        old = extract(path, rev, Path(scratch))
        results = []
        for client in discover(old, Config()).clients:
            for info in client.classes:
                results.append(_audit_class(path, old, client, info, index, renames))
    return results


def _audit_class(
    path: Path, old: Path, client: ClientModule, info: ClassInfo, index: dict[str, list[str]], renames: dict[str, str]
) -> ClassAudit:
    module = client.module
    name = renames.get(info.name, info.name)
    legacy = ClassRef(module, info.name)
    if name not in index:
        return ClassAudit(f"{module}:{info.name}", None)
    candidate = ClassRef(_pick(index[name], module), name)
    entry = ClassAudit(f"{module}:{info.name}", f"{candidate.module}:{name}")
    try:
        result = compare_sides(
            info, client.provider, old / client.path, legacy, candidate, roots=(str(old), str(path)), reference=False
        )
    except PairError as exc:
        raise AuditError(str(exc)) from None
    entry.scenarios, entry.differences, entry.notes = result.scenarios, result.differences, result.timeouts
    return entry


def _parse_renames(pairs: tuple[str, ...]) -> dict[str, str]:
    renames = {}
    for text in pairs:
        old, sep, new = text.partition("=")
        if not sep or not old.isidentifier() or not new.isidentifier():
            raise AuditError(f"--map {text}:1: expected OLD=NEW class names, e.g. OpenAIClient=OpenAIProvider")
        renames[old] = new
    return renames


Show = Callable[[list[Difference], bool, dict[str, Any], list[str]], None]


def run_audit(path: Path, rev: str, renames: tuple[str, ...], as_json: bool, show: Show) -> int:
    """The `parity --base` report: each class same / differs / no candidate found. Exit 0 when all
    are the same, 1 on any difference (a vanished class is one), 2 when the audit could not run."""
    try:
        if not path.is_dir():
            raise AuditError(f"{path}:1: no such directory")
        results = audit(path, rev, _parse_renames(renames))
    except AuditError as exc:
        click.echo(str(exc), err=True)
        return 2
    if as_json:
        click.echo(json.dumps({"base": rev, "classes": [r.to_json() for r in results]}, indent=2))
    else:
        for entry in results:
            click.echo(f"{entry.legacy} -> {entry.candidate or '?'}: {entry.status}")
            if entry.differences:
                show(entry.differences, False, {}, entry.notes)
        differ = sum(r.status != "same" for r in results)
        click.echo(f"parity --base {rev}: {len(results)} classes, {differ} differ")
    return 1 if any(r.status != "same" for r in results) else 0
