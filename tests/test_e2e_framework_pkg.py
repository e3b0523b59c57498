"""scan -> diff -> apply on a git copy of fixtures/framework_pkg/libsrc (clients two packages deep, optional
SDKs), through the real command line; the framework's own suite keeps its count and a second diff is empty."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.parity.offline import tiktoken_cache_dir
from tests.test_e2e_apply import files_of, genmigrate, git_copy

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "framework_pkg" / "libsrc"
FIXTURE_TESTS = "18 passed"  # the fixture's own suite, as written


def _suite(root: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=root, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return re.findall(r"\d+ passed", proc.stdout)[-1]


def test_framework_pkg_scan_diff_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The generated adapters of ModelClient-style classes import adalflow's types, and adalflow builds a
    # tokenizer when imported: point it at the offline copy, as the bundled fixture's tests do.
    cache = tiktoken_cache_dir()
    if cache is not None:
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", cache)
    root = git_copy(tmp_path, FIXTURE)
    assert _suite(root) == FIXTURE_TESTS

    before = files_of(root)
    diff = genmigrate("diff", ".", "--no-parity", cwd=root)
    assert diff.returncode == 1, diff.stderr
    assert files_of(root) == before, "diff wrote into the tree"

    apply = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert apply.returncode == 0, apply.stderr
    providers = next(root.rglob("generator/providers"))
    assert len([p for p in providers.glob("*.py") if p.name != "__init__.py"]) == 12  # one module per client
    assert not list(providers.glob("*_embedder.py"))  # every client chats (some embed too): all are generators
    assert (root / "fwpkg/components/model_client/deepseek_client.py").is_file()  # the subclass stays a dependent
    registry = (root / "fwpkg/components/model_client/__init__.py").read_text()
    assert "generator.providers.ollama_generator.OllamaClient" in registry  # the lazy registry follows the move

    assert _suite(root) == FIXTURE_TESTS
    assert genmigrate("diff", ".", "--no-parity", cwd=root).returncode == 0
