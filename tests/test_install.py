"""The built wheel, installed offline into a fresh virtualenv, runs the workflow from outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from genmigrate import __version__
from tests.servers.offline import seed_tiktoken_cache
from tests.test_e2e_apply import CLIENTS, git_copy

pytestmark = [pytest.mark.e2e, pytest.mark.slow(40)]

CHECKOUT = Path(__file__).resolve().parents[1]
# What a source distribution must not carry over from a working checkout.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"
)


@dataclass(frozen=True)
class Installed:
    venv: Path
    env: dict[str, str]
    work: Path  # a directory outside the checkout to run commands from

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(self.venv / "bin" / args[0]), *args[1:]]
        return subprocess.run(command, cwd=cwd or self.work, env=self.env, capture_output=True, text=True)


def _build_wheel(tmp: Path) -> Path:
    """Build an sdist from a copy of the checkout, then the wheel from that sdist (as `python -m build` does)."""
    source = tmp / "source"
    shutil.copytree(CHECKOUT, source, ignore=_NOT_SOURCE)
    out = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("genmigrate-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _fresh_venv(tmp: Path) -> Path:
    """A venv whose own site-packages comes first and whose dependencies resolve from this environment's.

    Only the new venv's site-packages has its `.pth` files processed, so the editable genmigrate that this
    environment registers through a `.pth` file stays invisible there.
    """
    target = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("install")
    wheel = _build_wheel(tmp)
    target = _fresh_venv(tmp)
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install", "-q",
         "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{target / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["TIKTOKEN_CACHE_DIR"] = str(seed_tiktoken_cache())
    work = tmp / "elsewhere"
    work.mkdir()
    return Installed(target, env, work)


def test_the_wheel_not_the_checkout_is_imported(installed: Installed) -> None:
    code = "import importlib, sys\nfor name in sys.argv[1:]: print(importlib.import_module(name).__file__)"
    proc = installed.run("python", "-c", code, "genmigrate", "genmigrate.codemods", "genmigrate.templates")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.split()) == 3, proc.stdout
    for imported in proc.stdout.split():
        assert Path(imported).is_relative_to(installed.venv), imported
        assert not Path(imported).is_relative_to(CHECKOUT), imported


def test_the_wheel_ships_the_typing_marker(installed: Installed) -> None:
    proc = installed.run("python", "-c", "import genmigrate, pathlib; print(pathlib.Path(genmigrate.__file__).parent)")
    assert proc.returncode == 0, proc.stderr
    assert (Path(proc.stdout.strip()) / "py.typed").is_file()


def test_version_from_the_script_and_from_python_m(installed: Installed) -> None:
    expected = f"genmigrate, version {__version__}"
    for command in (("genmigrate", "--version"), ("python", "-m", "genmigrate", "--version")):
        proc = installed.run(*command)
        assert (proc.returncode, proc.stdout.strip()) == (0, expected), proc.stderr


def test_scan_human_and_json(installed: Installed, tmp_path: Path) -> None:
    app = git_copy(tmp_path)
    human = installed.run("genmigrate", "scan", str(app))
    assert human.returncode == 0, human.stderr
    assert human.stdout.splitlines()[-1].startswith(f"{len(CLIENTS)} client modules")
    as_json = installed.run("genmigrate", "scan", "--json", str(app))
    assert as_json.returncode == 0, as_json.stderr
    assert sorted(c["path"] for c in json.loads(as_json.stdout)["clients"]) == sorted(CLIENTS)


def test_diff_renders_templates_and_codemods_from_the_wheel(installed: Installed, tmp_path: Path) -> None:
    app = git_copy(tmp_path)
    proc = installed.run("genmigrate", "diff", "--no-parity", ".", cwd=app)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    new_files = [line for line in proc.stdout.splitlines() if line.startswith("+++ b/")]
    assert any(line.endswith("/components/generator/base.py") for line in new_files), new_files[:10]
    assert any(line.endswith("/providers/openai_generator.py") for line in new_files), new_files[:10]
    assert "would change" in proc.stderr
