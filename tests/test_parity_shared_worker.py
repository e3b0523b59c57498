"""One parity worker per run: genmigrate starts it, the recording and the generated tests of the
run are its clients, and nothing of it (process, socket, folder) outlives the run. The bytecode of
a run on the user's tree goes to genmigrate's cache folder, never into the tree."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from pathlib import Path

import pytest

from genmigrate.parity.cases import CaseSpec
from genmigrate.parity.classinfo import class_info
from genmigrate.parity.service import SocketWorker, run_worker
from genmigrate.parity.worker import STARTS_ENV
from tests import safe_repo
from tests.servers.offline import seed_tiktoken_cache
from tests.test_parity_engine import CLIENT, _app, _install

pytestmark = [pytest.mark.e2e, pytest.mark.slow(40)]


def _notes(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_one_worker_serves_the_recording_and_the_generated_tests(tmp_path: Path) -> None:
    seed_tiktoken_cache()
    root = safe_repo.make(tmp_path / "repo")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    notes = tmp_path / "starts.jsonl"
    diff = safe_repo.run("diff", ".", cwd=root, env={"TMPDIR": str(scratch), STARTS_ENV: str(notes)})
    assert diff.returncode == 1, diff.stderr
    assert "tests/parity/__snapshots__/" in diff.stdout  # the baseline was recorded and verified

    rows = _notes(notes)
    starts = [r for r in rows if r["event"] == "start"]
    assert len(starts) == 1 and starts[0]["shared"] is True, rows
    (end,) = [r for r in rows if r["event"] == "end"]
    # genmigrate itself (the prefetches), the recording's pytest and the verifying pytest.
    assert end["pid"] == starts[0]["pid"] and end["clients"] == 3, rows
    assert end["requests"] > 0 and end["prefetched"] == end["requests"], rows
    assert [r for r in rows if r["event"] == "lane"], rows
    # Nothing outlives the run: not the worker, its lanes, its socket or its folder.
    assert [r["pid"] for r in rows if _alive(int(r["pid"]))] == []
    assert list(scratch.iterdir()) == []
    assert safe_repo.untouched(root) == ""


def test_parity_on_the_users_tree_writes_its_bytecode_to_the_cache(tmp_path: Path) -> None:
    seed_tiktoken_cache()
    root = _app(tmp_path)
    _install(root)
    cache = tmp_path / "cache"
    env = {"GENMIGRATE_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": ""}
    result = safe_repo.run("parity", ".", cwd=root, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p for p in root.rglob("*") if p.name in ("__pycache__", ".pytest_cache")] == []
    written = [p.name for p in cache.rglob("*.pyc")]
    assert any("-pytest-" in name for name in written), written  # pytest's assertion rewrite
    assert any(name.startswith("tiny.") for name in written), written  # the user's module, imported


def test_concurrent_clients_get_their_own_answers(tmp_path: Path) -> None:
    """Two clients asking at once each get the answers to their own requests, whole."""
    seed_tiktoken_cache()
    root = _app(tmp_path)
    (root / "app" / "other.py").write_text(
        CLIENT.replace("def chat(", "def embed_texts(self, texts):\n        " "return texts\n\n    def chat("),
        encoding="utf-8",
    )
    cases = [
        CaseSpec(
            "tiny",
            f"app.{name}",
            f"app.{name}",
            dataclasses.asdict(class_info(root / "app" / f"{name}.py", "TinyClient")),
        ).to_json()
        for name in ("tiny", "other")
    ]
    answers: dict[int, list[object]] = {0: [], 1: []}
    with run_worker() as worker:
        expected = [worker.ask({"op": "names", "case": case, "path": [str(root)]})["names"] for case in cases]

        def ask(index: int) -> None:
            client = SocketWorker(worker.address)
            for _ in range(4):
                answers[index].append(client.ask({"op": "names", "case": cases[index], "path": [str(root)]})["names"])
            client.close()

        threads = [threading.Thread(target=ask, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pid = int(worker.ask({"op": "stats"})["pid"])
    assert expected[0] != expected[1]
    assert answers == {0: [expected[0]] * 4, 1: [expected[1]] * 4}
    assert not _alive(pid)
