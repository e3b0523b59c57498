"""Where dotted module names start: the projects of a tree and the folders their packages import from.

A file's dotted name is relative to the import root of the deepest project holding it, so it does
not depend on the folder a scan starts from. A project is a folder holding `pyproject.toml`,
`setup.cfg` or `setup.py`; its import root comes from its package configuration (setuptools
`package-dir` / `packages.find where`, poetry `packages ... from`, hatch wheel `packages`, pdm
`package-dir`), else `src/` when the project has a `src/` layout, else the project folder.
"""

from __future__ import annotations

import configparser
import posixpath
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genmigrate.discover.files import SKIP_DIRS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


@dataclass(frozen=True)
class Project:
    folder: str  # posix, relative to the scan root ("" for the root itself)
    import_roots: tuple[str, ...]  # posix folders relative to the scan root, deepest first
    reason: str  # where the import root was read from, e.g. "pyproject.toml [tool.setuptools] package-dir"


class ImportRoots:
    """Dotted module names of the files of one listing."""

    def __init__(self, projects: Iterable[Project]) -> None:
        # Deepest project first, so a nested project wins over the one around it.
        self.projects = sorted(projects, key=lambda p: (-_depth(p.folder), p.folder))

    @classmethod
    def of(cls, listed: Iterable[str], read: Callable[[str], bytes]) -> ImportRoots:
        files = list(listed)
        folders = sorted({posixpath.dirname(p) for p in files if posixpath.basename(p) in PROJECT_FILES})
        return cls(_project(folder, files, read) for folder in folders)

    def project_of(self, path: str) -> Project | None:
        return next((p for p in self.projects if _inside(path, p.folder)), None)

    def root_of(self, path: str) -> tuple[str, str]:
        """(import root, reason) of the file at `path`."""
        project = self.project_of(path)
        if project is None:
            return "", "the scan root (no pyproject.toml, setup.cfg or setup.py above the file)"
        for root in project.import_roots:
            if _inside(path, root):
                return root, project.reason
        return project.folder, f"the project folder {project.folder or '.'} (outside its package roots)"

    def module_name(self, path: str) -> str:
        """`app/src/pkg/openai_client.py` -> `pkg.openai_client`; `pkg/__init__.py` -> `pkg`."""
        root, _ = self.root_of(path)
        rel = path[len(root) + 1 :] if root else path
        parts = rel[: -len(posixpath.splitext(rel)[1]) or None].split("/")
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _inside(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def _join(folder: str, rel: str) -> str:
    return posixpath.normpath(posixpath.join(folder, rel)) if folder else posixpath.normpath(rel)


def _project(folder: str, files: list[str], read: Callable[[str], bytes]) -> Project:
    for name, parse in (("pyproject.toml", _pyproject_roots), ("setup.cfg", _setup_cfg_roots)):
        path = _join(folder, name)
        if path not in files:
            continue
        try:
            found = parse(read(path).decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, configparser.Error):
            continue  # an unreadable file is reported by whoever needs it; here it only says nothing
        if found is not None:
            roots, key = found
            kept = [r for r in (_join(folder, r) for r in roots) if r != ".." and not r.startswith("../")]
            if kept:
                kept = ["" if r == "." else r for r in kept]
                return Project(folder, tuple(sorted(set(kept), key=lambda r: (-_depth(r), r))), f"{path} {key}")
    src = _join(folder, "src")
    if any(p.startswith(src + "/") and p.endswith(".py") for p in files) and _join(src, "__init__.py") not in files:
        return Project(folder, (src,), f"{src}/ layout")
    marker = next(m for m in (_join(folder, n) for n in PROJECT_FILES) if m in files)
    return Project(folder, (folder,), f"the folder holding {marker}")


def _pyproject_roots(text: str) -> tuple[list[str], str] | None:
    data = tomllib.loads(text)
    tool = _table(data, "tool")
    setuptools = _table(tool, "setuptools")
    package_dir = _table(setuptools, "package-dir")
    if isinstance(package_dir.get(""), str):
        return [package_dir[""]], "[tool.setuptools] package-dir"
    where = _table(_table(setuptools, "packages"), "find").get("where")
    if isinstance(where, list) and all(isinstance(w, str) for w in where) and where:
        return list(where), "[tool.setuptools.packages.find] where"
    poetry = _table(tool, "poetry").get("packages")
    if isinstance(poetry, list):
        froms = [p.get("from", ".") for p in poetry if isinstance(p, dict) and isinstance(p.get("from", "."), str)]
        if froms:
            return froms, "[tool.poetry] packages"
    wheel = _table(_table(_table(_table(tool, "hatch"), "build"), "targets"), "wheel").get("packages")
    if isinstance(wheel, list) and wheel and all(isinstance(p, str) for p in wheel):
        return [posixpath.dirname(p.rstrip("/")) or "." for p in wheel], "[tool.hatch.build.targets.wheel] packages"
    pdm = _table(_table(tool, "pdm"), "build").get("package-dir")
    if isinstance(pdm, str):
        return [pdm], "[tool.pdm.build] package-dir"
    return None


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _setup_cfg_roots(text: str) -> tuple[list[str], str] | None:
    parser = configparser.ConfigParser()
    parser.read_string(text)
    package_dir = parser.get("options", "package_dir", fallback="")
    for line in package_dir.splitlines():
        key, eq, value = line.partition("=")
        if eq and not key.strip() and value.strip():
            return [value.strip()], "[options] package_dir"
    where = parser.get("options.packages.find", "where", fallback="").split()
    if where:
        return where, "[options.packages.find] where"
    return None


@dataclass(frozen=True)
class Location:
    """Where a command given PATH works: the scan root, and the project folder whose config applies."""

    root: Path
    project: str  # posix, relative to `root` ("" when the root is the project or there is none)

    @property
    def config_dir(self) -> Path:
        return self.root / self.project if self.project else self.root


def locate(path: Path) -> Location:
    """The scan root PATH belongs to, the same from the package folder, the project folder or the repo.

    From inside a package (an `__init__.py` chain) or a `src/` folder go up to the project; from a
    project go up to the git work tree holding it when that work tree holds no other project; from a
    work tree holding exactly one project, that project's config applies.
    """
    here = path.resolve()
    while (here / "__init__.py").is_file() and here.parent != here:
        here = here.parent
    if here.name == "src" and _is_project(here.parent):
        here = here.parent
    if not _is_project(here):
        return Location(here, _only_project(here))
    top = _work_tree(here)
    if top is not None and top != here and _only_project(top) == here.relative_to(top).as_posix():
        return Location(top, here.relative_to(top).as_posix())
    return Location(here, "")


def _is_project(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PROJECT_FILES)


def _work_tree(folder: Path) -> Path | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                              text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(proc.stdout.strip()).resolve() if proc.returncode == 0 and proc.stdout.strip() else None


def _only_project(top: Path) -> str:
    """The one project folder inside the git work tree `top` (posix, relative), else ""."""
    if _is_project(top) or _work_tree(top) != top:
        return ""
    specs = [f":(glob)**/{name}" for name in PROJECT_FILES]
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *specs],
                              cwd=top, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return ""
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    folders = {posixpath.dirname(n) for n in names if not _skipped(n)}
    return folders.pop() if proc.returncode == 0 and len(folders) == 1 else ""


def _skipped(path: str) -> bool:
    return any(part in SKIP_DIRS for part in path.split("/")[:-1])
