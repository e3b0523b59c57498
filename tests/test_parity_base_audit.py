"""`genmigrate parity --base REV`: a hand migration audited against the revision before it.

The legacy app is the fixture's OpenRouter client in a fresh git repository; the "hand migration"
moves it to a new module the way a person would, planting regressions (a renamed constructor
keyword, a dropped request header, a changed default model, a swallowed exception)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from genmigrate.cli import main

pytestmark = pytest.mark.e2e

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app" / "api"
MOVED = {"openrouter_client.py": "api/providers/openrouter.py", "anthropic_client.py": "api/providers/anthropic.py"}
RENAME = ("--map", "OpenRouterModelCatalog=OpenRouterModels")

# (what the hand migration changed, the text it replaced, its replacement), per moved module
REGRESSIONS = {}
REGRESSIONS["openrouter_client.py"] = [
    (
        "renamed kwarg",
        'site_url: str = "https://github.com/wikiqa/wikiqa",',
        'referer: str = "https://github.com/wikiqa/wikiqa",',
    ),
    ("renamed kwarg", "self.site_url = site_url", "self.site_url = referer"),
    ("dropped header", '        headers["X-Title"] = self.app_name\n', ""),
    ("default model", 'default_model: str = "openai/gpt-4o-mini",', 'default_model: str = "openai/gpt-4o",'),
    ("swallowed exception", "    response.raise_for_status()\n", ""),
]
REGRESSIONS["anthropic_client.py"] = [
    (
        "swallowed exception",
        'logger.error("Anthropic rejected the request: %s", error.message)\n                raise\n',
        'logger.error("Anthropic rejected the request: %s", error.message)\n                return ""\n',
    ),
]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Commit 1: the legacy app. Commit 2: the client moved, unchanged. Commit 3: the regressions."""
    root = tmp_path_factory.mktemp("hand_migration")
    (root / "api").mkdir()
    for name in ("__init__.py", *MOVED):
        shutil.copy(LEGACY / name, root / "api" / name)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "legacy app")
    (root / "api" / "providers").mkdir()
    (root / "api" / "providers" / "__init__.py").write_text('"""Provider clients."""\n')
    for name, moved in MOVED.items():
        _git(root, "mv", f"api/{name}", moved)
    moved = root / MOVED["openrouter_client.py"]  # an intended rename: not a difference under --map
    moved.write_text(moved.read_text().replace("class OpenRouterModelCatalog:", "class OpenRouterModels:"))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "move the client")
    for name, planted in REGRESSIONS.items():
        text = (root / MOVED[name]).read_text()
        for _, old, new in planted:
            assert old in text, old
            text = text.replace(old, new)
        (root / MOVED[name]).write_text(text)
    _git(root, "commit", "-qam", "hand migration")
    return root


def _audit(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["parity", *args, *RENAME, str(repo)])
    return result.exit_code, result.output


def test_unchanged_move_is_the_same(repo: Path) -> None:
    _git(repo, "checkout", "-q", "HEAD~1")
    try:
        code, out = _audit(repo, "--base", "HEAD~1")
    finally:
        _git(repo, "checkout", "-q", "-")
    assert code == 0, out
    assert "api.openrouter_client:OpenRouterClient -> api.providers.openrouter:OpenRouterClient: same" in out
    assert "OpenRouterModelCatalog -> api.providers.openrouter:OpenRouterModels: same" in out


def test_every_planted_regression_is_reported(repo: Path) -> None:
    code, out = _audit(repo, "--base", "HEAD~2", "--json")
    assert code == 1, out
    report = {c["legacy"]: c for c in json.loads(out)["classes"]}
    client = report["api.openrouter_client:OpenRouterClient"]
    assert client["status"] == "differs"
    text = json.dumps(client["differences"])
    assert "site_url" in text  # the renamed keyword
    assert "x-title" in text  # the dropped header (header names read lower-case)
    assert "openai/gpt-4o-mini" in text  # the old default model
    catalog = report["api.openrouter_client:OpenRouterModelCatalog"]
    assert catalog["status"] == "differs"
    assert "HTTPError" in json.dumps(catalog["differences"])  # the exception no longer raised
    anthropic = report["api.anthropic_client:AnthropicClient"]
    assert anthropic["status"] == "differs"
    kinds = {line["kind"] for d in anthropic["differences"] for line in d["lines"]}
    assert "exception" in kinds  # a rejected request now returns "" instead of raising


def test_bad_mapping_and_bad_revision(repo: Path, tmp_path: Path) -> None:
    code, out = _audit(repo, "--base", "HEAD~2", "--map", "OpenRouterClient=Gone")
    assert code == 2 and out.count("\n") == 1 and "Gone names nothing in the work tree" in out
    code, out = _audit(repo, "--base", "HEAD~2", "--map", "NoSuchClient=OpenRouterClient")
    assert code == 2 and out.count("\n") == 1 and "NoSuchClient names nothing at the base revision" in out
    code, out = _audit(repo, "--base", "HEAD~2", "--map", "bad")
    assert code == 2 and out.count("\n") == 1
    code, out = _audit(repo, "--base", "no-such-rev")
    assert code == 2 and out.count("\n") == 1 and ":1: " in out
    code, out = _audit(tmp_path, "--base", "HEAD")
    assert code == 2 and out.count("\n") == 1 and "Traceback" not in out


def test_candidates_are_found_by_class_name_outside_tests_and_venvs(tmp_path: Path) -> None:
    from genmigrate.parity.pairing import definitions, pick

    for where in ("app/llm/openrouter.py", "tests/test_openrouter.py", ".venv/lib/openrouter.py"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text("class OpenRouterClient:\n    pass\n")
    (tmp_path / "app" / "broken.py").write_text("class (:\n")
    index = definitions(tmp_path).classes
    assert index == {"OpenRouterClient": ["app.llm.openrouter", "tests.test_openrouter"]}
    assert pick(index["OpenRouterClient"], "api.openrouter_client") == "app.llm.openrouter"
    assert pick(index["OpenRouterClient"], "tests.test_openrouter") == "tests.test_openrouter"
