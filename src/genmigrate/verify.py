"""Stage 4: prove the rendered change is sound before anything is written.

- every Python output re-parses (LibCST) and compiles; every config output still parses;
- running the migration again on its own output changes nothing (checked through an overlay, no writes);
- every moved module imports under its old and its new name in a scratch copy of the migrated tree
  (compiling alone passes broken results; importing is the check that counts).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import libcst as cst
import yaml

from genmigrate.model import FileChange, SourceError
from genmigrate.sourcefile import SourceText

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
            text = SourceText.from_bytes(change.new).text
            cst.parse_module(text)
            compile(change.new, path, "exec", dont_inherit=True)
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
    """A scratch copy of the repo at `root` with `changes` written into it; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="genmigrate-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=_ignore, symlinks=True)
        write_into(copy, changes)
        yield copy


def write_into(copy: Path, changes: Sequence[FileChange]) -> None:
    """Write the new bytes of `changes` into the scratch copy at `copy`."""
    for change in changes:
        target = copy / change.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(change.new)


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in _SKIP_DIRS or n.endswith(".egg-info")}
    return skipped | {n for n in names if os.path.isfile(os.path.join(folder, n, "pyvenv.cfg"))}


_IMPORT_PROBE = """
import importlib, json, sys
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException as exc:  # report every failure, whatever it is
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def import_failures(root: Path, modules: Sequence[str], import_root: str = "") -> dict[str, str]:
    """Import each module in a fresh interpreter rooted at `root`; name -> error for those that fail."""
    return ImportProbe(root, modules, import_root).result()


class ImportProbe:
    """`import_failures` running in the background: started at construction, awaited by `result()`,
    so the caller can do other work (or start other probes) while the interpreter imports."""

    def __init__(self, root: Path, modules: Sequence[str], import_root: str = "") -> None:
        cwd = root / import_root if import_root else root
        path = os.pathsep.join(filter(None, [str(cwd), os.environ.get("PYTHONPATH")]))
        self.modules = list(modules)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _IMPORT_PROBE, *self.modules],
            cwd=cwd,
            # Probing the original tree must leave no __pycache__ behind in the user's repo.
            env={**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def result(self) -> dict[str, str]:
        stdout, stderr = self.proc.communicate()
        lines = stdout.strip().splitlines()
        if self.proc.returncode != 0 or not lines:
            return {name: (stderr.strip().splitlines() or ["interpreter failed"])[-1] for name in self.modules}
        result: dict[str, str] = json.loads(lines[-1])
        return result

    def cancel(self) -> None:
        """Stop the interpreter if it still runs (the result is no longer wanted)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()
