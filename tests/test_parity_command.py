"""`genmigrate parity`: a pair differing in one request default is a break, an identical pair is
not, and a broken `parity_scenarios.py` is one `path:line: message` line with exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.parity.trace import SECRET_PREFIX
from tests.test_parity_engine import CLIENT, _app, _install

pytestmark = pytest.mark.integration


def _genmigrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genmigrate", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_pair_differing_in_one_request_default_is_a_break(tmp_path: Path) -> None:
    root = _app(tmp_path)
    (root / "app" / "hand.py").write_text(CLIENT.replace('model="tiny-1"', 'model="tiny-2"'), encoding="utf-8")
    result = _genmigrate("parity", "--legacy", "app.tiny:TinyClient", "--candidate", "app.hand:TinyClient",
                         "--root", str(root), cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'request.body.model: "tiny-1"' in result.stdout and '"tiny-2"' in result.stdout
    assert SECRET_PREFIX not in result.stdout + result.stderr


def test_identical_pair_passes(tmp_path: Path) -> None:
    root = _app(tmp_path)
    (root / "app" / "hand.py").write_text(CLIENT, encoding="utf-8")
    result = _genmigrate("parity", "--legacy", "app.tiny:TinyClient", "--candidate", "app.hand:TinyClient",
                         "--root", str(root), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(" 0 differ")
    assert SECRET_PREFIX not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _app(tmp_path_factory.mktemp("command"))
    _install(root)
    return root


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("import os\n\ndef broken(:\n    pass\n", 3, "invalid syntax"),
        ("import os\nimport no_such_parity_module\n", 2, "ModuleNotFoundError: No module named 'no_such_parity_module'"),
        ("SCENARIOS = {}\nraise RuntimeError('boom')\n", 2, "RuntimeError: boom"),
    ],
    ids=["syntax", "import", "raises"],
)
def test_broken_user_scenarios_are_one_line_exit_2(recorded: Path, tmp_path: Path, source: str, line: int,
                                                   message: str) -> None:
    root = tmp_path / "app"
    shutil.copytree(recorded, root)
    user = root / "tests" / "parity" / "parity_scenarios.py"
    user.write_text(source, encoding="utf-8")
    result = _genmigrate("parity", ".", cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stdout + result.stderr
    path, number, text = lines[0].split(":", 2)
    assert Path(path).resolve() == user.resolve() and int(number) == line
    assert message in text
