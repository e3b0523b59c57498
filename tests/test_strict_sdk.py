"""A client whose SDK is not installed: its parity is skipped with one line, or with --strict refused."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from genmigrate.config import ConfigError, load_config
from genmigrate.discover.providers import CATALOGUE
from genmigrate.parity.tests_render import import_line
from tests.fixture_app import files_of, genmigrate, git
from tests.trees import write_tree

pytestmark = [pytest.mark.e2e, pytest.mark.slow(30)]

# The first catalogued SDK (a plain top-level package) that this interpreter cannot import.
ABSENT = next(sdk for p in CATALOGUE for sdk in p.sdks if "." not in sdk and importlib.util.find_spec(sdk) is None)
CLIENT = (
    '"""A chat wrapper."""\n\n'
    "import os\n\n"
    f"import {ABSENT}\n\n\n"
    "class ChatClient:\n"
    "    def __init__(self) -> None:\n"
    f"        self.client = {ABSENT}.Client(api_key=os.environ.get('KEY', 'k'))\n\n"
    "    def chat(self, messages):\n"
    "        return self.client.chat(model='m', messages=messages)\n"
)
PATH, LINE = f"api/{ABSENT}_client.py", 5
SKIPPED = f"{PATH}:{LINE}: parity skipped: package '{ABSENT}' is not installed"
REFUSED = f"{PATH}:{LINE}: parity: package '{ABSENT}' is not installed (--strict)"


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("strict") / "app"
    write_tree(root, {"api/__init__.py": "", PATH: CLIENT})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "legacy")
    return root


def _copy(legacy: Path, tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(legacy, root)
    return root


def test_the_sdk_is_really_absent() -> None:
    assert importlib.util.find_spec(ABSENT) is None
    assert CLIENT.splitlines()[LINE - 1] == f"import {ABSENT}"


def test_diff_notes_the_skipped_parity_once(legacy: Path) -> None:
    proc = genmigrate("diff", ".", "--stat", cwd=legacy)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("parity skipped") == 1 and f"warning: {SKIPPED}" in proc.stderr.splitlines()
    assert "FAILED" not in proc.stdout + proc.stderr


def test_diff_strict_refuses_with_one_line(legacy: Path) -> None:
    proc = genmigrate("diff", ".", "--strict", cwd=legacy)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: {REFUSED}"]
    assert proc.stdout == ""


def test_apply_strict_writes_nothing(legacy: Path, tmp_path: Path) -> None:
    root = _copy(legacy, tmp_path)
    before = files_of(root)
    proc = genmigrate("apply", ".", "--strict", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: {REFUSED}"]
    assert files_of(root) == before


def test_strict_from_the_config_file(legacy: Path, tmp_path: Path) -> None:
    root = _copy(legacy, tmp_path)
    (root / "pyproject.toml").write_text("[tool.genmigrate]\nstrict = true\n", encoding="utf-8")
    proc = genmigrate("diff", ".", "--stat", cwd=root)
    assert (proc.returncode, proc.stderr.splitlines()) == (2, [f"error: {REFUSED}"])


def test_parity_on_the_applied_tree_skips_or_refuses(legacy: Path, tmp_path: Path) -> None:
    root = _copy(legacy, tmp_path)
    applied = genmigrate("apply", ".", cwd=root)
    assert applied.returncode == 0, applied.stderr
    assert f"warning: {SKIPPED}" in applied.stderr.splitlines()
    lenient = genmigrate("parity", ".", cwd=root)
    assert lenient.returncode == 0, lenient.stderr
    assert f"{PATH}: parity skipped: package '{ABSENT}' is not installed" in lenient.stderr.splitlines()
    strict = genmigrate("parity", ".", "--strict", cwd=root)
    assert strict.returncode == 2
    # after apply the old path is a shim: the import now lives in the generated module, so line 1
    assert strict.stderr.splitlines() == [f"{PATH}:1: parity: package '{ABSENT}' is not installed (--strict)"]
    (root / "pyproject.toml").write_text("[tool.genmigrate]\nstrict = true\n", encoding="utf-8")
    configured = genmigrate("parity", ".", cwd=root)
    assert (configured.returncode, configured.stderr.splitlines()) == (2, strict.stderr.splitlines())


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (b"import os\nfrom pkg.sub import x\n", 2),
        (b'"""doc"""\ntry:\n    import pkg as p\nexcept ImportError:\n    p = None\n', 3),
        (b"import pkgextra\nfrom . import pkg\n", 1),  # neither names the package: the first line
        (b"def (:\n", 1),
        (None, 1),
    ],
)
def test_import_line(source: bytes | None, line: int) -> None:
    assert import_line(source, "pkg") == line


def test_config_strict_must_be_a_boolean(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.genmigrate]\nshim = "alias"\nstrict = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml:3: strict must be true or false"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.genmigrate]\nstrict = true\n", encoding="utf-8")
    assert load_config(tmp_path).strict is True
