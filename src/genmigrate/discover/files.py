"""List the files a scan looks at: git-aware, .gitignore-honouring, never inside virtualenvs."""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pathspec

from genmigrate import runcache

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "site-packages", "node_modules", "build", "dist", ".tox",
     "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".nox", ".hypothesis"}
)


def _skipped_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


def list_files(root: Path, exclude: Iterable[str] = (), overlay: Mapping[str, bytes] | None = None) -> list[str]:
    """Posix paths relative to `root` of every file a scan considers, sorted."""
    kept = set(runcache.memo("listing", root, lambda: frozenset(_drop_skipped(root, _listed(root)))))
    if overlay:
        kept.update(_drop_skipped(root, overlay.keys(), check_venv=False))
    patterns = tuple(exclude)
    if patterns:
        kept = {p for p in kept if not _excluded(p, patterns)}
    return sorted(kept)


def _listed(root: Path) -> list[str]:
    listed = _git_files(root)
    return _walk(root) if listed is None else listed


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    pure = PurePosixPath(path)
    return any(fnmatch.fnmatch(path, pat) or pure.match(pat) for pat in patterns)


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files; None when `root` is not in a git work tree or is
    itself ignored there (git then lists nothing, and the user asked for this folder explicitly)."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=False, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    listed = [n for n in names if n and (root / n).is_file()]
    return listed or None


def _walk(root: Path) -> list[str]:
    spec = _gitignore(root)
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        rel = os.path.relpath(current, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        dirs[:] = sorted(
            d for d in dirs
            if not _skipped_dir(d)
            and not os.path.isfile(os.path.join(current, d, "pyvenv.cfg"))
            and not (spec and spec.match_file(prefix + d + "/"))
        )
        # Regular files only: reading a FIFO or a device would block or never end.
        found.extend(prefix + f for f in files if not (spec and spec.match_file(prefix + f))
                     and (os.path.isfile(os.path.join(current, f)) or os.path.islink(os.path.join(current, f))))
    return found


def _gitignore(root: Path) -> pathspec.GitIgnoreSpec | None:
    path = root / ".gitignore"
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _drop_skipped(root: Path, paths: Iterable[str], check_venv: bool = True) -> set[str]:
    """Remove paths under skipped directories and under any directory that holds a `pyvenv.cfg`."""
    venv_cache: dict[str, bool] = {}

    def in_venv(parts: tuple[str, ...]) -> bool:
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in venv_cache:
                venv_cache[key] = (root / key / "pyvenv.cfg").is_file()
            if venv_cache[key]:
                return True
        return False

    kept: set[str] = set()
    for path in paths:
        parts = tuple(path.split("/"))
        if any(_skipped_dir(part) for part in parts[:-1]):
            continue
        if check_venv and in_venv(parts):
            continue
        kept.add(path)
    return kept
