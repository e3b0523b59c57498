"""The whole workflow on a git copy of the bundled legacy app, through the real command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_app import FIXTURE, Applied, files_of, genmigrate, git, git_copy

__all__ = ["files_of", "genmigrate", "git", "git_copy"]  # other test modules import them from here

pytestmark = [pytest.mark.e2e, pytest.mark.slow(80)]

CLIENTS = {
    "api/openai_client.py": "openai",
    "api/azureai_client.py": "azure",
    "api/bedrock_client.py": "bedrock",
    "api/dashscope_client.py": "dashscope",
    "api/openrouter_client.py": "openrouter",
    "api/ollama_patch.py": "ollama",
    "api/anthropic_client.py": "anthropic",
}
SDKS = ("openai", "anthropic", "boto3", "botocore", "dashscope", "ollama", "adalflow", "httpx", "httpx2", "aiohttp", "requests")


def run_python(root: Path, code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def migrated(applied: Applied, tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """A private copy of the session's migrated fixture app (git history included)."""
    return applied.copy(tmp_path_factory.mktemp("e2e") / "legacy_app")


def test_diff_reports_pending_changes_and_writes_nothing(migrated: Applied) -> None:
    assert migrated.diff.returncode == 1, migrated.diff.stderr
    assert "diff --git a/api/components/generator/base.py" in migrated.diff.stdout
    assert "files would change" in migrated.diff.stderr
    assert "Traceback" not in migrated.diff.stderr


def test_apply_writes_the_unified_layout(migrated: Applied) -> None:
    assert migrated.apply.returncode == 0, migrated.apply.stderr
    changed = int(migrated.apply.stdout.split()[0])
    assert changed > 0 and "files changed" in migrated.apply.stdout
    package = migrated.root / "api" / "components" / "generator"
    assert (package / "base.py").is_file() and (package / "generator_manager.py").is_file()
    for old, provider in CLIENTS.items():
        module = package / "providers" / f"{provider}_generator.py"
        assert module.is_file(), module
        assert (migrated.root / old).read_bytes().startswith(b"# genmigrate: shim"), old
        assert (migrated.root / "tests" / "parity" / f"test_{provider}_parity.py").is_file()


def test_untouched_files_stay_byte_identical(migrated: Applied) -> None:
    after = files_of(migrated.root)
    status = git(migrated.root, "status", "--porcelain", "--untracked-files=all")
    # Bytecode caches are not part of the tree (every real repo ignores them; this copy has no .gitignore).
    touched = {line[3:] for line in status.splitlines() if "__pycache__/" not in line}
    for path, data in migrated.before.items():
        if path not in touched:
            assert after[path] == data, path
    assert touched <= set(after), "apply deleted files"


def test_crlf_module_keeps_crlf(migrated: Applied) -> None:
    for path in ("api/dashscope_client.py", "api/components/generator/providers/dashscope_generator.py"):
        data = (migrated.root / path).read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n"), path


def _app_suite(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--ignore=tests/parity"],
        cwd=root, capture_output=True, text=True,
    )


def test_the_apps_suite_passes_with_rewritten_patch_targets(migrated: Applied) -> None:
    rewritten = (migrated.root / "tests" / "test_openai_client.py").read_text()
    assert "api.components.generator.providers.openai_generator.OpenAI" in rewritten
    proc = _app_suite(migrated.root)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_the_apps_original_suite_passes_against_the_migrated_code(migrated: Applied, tmp_path: Path) -> None:
    """The alias shims alone keep every old import path and patch target working."""
    copy = tmp_path / "app"
    shutil.copytree(migrated.root, copy, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    shutil.rmtree(copy / "tests")
    shutil.copytree(FIXTURE / "tests", copy / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    assert '"api.openai_client.OpenAI"' in (copy / "tests" / "test_openai_client.py").read_text()
    proc = _app_suite(copy)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_generated_parity_suite_passes(migrated: Applied) -> None:
    proc = genmigrate("parity", ".", cwd=migrated.root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_old_import_paths_are_the_new_modules(migrated: Applied) -> None:
    pairs = {old[:-3].replace("/", "."): f"api.components.generator.providers.{p}_generator" for old, p in CLIENTS.items()}
    code = (
        "import importlib, json, sys\n"
        f"pairs = {pairs!r}\n"
        "print(json.dumps({o: importlib.import_module(o) is importlib.import_module(n) for o, n in pairs.items()}))\n"
    )
    assert json.loads(run_python(migrated.root, code)) == {old: True for old in pairs}


def test_generated_package_imports_no_provider_sdk(migrated: Applied) -> None:
    code = (
        "import json, sys\n"
        "import api.components.generator, api.components.generator.generator_manager\n"
        f"print(json.dumps(sorted(m for m in {SDKS!r} if m in sys.modules)))\n"
    )
    assert json.loads(run_python(migrated.root, code)) == []


def test_a_second_run_has_nothing_to_do(migrated: Applied) -> None:
    before = files_of(migrated.root)
    diff = genmigrate("diff", ".", cwd=migrated.root)
    assert diff.returncode == 0, diff.stderr
    assert diff.stdout == ""
    assert files_of(migrated.root) == before
    apply = genmigrate("apply", ".", "--allow-dirty", cwd=migrated.root)
    assert apply.returncode == 0, apply.stderr
    assert apply.stdout.startswith("0 files changed")
    assert files_of(migrated.root) == before
