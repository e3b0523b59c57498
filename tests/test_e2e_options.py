"""Apply's safety rails and options on git copies of the fixture app (parity off to keep them quick)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.servers.offline import seed_tiktoken_cache
from tests.test_e2e_apply import CLIENTS, files_of, genmigrate, git, git_copy

pytestmark = [pytest.mark.e2e, pytest.mark.slow(60)]

# Runs `genmigrate apply` in-process and kills it with SIGKILL after `after` renames of the commit phase.
_KILLED_APPLY = textwrap.dedent(
    """
    import os, signal, sys
    import genmigrate.write as w
    real_replace, count, after = os.replace, [0], int(sys.argv[1])
    def replace(src, dst):
        real_replace(src, dst)
        if str(src).endswith(w.NEW_SUFFIX):
            count[0] += 1
            if count[0] == after:
                os.kill(os.getpid(), signal.SIGKILL)
    w.os.replace = replace
    from genmigrate.cli import main
    main(["apply", ".", "--no-parity"])
    """
)


@pytest.fixture(scope="module", autouse=True)
def _offline() -> None:
    seed_tiktoken_cache()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The tree an uninterrupted `apply --no-parity` produces."""
    root = git_copy(tmp_path_factory.mktemp("reference"))
    proc = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return files_of(root)


def test_a_killed_apply_is_completed_by_the_next_one(tmp_path: Path, reference: dict[str, bytes]) -> None:
    root = git_copy(tmp_path)
    killed = subprocess.run([sys.executable, "-c", _KILLED_APPLY, "5"], cwd=root, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (root / ".genmigrate-journal.json").exists()
    half = files_of(root)
    assert half != reference, "the kill came too late to leave a half-written tree"
    again = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "recovered an interrupted apply: completed" in again.stderr
    assert again.stdout.startswith("0 files changed")
    assert files_of(root) == reference


def test_a_dirty_tree_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = git_copy(tmp_path)
    (root / "api" / "service.py").write_text((root / "api" / "service.py").read_text() + "\n# local edit\n")
    before, status = files_of(root), git(root, "status", "--ignored", "--porcelain")
    proc = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert proc.returncode == 2
    assert git(root, "status", "--ignored", "--porcelain") == status
    assert proc.stderr.strip() == (
        "error: api/service.py:1: uncommitted changes in the work tree (1 files); commit them or use --allow-dirty"
    )
    assert files_of(root) == before
    allowed = genmigrate("apply", ".", "--no-parity", "--allow-dirty", cwd=root)
    assert allowed.returncode == 0, allowed.stderr
    assert (root / "api" / "service.py").read_text().endswith("# local edit\n")


def _app_suite_passes(root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-x"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_reexport_shims_keep_old_names_importable(tmp_path: Path) -> None:
    root = git_copy(tmp_path)
    proc = genmigrate("apply", ".", "--no-parity", "--shim", "reexport", cwd=root)
    assert proc.returncode == 0, proc.stderr
    shim = (root / "api" / "ollama_patch.py").read_text()
    assert "from api.components.generator.providers.ollama_generator import" in shim
    assert "sys.modules[" not in shim
    # Importers keep the old module, which re-exports what moved and keeps what did not
    # (`default_client` is not needed by OllamaClient, so it stays behind).
    assert "from api.ollama_patch import OllamaClient" in (root / "api" / "config.py").read_text()
    code = (
        "import api.ollama_patch as old, api.components.generator.providers.ollama_generator as new\n"
        "from api.openai_client import OpenAIClient\n"
        "import api.components.generator.providers.openai_generator as moved\n"
        "print(old.OllamaClient is new.OllamaClient, hasattr(old, 'default_client'),\n"
        "      hasattr(new, 'default_client'), OpenAIClient is moved.OpenAIClient)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "False", "True"], out.stderr
    # Patch targets naming moved bindings move to the module that looks them up.
    assert '"api.components.generator.providers.openai_generator.OpenAI"' in (
        root / "tests" / "test_openai_client.py"
    ).read_text()
    assert genmigrate("diff", ".", "--no-parity", "--shim", "reexport", cwd=root).returncode == 0


def test_output_from_pyproject_config(tmp_path: Path) -> None:
    root = git_copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.genmigrate]\noutput = "api/llm"\n')
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "configure")
    proc = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert proc.returncode == 0, proc.stderr
    for provider in CLIENTS.values():
        assert (root / "api" / "llm" / "providers" / f"{provider}_generator.py").is_file()
    assert not (root / "api" / "components").exists()
    _app_suite_passes(root)


def test_bad_config_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    root = git_copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.genmigrate]\nshim = "copy"\n')
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "configure")
    before, status = files_of(root), git(root, "status", "--ignored", "--porcelain")
    proc = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert proc.returncode == 2
    assert git(root, "status", "--ignored", "--porcelain") == status
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: ") and "pyproject.toml:" in line and "shim must be" in line
    assert files_of(root) == before
