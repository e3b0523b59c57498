"""The user's tree is read-only outside apply's commit phase: importing the user's code (the
import probe, the parity baseline and verification) happens in scratch copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import safe_repo
from tests.servers.offline import seed_tiktoken_cache

pytestmark = pytest.mark.e2e


def test_scan_diff_and_a_refused_apply_leave_the_tree_as_committed(tmp_path: Path) -> None:
    seed_tiktoken_cache()
    root = safe_repo.make(tmp_path / "repo", safe_repo.files(safe_repo.PROMPT_BESIDE))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    before = safe_repo.fingerprint(root)

    scan = safe_repo.run("scan", ".", cwd=root, env=env)
    assert scan.returncode == 0, scan.stderr
    diff = safe_repo.run("diff", ".", "--no-parity", cwd=root, env=env)
    assert diff.returncode == 1, diff.stderr
    assert safe_repo.untouched(root) == ""
    # Parity on: the baseline is recorded from the original code (whose import writes app/logs/),
    # then the migrated code is found to behave differently and nothing is written.
    apply = safe_repo.run("apply", ".", cwd=root, env=env)
    assert apply.returncode == 1, apply.stderr
    assert "parity broken" in apply.stderr
    assert "FileNotFoundError" in apply.stderr  # the user's code did run, in a scratch copy

    assert safe_repo.untouched(root) == ""
    assert safe_repo.fingerprint(root) == before
    assert not (root / "app" / "logs").exists()
    assert list(scratch.iterdir()) == []  # and the scratch copies are gone


def test_diff_with_parity_leaves_the_tree_as_committed(tmp_path: Path) -> None:
    seed_tiktoken_cache()
    root = safe_repo.make(tmp_path / "repo")
    before = safe_repo.fingerprint(root)
    diff = safe_repo.run("diff", ".", cwd=root)  # records the baseline and verifies parity
    assert diff.returncode == 1, diff.stderr
    assert "diff --git a/app/openai_client.py" in diff.stdout
    assert "tests/parity/__snapshots__/" in diff.stdout
    assert safe_repo.untouched(root) == ""
    assert safe_repo.fingerprint(root) == before
