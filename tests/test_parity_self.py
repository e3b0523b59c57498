"""Zero false alarms: every class of the bundled fixture's client modules compared with itself,
through the same isolated worker `parity --legacy/--candidate` uses, reports no difference (each
class's two runs interleave with the other classes' case processes, so a leak from one case
into a later one would show); so does the CLI (exit 0, an empty JSON report)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.parity.pairs import ClassRef, compare_pair

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("self") / "app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _classes(root: Path) -> list[ClassRef]:
    return [ClassRef(c.module, k.name) for c in discover(root, Config()).clients for k in c.classes]


def test_every_fixture_class_equals_itself(app: Path) -> None:
    refs = _classes(app)
    assert len(refs) >= 8
    total = 0
    for ref in reversed(refs):
        result = compare_pair(app, ref, ref)
        total += result.scenarios
        assert result.differences == [], "\n".join(str(d) for d in result.differences)
        assert result.timeouts == []
    assert total >= 30 * len(refs) - 100


def test_cli_self_comparison_exits_0_with_a_json_report(app: Path) -> None:
    pair = "api.openrouter_client:OpenRouterClient"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "genmigrate",
            "parity",
            "--legacy",
            pair,
            "--candidate",
            pair,
            "--root",
            str(app),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=app,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["differ"] == 0 and report["groups"] == [] and report["scenarios"] >= 10
