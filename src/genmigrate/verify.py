"""Stage 4: prove the rendered change is sound before anything is written.

- every Python output compiles, and one a later run reads with LibCST (not marked generated: a later
  scan never parses a generated file) re-parses with LibCST; every config output still parses;
- running the migration again on its own output changes nothing (checked through an overlay, no writes);
- every moved module imports under its old and its new name in a scratch copy of the migrated tree
  (compiling alone passes broken results; importing is the check that counts: genmigrate.probe).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import libcst as cst
import yaml

from genmigrate import runcache
from genmigrate.marker import is_generated
from genmigrate.model import FileChange, SourceError
from genmigrate.tree import inside, linked_component

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_SKIP_DIRS = {".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache"}


def check_outputs(changes: Sequence[FileChange]) -> list[SourceError]:
    problems = []
    for change in changes:
        problem = _check_one(change)
        if problem is not None:
            problems.append(problem)
    return problems


def _check_one(change: FileChange) -> SourceError | None:
    path = change.path
    try:
        if path.endswith(".py"):
            compile(change.new, path, "exec", dont_inherit=True)
            if not is_generated(change.new):  # the idempotency pass's parse of it is this one (runcache)
                runcache.parse_cst(path, change.new)
        elif path.endswith(".json"):
            json.loads(change.new)
        elif path.endswith((".yaml", ".yml")):
            yaml.safe_load(change.new)
        elif path.endswith(".toml"):
            tomllib.loads(change.new.decode("utf-8"))
    except SyntaxError as exc:
        return SourceError(path, exc.lineno or 1, f"generated output does not compile: {exc.msg}")
    except cst.ParserSyntaxError as exc:
        return SourceError(path, exc.raw_line, f"generated output does not parse: {exc.message}")
    except (ValueError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        return SourceError(path, 1, f"generated config does not parse: {str(exc).splitlines()[0]}")
    return None


@contextmanager
def materialised(root: Path, changes: Sequence[FileChange]) -> Iterator[Path]:
    """A scratch copy of the repo at `root` with `changes` written into it; removed afterwards.

    Every import of the user's code happens in such a copy, never in the repo itself: what the code
    writes at import (bytecode, log folders) lands in the copy and goes with it."""
    with tempfile.TemporaryDirectory(prefix="genmigrate-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=_ignore, symlinks=True)
        _relink(root, copy)
        write_into(copy, changes)
        yield copy


def _relink(root: Path, copy: Path) -> None:
    """Links of the copy that point into `root` (absolute ones, or relative ones reaching it through
    `..`) are pointed at the same place inside the copy, so nothing run there reaches the repo."""
    real_root = root.resolve()
    for current, dirs, files in os.walk(copy):
        for name in dirs + files:
            link = Path(current) / name
            if not link.is_symlink():
                continue
            original = root / link.relative_to(copy)
            target = Path(os.path.realpath(original))
            inner = target.is_relative_to(real_root)
            link.unlink()
            # Outside the repo a link keeps its target, now spelled absolute (the copy lives elsewhere).
            link.symlink_to(os.path.relpath(copy / target.relative_to(real_root), link.parent) if inner else target)


def write_into(copy: Path, changes: Sequence[FileChange]) -> None:
    """Write the new bytes of `changes` into the scratch copy at `copy`, never through a link and
    never outside `copy`."""
    for change in changes:
        target = copy / change.path
        while (linked := linked_component(copy, change.path)) is not None:
            (copy / linked).unlink()  # refused earlier for the repo itself; in the copy it is replaced
        target.parent.mkdir(parents=True, exist_ok=True)
        if not inside(copy, target.parent):
            raise RuntimeError(f"{change.path}: would be written outside the scratch copy")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(change.new)


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in _SKIP_DIRS or n.endswith(".egg-info") or _special(os.path.join(folder, n))}
    return skipped | {n for n in names if os.path.isfile(os.path.join(folder, n, "pyvenv.cfg"))}


def _special(path: str) -> bool:
    """A FIFO, socket or device: nothing to copy (and reading one may block forever)."""
    mode = os.lstat(path).st_mode
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))
