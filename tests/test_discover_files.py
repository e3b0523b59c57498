"""File listing: git-aware, .gitignore in a plain tree, virtualenvs and build folders skipped, excludes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from genmigrate.discover.files import list_files

pytestmark = pytest.mark.unit

TREE = {
    "app/main.py": "x = 1\n",
    "app/data.json": "{}\n",
    "env/pyvenv.cfg": "home = /usr\n",
    "env/lib/mod.py": "import openai\n",
    ".venv/lib/x.py": "",
    "venv/x.py": "",
    "lib/site-packages/pkg/x.py": "",
    "node_modules/a/index.py": "",
    "build/lib/a.py": "",
    "dist/a.py": "",
    ".tox/py/a.py": "",
    "app/__pycache__/main.cpython-311.pyc": "",
    "pkg.egg-info/PKG-INFO": "",
    "ignored/secret.py": "",
    "app/generated_big.py": "",
    ".gitignore": "ignored/\n*_big.py\n",
}


def test_plain_tree_skips_venvs_build_dirs_and_gitignored(make_repo) -> None:
    root = make_repo(TREE)
    assert list_files(root) == [".gitignore", "app/data.json", "app/main.py"]


def test_exclude_globs_apply(make_repo) -> None:
    root = make_repo({"a/x.py": "", "a/tests/y.py": "", "b/z.py": ""})
    assert list_files(root, exclude=("a/tests/*",)) == ["a/x.py", "b/z.py"]
    assert list_files(root, exclude=("*.py",)) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_work_tree_lists_tracked_and_untracked_but_not_ignored(make_repo) -> None:
    root = make_repo({**TREE, "untracked.py": ""})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "app/main.py", ".gitignore"], cwd=root, check=True)
    listed = list_files(root)
    assert "untracked.py" in listed and "app/main.py" in listed
    assert not any(p.startswith(("ignored/", "env/", ".venv/", "build/")) for p in listed)
    assert "app/generated_big.py" not in listed


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_listing_from_a_subdirectory_is_relative_to_it(make_repo) -> None:
    root = make_repo({"sub/pkg/a.py": "", "other/b.py": ""})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    assert list_files(root / "sub") == ["pkg/a.py"]


def test_overlay_adds_files_that_do_not_exist_yet(make_repo) -> None:
    root = make_repo({"a.py": ""})
    assert list_files(root, overlay={"new/b.py": b"x = 1\n"}) == ["a.py", "new/b.py"]


def test_every_file_of_a_wide_tree_is_listed(tmp_path: Path) -> None:
    for i in range(300):
        (tmp_path / f"d{i % 10}").mkdir(exist_ok=True)
        (tmp_path / f"d{i % 10}" / f"m{i}.py").write_text("")
    assert len(list_files(tmp_path)) == 300
