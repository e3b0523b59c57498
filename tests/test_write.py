"""The writer is all-or-nothing, also when the process is killed in the middle of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from genmigrate.model import FileChange
from genmigrate.write import JOURNAL, NEW_SUFFIX, dirty_files, recover, write_changes

pytestmark = pytest.mark.unit


def _tree(tmp_path: Path) -> tuple[Path, list[FileChange]]:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_bytes(b"a = 1\r\n")
    (root / "pkg" / "b.py").write_bytes(b"b = 1\n")
    changes = [
        FileChange("pkg/a.py", b"a = 1\r\n", b"a = 2\r\n"),
        FileChange("pkg/b.py", b"b = 1\n", b"b = 2\n"),
        FileChange("pkg/new/deep/c.py", None, b"c = 3\n"),
    ]
    return root, changes


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_writes_every_change(tmp_path: Path) -> None:
    root, changes = _tree(tmp_path)
    write_changes(root, changes)
    assert _snapshot(root) == {"pkg/a.py": b"a = 2\r\n", "pkg/b.py": b"b = 2\n", "pkg/new/deep/c.py": b"c = 3\n"}


def test_keeps_file_mode(tmp_path: Path) -> None:
    root, changes = _tree(tmp_path)
    os.chmod(root / "pkg" / "a.py", 0o755)
    write_changes(root, changes)
    assert (root / "pkg" / "a.py").stat().st_mode & 0o777 == 0o755


def test_prepared_journal_is_rolled_back(tmp_path: Path) -> None:
    root, changes = _tree(tmp_path)
    before = _snapshot(root)
    (root / "pkg" / "new").mkdir()
    (root / "pkg" / ("a.py" + NEW_SUFFIX)).write_bytes(b"half")
    journal = {"state": "prepared", "files": [c.path for c in changes], "dirs": ["pkg/new"]}
    (root / JOURNAL).write_text(json.dumps(journal))
    assert recover(root).action == "rolled-back"
    assert _snapshot(root) == before
    assert not (root / "pkg" / "new").exists()


def test_committing_journal_is_completed(tmp_path: Path) -> None:
    root, changes = _tree(tmp_path)
    (root / "pkg" / "a.py").write_bytes(b"a = 2\r\n")  # the first rename happened
    (root / "pkg" / ("b.py" + NEW_SUFFIX)).write_bytes(b"b = 2\n")
    journal = {"state": "committing", "files": ["pkg/a.py", "pkg/b.py"], "dirs": []}
    (root / JOURNAL).write_text(json.dumps(journal))
    assert recover(root).action == "completed"
    assert _snapshot(root) == {"pkg/a.py": b"a = 2\r\n", "pkg/b.py": b"b = 2\n"}


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import genmigrate.write as w
    from genmigrate.model import FileChange
    phase, after = sys.argv[2], int(sys.argv[3])
    calls = {"n": 0}
    def wrap(real):
        def inner(*args, **kwargs):
            result = real(*args, **kwargs)
            calls["n"] += 1
            if calls["n"] == after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return inner
    if phase == "prepare":
        w._write_synced = wrap(w._write_synced)
    else:
        real_replace = os.replace
        def replace(src, dst):
            real_replace(src, dst)
            if not str(dst).endswith("journal.json"):
                calls["n"] += 1
                if calls["n"] == after:
                    os.kill(os.getpid(), signal.SIGKILL)
        w.os.replace = replace
    root = Path(sys.argv[1])
    changes = [
        FileChange("pkg/a.py", b"a = 1\\r\\n", b"a = 2\\r\\n"),
        FileChange("pkg/b.py", b"b = 1\\n", b"b = 2\\n"),
        FileChange("pkg/new/deep/c.py", None, b"c = 3\\n"),
    ]
    w.write_changes(root, changes)
    """
)


@pytest.mark.parametrize(("phase", "after", "expected"), [("prepare", 3, "rolled-back"), ("commit", 1, "completed")])
def test_killed_write_is_recovered_by_the_next_run(tmp_path: Path, phase: str, after: int, expected: str) -> None:
    root, changes = _tree(tmp_path)
    before = _snapshot(root)
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(root), phase, str(after)])
    assert proc.returncode == -signal.SIGKILL
    assert (root / JOURNAL).exists()
    assert recover(root).action == expected
    after_recovery = _snapshot(root)
    if expected == "rolled-back":
        assert after_recovery == before
        assert not (root / "pkg" / "new").exists()
    else:
        assert after_recovery == {c.path: c.new for c in changes}
    assert not any(p.name.endswith(NEW_SUFFIX) for p in root.rglob("*"))


def test_dirty_files_reports_git_state(tmp_path: Path) -> None:
    assert dirty_files(tmp_path) is None  # not a git work tree
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "x.py").write_text("x = 1\n")
    assert dirty_files(tmp_path) == ["x.py"]
