"""record_baseline -> verify_parity on a small app, the CLI's exit codes, and secret hygiene."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from genmigrate.cli import main
from genmigrate.parity import ParityTarget, record_baseline, render_parity_tests, verify_parity
from genmigrate.parity.classinfo import class_info
from genmigrate.parity.trace import SECRET_PREFIX

pytestmark = [pytest.mark.integration, pytest.mark.slow(25)]

CLIENT = '''\
import os
import time

import requests


class TinyClient:
    def __init__(self, api_key=None, base_url="https://tiny.test/v1"):
        self.api_key = api_key or os.environ.get("TINY_API_KEY")
        self.base_url = base_url

    def chat(self, messages, model="tiny-1"):
        for attempt in range(3):
            response = requests.post(f"{self.base_url}/chat/completions", json={"model": model, "messages": messages},
                                     headers={"Authorization": f"Bearer {self.api_key}", "X-Title": "tiny"})
            if response.status_code == 429:
                time.sleep(2 ** attempt)
                continue
            if response.status_code != 200:
                return f"Error: {response.status_code}"
            return response.json()["choices"][0]["message"]["content"]
        return "Error: gave up"
'''


def _app(tmp_path: Path, source: str = CLIENT) -> Path:
    root = tmp_path / "app"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "tiny.py").write_text(source, encoding="utf-8")
    return root


def _install(root: Path) -> None:
    info = class_info(root / "app" / "tiny.py", "TinyClient")
    targets = [ParityTarget("tiny", "app.tiny", "app.tiny", info)]
    files = {**render_parity_tests(targets), **record_baseline(root, targets)}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content.encode() if isinstance(content, str) else content)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _app(tmp_path_factory.mktemp("parity"))
    _install(root)
    return root


def test_generated_files_are_marked_and_recorded(recorded: Path) -> None:
    test_file = recorded / "tests" / "parity" / "test_tiny_parity.py"
    assert test_file.read_text(encoding="utf-8").startswith("# genmigrate:")
    snapshots = [p for p in (recorded / "tests" / "parity" / "__snapshots__").rglob("*") if p.is_file()]
    assert [p.name for p in snapshots] == ["test_tiny_parity.ambr"]  # one file per test module
    text = snapshots[0].read_text(encoding="utf-8")
    assert text.count("# name: test_tiny_client_parity[") >= 10
    assert '    "scenario": "chat_rate_limited_then_ok"' in text  # indented, key-sorted JSON


def test_unchanged_tree_verifies_green(recorded: Path) -> None:
    report = verify_parity(recorded)
    assert report.ok, report.output
    assert report.passed >= 10 and report.differences == []


def test_dropped_header_and_changed_retry_are_reported(recorded: Path, tmp_path: Path) -> None:
    import shutil

    mutated = tmp_path / "mutated"
    shutil.copytree(recorded, mutated)
    tiny = mutated / "app" / "tiny.py"
    tiny.write_text(tiny.read_text().replace(', "X-Title": "tiny"', "").replace("2 ** attempt", "1"))
    report = verify_parity(mutated)
    assert not report.ok
    text = "\n".join(str(d) for d in report.differences)
    assert 'request.headers.x-title: "tiny"' in text
    assert any(d.scenario == "TinyClient.chat_rate_limited_then_ok" and "sleep" in d.expected
               for d in report.differences)
    result = CliRunner().invoke(main, ["parity", str(mutated)])
    assert result.exit_code == 1


def test_planted_secrets_appear_nowhere_written(recorded: Path) -> None:
    leaked = []
    for path in recorded.rglob("*"):
        if path.is_file() and SECRET_PREFIX.encode() in path.read_bytes():
            leaked.append(path)
    assert leaked == []
    written = "\n".join(p.read_text() for p in (recorded / "tests" / "parity" / "__snapshots__").rglob("*.ambr"))
    assert "<secret:TINY_API_KEY>" in written and "<secret:ARG_api_key>" in written


def test_cli_pair_comparison(tmp_path: Path) -> None:
    root = _app(tmp_path)
    (root / "app" / "hand.py").write_text(CLIENT.replace('os.environ.get("TINY_API_KEY")', '"fixed"'))
    runner = CliRunner()
    same = runner.invoke(main, ["parity", "--legacy", "app.tiny:TinyClient", "--candidate", "app.tiny:TinyClient",
                                "--root", str(root)])
    assert same.exit_code == 0, same.output
    differ = runner.invoke(main, ["parity", "--legacy", "app.tiny:TinyClient", "--candidate",
                                  "app.hand:TinyClient", "--root", str(root)])
    assert differ.exit_code == 1
    assert "env_read" in differ.output and SECRET_PREFIX not in differ.output


def test_cli_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["parity", "--legacy", "nocolon", "--candidate", "a:B", "--root", str(tmp_path)])
    assert bad.exit_code == 2 and bad.output.strip().endswith("expected MODULE:CLASS, e.g. api.openai_client:OpenAIClient")
    missing = runner.invoke(main, ["parity", str(tmp_path)])
    assert missing.exit_code == 2 and len(missing.output.strip().splitlines()) == 1
    assert "Traceback" not in missing.output + os.linesep


def test_snapshot_update_rerecords_a_tampered_baseline(recorded: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "tampered"
    shutil.copytree(recorded, root)
    ambr = root / "tests" / "parity" / "__snapshots__" / "test_tiny_parity.ambr"
    original = ambr.read_text(encoding="utf-8")
    assert '"x-title": "tiny"' in original
    ambr.write_text(original.replace('"x-title": "tiny"', '"x-title": "tampered"', 1), encoding="utf-8")  # one snapshot
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p != ambr}
    runner = CliRunner()
    assert runner.invoke(main, ["parity", str(root)]).exit_code == 1
    updated = runner.invoke(main, ["parity", "--snapshot-update", str(root)])
    assert updated.exit_code == 0, updated.output
    assert "snapshots: 0 written, 1 updated" in updated.output
    assert ambr.read_text(encoding="utf-8") == original
    assert runner.invoke(main, ["parity", str(root)]).exit_code == 0
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p != ambr} == before


def test_snapshot_update_ending_in_an_error_puts_the_snapshots_back(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from genmigrate.parity import command

    snapshots = tmp_path / "tests" / "parity" / "__snapshots__"
    snapshots.mkdir(parents=True)
    (snapshots / "test_tiny_parity.ambr").write_text("recorded\n", encoding="utf-8")

    def half_run(*_: object) -> int:  # a run that rewrote snapshots, then could not finish
        (snapshots / "test_tiny_parity.ambr").write_text("rewritten\n", encoding="utf-8")
        (snapshots / "test_new_parity.ambr").write_text("new\n", encoding="utf-8")
        return 2

    monkeypatch.setattr(command, "_check_tree", half_run)
    result = CliRunner().invoke(main, ["parity", str(tmp_path), "--snapshot-update"])
    assert result.exit_code == 2
    assert [(p.name, p.read_text(encoding="utf-8")) for p in snapshots.iterdir()] == [("test_tiny_parity.ambr", "recorded\n")]
