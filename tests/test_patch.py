"""`genmigrate diff --patch` output must be taken by `git apply` byte for byte."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from genmigrate.model import FileChange
from genmigrate.patch import unified_diff

pytestmark = pytest.mark.unit

LATIN1 = "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\nz = 1".encode("latin-1")


def _git_apply(root: Path, changes: list[FileChange]) -> dict[str, bytes]:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for change in changes:
        if change.old is not None:
            (root / change.path).parent.mkdir(parents=True, exist_ok=True)
            (root / change.path).write_bytes(change.old)
    (root / "change.patch").write_bytes(unified_diff(changes))
    check = subprocess.run(["git", "apply", "--check", "change.patch"], cwd=root, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "apply", "change.patch"], cwd=root, check=True)
    return {c.path: (root / c.path).read_bytes() for c in changes}


def test_crlf_latin1_missing_final_newline_and_new_files(tmp_path: Path) -> None:
    changes = [
        FileChange("a.py", b"x = 1\r\ny = 2\r\n", b"x = 1\r\ny = 3\r\n"),
        FileChange("b.py", LATIN1, LATIN1 + b"\nq = 2"),
        FileChange("pkg/new.py", None, b"hello\n"),
        FileChange("ff.py", b"a = '\x0c'\nb = 1\n", b"a = '\x0c'\nb = 2\n"),
    ]
    assert _git_apply(tmp_path, changes) == {c.path: c.new for c in changes}


def test_new_file_is_marked_as_such() -> None:
    patch = unified_diff([FileChange("n.py", None, b"x\n")])
    assert b"new file mode 100644\n--- /dev/null\n+++ b/n.py\n" in patch


_line = st.text(alphabet=st.sampled_from(list("ab \t\x0c\r=é")), max_size=6)


@settings(max_examples=40, deadline=None)
@given(
    old=st.lists(_line, min_size=1, max_size=6),
    new=st.lists(_line, min_size=1, max_size=6),
    end=st.sampled_from(["\n", "\r\n", ""]),
)
def test_any_text_change_applies(tmp_path_factory, old: list[str], new: list[str], end: str) -> None:
    before = ("\n".join(old) + end).encode("utf-8")
    after = ("\n".join(new) + end).encode("utf-8")
    assume(before != after)
    root = tmp_path_factory.mktemp("repo")
    result = _git_apply(root, [FileChange("f.txt", before, after)])
    assert result == {"f.txt": after}
