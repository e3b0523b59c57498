"""The generated layer runs on every Python the project declares (pyproject's classifiers, from
its `requires-python` minimum) and on 3.13: the committed `components/` package, driven by
tests/data/drive_generated_layer.py under each interpreter found on this machine. The declared
minimum must be found and at least one other version; a newer one that is absent is left out."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "data" / "drive_generated_layer.py"


def _declared() -> list[tuple[int, int]]:
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["classifiers"]
    found = {
        (3, int(m[1])) for c in classifiers if (m := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c))
    }
    return sorted(found | {(3, 13)})


def _interpreter(version: tuple[int, int]) -> str | None:
    """A working `python3.N`: on PATH, else under pyenv's versions (its shims answer only for the
    selected version)."""
    name = "python{}.{}".format(*version)
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    candidates = [shutil.which(name), *sorted(p for r in roots if r for p in glob.glob(f"{r}/versions/*/bin/{name}"))]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('{}.{}'.format(*sys.version_info))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "{}.{}".format(*version):
            return candidate
    return None


def test_the_generated_layer_runs_on_every_declared_python() -> None:
    versions = _declared()
    assert versions[0] == (3, 10) and (sys.version_info[0], sys.version_info[1]) in versions
    found = {v: _interpreter(v) for v in versions}
    assert found[versions[0]], f"no python{versions[0][0]}.{versions[0][1]} here: the declared minimum is untested"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    ran = {}
    for version, python in found.items():
        if python:
            done = subprocess.run([python, str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            ran[version] = (done.returncode, done.stdout.strip() or done.stderr[-1500:])
    failed = {v: r for v, r in ran.items() if r[0] != 0 or r[1] != "ok {}.{}".format(*v)}
    assert not failed, failed
    assert len(ran) >= 2, f"only {sorted(ran)} found of {versions}"
