"""Interrupted and concurrent applies: a kill at any write point is recovered, one apply runs at a
time, and SIGTERM leaves no child process, no scratch copy and no lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from genmigrate.lock import LOCK, apply_lock
from genmigrate.model import FileChange
from genmigrate.write import JOURNAL, KILL_ENV, NEW_SUFFIX, recover, write_points
from tests import safe_repo

pytestmark = pytest.mark.integration

BEFORE = {"pkg/a.py": b"a = 1\r\n", "pkg/b.py": b"b = 1\n"}
CHANGES = [FileChange("pkg/a.py", b"a = 1\r\n", b"a = 2\r\n"), FileChange("pkg/b.py", b"b = 1\n", b"b = 2\n"),
           FileChange("pkg/new/deep/c.py", None, b"c = 3\n")]
AFTER = {c.path: c.new for c in CHANGES}
_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from genmigrate.model import FileChange
    from genmigrate.write import write_changes
    from tests.test_safe_concurrency import CHANGES
    write_changes(Path(sys.argv[1]), CHANGES)
    """
)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("point", write_points(len(CHANGES)))
def test_a_kill_at_any_write_point_is_recovered(tmp_path: Path, point: str) -> None:
    root = tmp_path / "repo"
    for rel, data in BEFORE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    env = {**os.environ, KILL_ENV: point, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    killed = subprocess.run([sys.executable, "-c", _WRITER, str(root)], env=env, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    recovery = recover(root)
    assert recovery.action in ("rolled-back", "completed")
    expected = AFTER if recovery.action == "completed" else BEFORE
    assert _files(root) == expected  # no journal, journal .tmp or temporary file left either
    assert recover(root).action == "none"
    if recovery.action == "rolled-back":
        assert not (root / "pkg" / "new").exists()


def test_a_second_apply_is_refused_while_one_holds_the_lock(tmp_path: Path) -> None:
    root = safe_repo.make(tmp_path / "repo")
    with apply_lock(root):
        result = safe_repo.cli("apply", str(root), "--no-parity")
    assert result.exit_code == 2
    assert safe_repo.error_lines(result) == [
        f"error: {LOCK}:1: another genmigrate apply (pid {os.getpid()}) holds {root / LOCK}"
    ]
    assert not (root / LOCK).exists()
    assert safe_repo.untouched(root) == ""


def test_a_killed_apply_leaves_a_lock_the_next_one_takes_over(tmp_path: Path) -> None:
    root = safe_repo.make(tmp_path / "repo")
    killed = safe_repo.run("apply", ".", "--no-parity", cwd=root, env={KILL_ENV: "rename-1"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    pid = int((root / LOCK).read_text())
    assert (root / JOURNAL).exists()
    again = safe_repo.run("apply", ".", "--no-parity", cwd=root)
    assert again.returncode == 0, again.stderr
    assert f"took over the lock left by pid {pid}" in again.stderr
    assert "recovered an interrupted apply: completed" in again.stderr
    assert again.stdout.startswith("0 files changed")
    assert not (root / LOCK).exists() and not (root / JOURNAL).exists()
    assert not list(root.rglob("*" + NEW_SUFFIX))


def _descendants(pid: int) -> set[tuple[int, str]]:
    """(pid, start time) of every live descendant of `pid`, from /proc."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = (int(fields[1]), fields[19])
    found, frontier = set(), {pid}
    while frontier:
        children = {p for p, (ppid, _) in parents.items() if ppid in frontier}
        found |= {(p, parents[p][1]) for p in children}
        frontier = children
    return found


def _alive(process: tuple[int, str]) -> bool:
    try:
        fields = Path(f"/proc/{process[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and fields[19] == process[1]


def test_sigterm_leaves_no_child_no_scratch_copy_and_no_lock(tmp_path: Path) -> None:
    root = safe_repo.make(tmp_path / "repo")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    apply = subprocess.Popen([sys.executable, "-m", "genmigrate", "apply", "."], cwd=root,
                             env={**os.environ, "TMPDIR": str(scratch)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: set[tuple[int, str]] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and apply.poll() is None:
        seen |= _descendants(apply.pid)
        if len(seen) >= 2 and any(p.name.startswith("genmigrate-parity-") for p in scratch.iterdir()):
            break  # the parity baseline is being recorded: pytest and its worker are running
        time.sleep(0.05)
    assert apply.poll() is None, "apply ended before it could be interrupted"
    os.kill(apply.pid, signal.SIGTERM)
    _, stderr = apply.communicate(timeout=60)
    assert apply.returncode == 128 + signal.SIGTERM, stderr
    assert b"Traceback" not in stderr
    time.sleep(0.5)  # the kernel delivers the groups' SIGKILL at once; reaping may lag a little
    assert [p for p in seen if _alive(p)] == []
    # genmigrate-tiktoken is the offline tokenizer cache, kept on purpose; scratch copies are gone.
    assert [p.name for p in scratch.iterdir() if p.name != "genmigrate-tiktoken"] == []
    assert not (root / LOCK).exists()
    assert safe_repo.untouched(root) == ""


def test_a_childs_own_children_end_with_it(tmp_path: Path) -> None:
    from genmigrate import children

    started = tmp_path / "grandchild.pid"
    code = ("import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
            f"open({str(started)!r}, 'w').write(str(p.pid))")
    result = children.run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    grandchild = int(started.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive((grandchild, _start_time(grandchild))):
        time.sleep(0.05)
    assert not _alive((grandchild, _start_time(grandchild)))


def _start_time(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except OSError:
        return ""


_SIGNAL_IN_FORK = textwrap.dedent(
    """
    import os, signal, sys, time
    from genmigrate import children
    sent = []
    def during_fork():
        if not sent:  # the signal lands while Popen forks; the at-fork hook swallows its exit
            sent.append(os.kill(os.getpid(), signal.SIGTERM))
    os.register_at_fork(after_in_parent=during_fork)
    with children.terminating_cleanly():
        children.run([sys.executable, "-c", "import time; time.sleep(30)"])
    """
)


def test_a_signal_during_the_fork_ends_the_child_just_started(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    started = time.monotonic()
    ended = subprocess.run([sys.executable, "-c", _SIGNAL_IN_FORK], env=env, capture_output=True, timeout=25)
    assert ended.returncode == 128 + signal.SIGTERM, ended.stderr
    assert time.monotonic() - started < 20  # not the 30 s the child would have slept
    assert b"Traceback" not in ended.stderr and b"Exception ignored" not in ended.stderr
