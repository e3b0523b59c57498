"""Stage 5: write every change or none, surviving a kill at any point.

Protocol, with a journal at `<root>/.genmigrate-journal.json` (always replaced atomically, by rename
of `<journal>.tmp`):
1. prepare: the journal lists the files and the folders to create, with state "prepared"; then each new
   content goes to `<path>.genmigrate-new` beside its target, fsynced.
2. commit: the journal's state becomes "committing"; each `.genmigrate-new` is renamed over its target.
3. done: the journal is removed.
A run that finds a journal recovers first: "prepared" is rolled back (temporaries and created folders
removed; no target was replaced yet), "committing" is completed (the remaining renames are done). A
journal `.tmp` never took effect: it is removed (alone, it means nothing else was written yet).

Nothing is written through a symbolic link (a rename replaces a link, it does not follow it), and the
callers hold `genmigrate.lock.apply_lock` so that one process at a time writes or recovers.

Tests kill the writer at each point of `write_points()` by naming it in GENMIGRATE_KILL_AT.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genmigrate.errors import GenmigrateError
from genmigrate.lock import LOCK
from genmigrate.model import FileChange
from genmigrate.tree import linked_component

JOURNAL = ".genmigrate-journal.json"
NEW_SUFFIX = ".genmigrate-new"
KILL_ENV = "GENMIGRATE_KILL_AT"


def write_points(count: int) -> list[str]:
    """Every point at which `write_changes` of `count` files can be interrupted, in order."""
    return ["prepared-journal-tmp", "prepared-journal", *(f"temp-{i}" for i in range(count)),
            "committing-journal-tmp", "committing-journal", *(f"rename-{i}" for i in range(count)), "cleanup"]


def _point(name: str) -> None:
    """The test hook: die here, as a kill -9 would, when GENMIGRATE_KILL_AT names this point."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class WriteError(GenmigrateError):
    """Writing was refused or failed; nothing was left half-written."""


@dataclass(frozen=True)
class Recovery:
    action: str  # "none" | "rolled-back" | "completed"
    files: int


def dirty_files(root: Path) -> list[str] | None:
    """Uncommitted changes under `root` by git's account; None when `root` is not in a git work tree."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=normal", "--", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    listed = [line[3:] for line in out.splitlines() if line.strip()]
    return [p for p in listed if p != LOCK and not p.endswith("/" + LOCK)]  # our own lock is no change


def recover(root: Path) -> Recovery:
    journal, tmp = root / JOURNAL, root / (JOURNAL + ".tmp")
    if not journal.exists():
        if not tmp.exists():
            return Recovery("none", 0)
        tmp.unlink()  # killed while writing the first journal: nothing else was written
        _fsync_dir(root)
        return Recovery("rolled-back", 0)
    data = json.loads(journal.read_text(encoding="utf-8"))
    paths = [root / p for p in data["files"]]
    committing = data["state"] == "committing"
    for path in paths:
        new = _sibling(path, NEW_SUFFIX)
        if committing and new.exists():
            os.replace(new, path)
        new.unlink(missing_ok=True)
    if not committing:
        for folder in sorted(data["dirs"], key=len, reverse=True):
            with contextlib.suppress(OSError):  # not empty: something else lives there now
                (root / folder).rmdir()
    _point("cleanup")
    tmp.unlink(missing_ok=True)
    journal.unlink()
    _fsync_dir(root)
    action = "completed" if committing else "rolled-back"
    return Recovery(action, len(paths))


def write_changes(root: Path, changes: Sequence[FileChange]) -> None:
    """Write all `changes` under `root` atomically (see the module docstring)."""
    recover(root)
    linked = [link for link in (linked_component(root, c.path) for c in changes) if link is not None]
    if linked:
        raise WriteError.at(linked[0], 1, "is a symbolic link: genmigrate never writes through a link")
    targets = [root / c.path for c in changes]
    files = [c.path for c in changes]
    dirs = sorted({str(p.relative_to(root)) for t in targets for p in t.parents if not p.exists() and root in p.parents})
    _write_journal(root, {"state": "prepared", "files": files, "dirs": dirs})
    try:
        for index, (change, target) in enumerate(zip(changes, targets)):
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_synced(_sibling(target, NEW_SUFFIX), change.new, like=target)
            _point(f"temp-{index}")
    except OSError as exc:
        recover(root)
        raise WriteError.at(str(exc.filename or root), 1, f"cannot write: {exc.strerror}") from None
    _write_journal(root, {"state": "committing", "files": files, "dirs": dirs})
    for index, target in enumerate(targets):
        os.replace(_sibling(target, NEW_SUFFIX), target)
        _point(f"rename-{index}")
    recover(root)


def _write_journal(root: Path, data: dict[str, object]) -> None:
    tmp = root / (JOURNAL + ".tmp")
    _write_synced(tmp, json.dumps(data).encode("utf-8"))
    _point(f"{data['state']}-journal-tmp")
    os.replace(tmp, root / JOURNAL)
    _fsync_dir(root)
    _point(f"{data['state']}-journal")


def _write_synced(path: Path, data: bytes, like: Path | None = None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if like is not None and like.exists():
        os.chmod(path, like.stat().st_mode & 0o7777)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)
