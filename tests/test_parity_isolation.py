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
from genmigrate.parity.trace import SECRET_PREFIX

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": tiktoken_cache_dir() or ""}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("isolation") / "app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
    result = _run([sys.executable, "-m", "genmigrate", "apply", "--allow-dirty", "."], root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root, result.stdout + result.stderr


@pytest.fixture(scope="module")
def migrated(applied: tuple[Path, str]) -> Path:
    return applied[0]


def test_no_planted_secret_is_written_or_printed(applied: tuple[Path, str]) -> None:
    root, output = applied
    written = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(written) > 300
    assert [p for p in written if SECRET_PREFIX.encode() in p.read_bytes()] == []
    assert SECRET_PREFIX not in output
    snapshots = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests" / "parity").rglob("*") if p.is_file())
    assert "<secret:ANTHROPIC_API_KEY>" in snapshots


def _pytest(root: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *paths], root)


def test_whole_suite_in_one_process(migrated: Path) -> None:
    result = _pytest(migrated)
    assert result.returncode == 0, result.stdout[-4000:]
    assert SECRET_PREFIX not in result.stdout + result.stderr
    assert " passed" in result.stdout.splitlines()[-1]
    assert "snapshots passed" in result.stdout


def test_app_tests_first_and_files_reversed(migrated: Path) -> None:
    app_tests = sorted((migrated / "tests").glob("test_*.py"), reverse=True)
    parity_tests = sorted((migrated / "tests" / "parity").glob("test_*_parity.py"), reverse=True)
    assert app_tests and parity_tests
    result = _pytest(migrated, *[str(p.relative_to(migrated)) for p in [*app_tests, *parity_tests]])
    assert result.returncode == 0, result.stdout[-4000:]
    assert "failed" not in result.stdout.splitlines()[-1]
