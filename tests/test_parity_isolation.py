"""Parity traces do not depend on what ran before them in the same pytest process.

The fixture app is migrated with `genmigrate apply`; its whole suite (app tests that import and
patch the same client modules, then the generated parity tests) must pass in one process, with
the app's tests first and the files listed in reverse.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.parity.offline import tiktoken_cache_dir
from genmigrate.parity.trace import SECRET_PREFIX
from tests.fixture_app import Applied

pytestmark = [pytest.mark.e2e, pytest.mark.slow(85)]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # An outer pytest-xdist worker's PYTEST_* variables would make the inner run's syrupy act as a
    # worker and keep its snapshot report to itself.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["TIKTOKEN_CACHE_DIR"] = tiktoken_cache_dir() or ""
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def migrated(applied: Applied, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's migrated fixture app (tests/fixture_app.py)."""
    return applied.copy(tmp_path_factory.mktemp("isolation") / "app", keep_git=False).root


def test_no_planted_secret_is_written_or_printed(applied: Applied, migrated: Path) -> None:
    root, output = migrated, applied.apply.stdout + applied.apply.stderr
    assert applied.apply.returncode == 0, output[-3000:]
    written = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len([p for p in written if p.suffix == ".ambr"]) == len(list((root / "tests" / "parity").glob("test_*.py")))
    assert [p for p in written if SECRET_PREFIX.encode() in p.read_bytes()] == []
    assert SECRET_PREFIX not in output
    snapshots = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests" / "parity").rglob("*") if p.is_file())
    assert "<secret:ANTHROPIC_API_KEY>" in snapshots


def _pytest(root: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *paths], root)


def test_app_tests_first_and_files_reversed(migrated: Path) -> None:
    """The app's tests import and patch the client modules first, then the parity tests run in the
    same process, each file's cases in reverse: every trace still matches its baseline. (The default
    order, parity tests first, is the generated suite alone: tests/test_e2e_apply.py.)"""
    app_tests = sorted((migrated / "tests").glob("test_*.py"), reverse=True)
    parity_tests = sorted((migrated / "tests" / "parity").glob("test_*_parity.py"), reverse=True)
    assert app_tests and parity_tests
    result = _pytest(migrated, *[str(p.relative_to(migrated)) for p in [*app_tests, *parity_tests]])
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout.splitlines()[-1] and "failed" not in result.stdout.splitlines()[-1]
    assert "snapshots passed" in result.stdout
    assert SECRET_PREFIX not in result.stdout + result.stderr


def test_reads_made_while_a_library_imports_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a scenario imports an SDK itself depends on what ran first: its import-time reads
    are left out; the code under test's own reads, import-time ones included, are recorded."""
    from genmigrate.parity import environment

    lib, app = tmp_path / "lib", tmp_path / "app"
    lib.mkdir()
    app.mkdir()
    (lib / "parity_fake_sdk.py").write_text('import os\nKEY = os.environ.get("OPENAI_API_KEY")\n', encoding="utf-8")
    (app / "parity_fake_app.py").write_text(
        'import os\nKEY = os.environ.get("ANTHROPIC_API_KEY")\nimport parity_fake_sdk\n\n'
        'def read():\n    return os.environ.get("DASHSCOPE_API_KEY")\n', encoding="utf-8")
    monkeypatch.setattr(environment, "_LIBRARY_ROOTS", (str(lib.resolve()),))
    monkeypatch.syspath_prepend(str(lib))
    monkeypatch.syspath_prepend(str(app))
    for name in ("parity_fake_sdk", "parity_fake_app"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with environment.planted_environment() as environ:
        module = __import__("parity_fake_app")
        module.read()
    assert environ.read == {"ANTHROPIC_API_KEY", "DASHSCOPE_API_KEY"}
