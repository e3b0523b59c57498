"""The import check: one interpreter preloads installed libraries, then imports each tree in a fork."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from genmigrate.probe import ImportProbe, import_failures
from tests.trees import write_tree

pytestmark = pytest.mark.unit

MARKS_ITS_IMPORT = "from pathlib import Path\n\n(Path(__file__).parent / 'imported').write_text('yes')\n"


def test_failures_are_reported_by_module_and_what_the_code_prints_is_ignored(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/noisy.py": "import sys\n\nsys.stdout.write('no newline here')\nprint('{\"pkg.noisy\": \"fake\"}')\n",
            "pkg/broken.py": "raise ValueError('bad settings')\n",
            "pkg/exits.py": "raise SystemExit(3)\n",
        },
    )
    failures = import_failures(tmp_path, ["pkg.noisy", "pkg.broken", "pkg.exits"])
    assert failures == {"pkg.broken": "ValueError: bad settings", "pkg.exits": "SystemExit: 3"}


def test_the_users_own_code_is_never_preloaded_from_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, copy = tmp_path / "repo", tmp_path / "copy"
    write_tree(repo, {"mylib/__init__.py": MARKS_ITS_IMPORT})
    shutil.copytree(repo, copy)
    monkeypatch.setenv("PYTHONPATH", str(repo))  # as if the repo were installed in editable mode
    probe = ImportProbe(repo, libraries=["mylib", "json"])
    try:
        probe.check(copy, ["mylib"])
        assert probe.result() == {}
        probe.check(copy, ["mylib.missing"])  # one interpreter answers every check, in order
        assert list(probe.result()) == ["mylib.missing"]
    finally:
        probe.cancel()
    assert (copy / "mylib" / "imported").is_file()  # imported from the scratch copy
    assert not (repo / "mylib" / "imported").exists()  # never from the repo itself
