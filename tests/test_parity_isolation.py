"""Parity traces do not depend on what ran before them in the same pytest process.

The fixture app is migrated with `genmigrate apply`; its whole suite (app tests that import and
patch the same client modules, then the generated parity tests) must pass in one process, in
the default order and with the files listed in reverse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.parity.offline import tiktoken_cache_dir

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": tiktoken_cache_dir() or ""}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("isolation") / "app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
    applied = _run([sys.executable, "-m", "genmigrate", "apply", "--allow-dirty", "."], root)
    assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr[-3000:]
    return root


def _pytest(root: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *paths], root)


def test_whole_suite_in_one_process(migrated: Path) -> None:
    result = _pytest(migrated)
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout.splitlines()[-1]
    assert "snapshots passed" in result.stdout


def test_app_tests_first_and_files_reversed(migrated: Path) -> None:
    app_tests = sorted((migrated / "tests").glob("test_*.py"), reverse=True)
    parity_tests = sorted((migrated / "tests" / "parity").glob("test_*_parity.py"), reverse=True)
    assert app_tests and parity_tests
    result = _pytest(migrated, *[str(p.relative_to(migrated)) for p in [*app_tests, *parity_tests]])
    assert result.returncode == 0, result.stdout[-4000:]
    assert "failed" not in result.stdout.splitlines()[-1]
