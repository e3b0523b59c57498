"""The bundled legacy app as the end-to-end tests use it: git copies, and one migration shared by all.

`genmigrate apply` with parity on the fixture app is the suite's most expensive step. It runs once
per test session: the first test that needs it migrates a pristine git copy under an exclusive lock
in the session's shared temporary folder (xdist workers share it), records what `diff` and `apply`
printed, and every user gets its own copy of the result.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"


def genmigrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genmigrate", *args], cwd=cwd, capture_output=True, text=True)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def git_copy(tmp: Path, fixture: Path = FIXTURE) -> Path:
    root = tmp / fixture.name
    shutil.copytree(fixture, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(root, "init", "-q")
    git(root, "-c", "core.autocrlf=false", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "legacy")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts
    }


@dataclass(frozen=True)
class Applied:
    """A git copy of the fixture app after `genmigrate apply .` (parity on), and what was printed."""

    root: Path  # the session's one is shared: run things only in a `copy()`
    before: dict[str, bytes]  # the tree before the migration
    diff: subprocess.CompletedProcess[str]  # `genmigrate diff . --no-parity` before the apply
    apply: subprocess.CompletedProcess[str]

    def copy(self, dest: Path, keep_git: bool = True) -> Applied:
        """The same migration in a private copy at `dest`."""
        ignore = ["__pycache__", ".pytest_cache"] + ([] if keep_git else [".git"])
        shutil.copytree(self.root, dest, ignore=shutil.ignore_patterns(*ignore), symlinks=True)
        return dataclasses.replace(self, root=dest)


def _completed(data: dict[str, object]) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"], data["stderr"])


def applied_app(shared: Path) -> Applied:
    """The shared migration under `shared` (a folder every xdist worker of the session sees)."""
    shared.mkdir(parents=True, exist_ok=True)
    record = shared / "applied.json"
    with open(shared / "applied.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            _migrate(shared, record)
    data = json.loads(record.read_text(encoding="utf-8"))
    before = {path: bytes.fromhex(hexed) for path, hexed in data["before"].items()}
    return Applied(Path(data["root"]), before, _completed(data["diff"]), _completed(data["apply"]))


def _migrate(shared: Path, record: Path) -> None:
    root = git_copy(shared)
    before = files_of(root)
    scan = genmigrate("scan", ".", cwd=root)
    assert scan.returncode == 0, scan.stderr
    diff = genmigrate("diff", ".", "--no-parity", cwd=root)
    assert files_of(root) == before, "diff wrote into the tree"
    assert git(root, "status", "--ignored", "--porcelain") == "", "scan or diff left files in the tree"
    apply = genmigrate("apply", ".", cwd=root)
    runs = {
        name: {"args": run.args, "returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
        for name, run in (("diff", diff), ("apply", apply))
    }
    data = {"root": str(root), "before": {p: b.hex() for p, b in before.items()}, **runs}
    partial = record.with_suffix(".tmp")
    partial.write_text(json.dumps(data), encoding="utf-8")
    partial.replace(record)
