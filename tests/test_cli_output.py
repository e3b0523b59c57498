"""The command line's conventions: -h, -V, -q/-v, --color with NO_COLOR/FORCE_COLOR, progress only on
a terminal, and `diff`/`apply` --json, --stat and file filters."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from genmigrate import __version__, progress
from genmigrate.cli import main
from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.output import wants_color

pytestmark = pytest.mark.integration

CLIENT = (
    "from openai import OpenAI\n\n\nclass OpenAIClient:\n    def chat(self, messages, model='gpt-4o-mini'):\n"
    "        return OpenAI().chat.completions.create(model=model, messages=messages)\n"
)
USE = "from api.openai_client import OpenAIClient\n"
FILES = {"api/__init__.py": "", "api/openai_client.py": CLIENT, "api/use.py": USE}


def invoke(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(main, list(args), env=env, prog_name="genmigrate")


@pytest.mark.parametrize("command", [(), ("scan",), ("diff",), ("apply",), ("parity",)])
def test_dash_h_is_help(command: tuple[str, ...]) -> None:
    short, long = invoke(*command, "-h"), invoke(*command, "--help")
    assert short.exit_code == long.exit_code == 0
    assert short.output == long.output and short.output.startswith("Usage: genmigrate")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    result = invoke(flag)
    assert (result.exit_code, result.output.strip()) == (0, f"genmigrate, version {__version__}")


@pytest.mark.parametrize(
    ("mode", "environ", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # an empty NO_COLOR does not count (no-color.org)
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_decision(mode: str, environ: dict[str, str], tty: bool, expected: bool) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert wants_color(mode, Stream(), environ) is expected


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(FILES)


def test_diff_json_lists_every_change(repo: Path) -> None:
    result = invoke("diff", "--no-parity", "--json", str(repo))
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    paths = {c["path"]: c for c in doc["changes"]}
    assert doc["command"] == "diff" and doc["written"] is False and doc["schema_version"] == 1
    assert paths["api/openai_client.py"]["status"] == "modified"
    assert paths["api/components/generator/providers/openai_generator.py"]["status"] == "created"
    assert all(c["added"] > 0 for c in doc["changes"])
    assert doc["created"] + doc["modified"] == len(doc["changes"])
    assert doc["parity"] == {"checked": False, "ok": True, "differences": []}
    assert not (repo / "api" / "components").exists()


def test_apply_json_says_what_it_wrote(repo: Path) -> None:
    result = invoke("apply", "--no-parity", "--allow-dirty", "--json", str(repo))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["command"] == "apply" and doc["written"] is True
    for change in doc["changes"]:
        assert (repo / change["path"]).is_file()
    again = json.loads(invoke("apply", "--no-parity", "--allow-dirty", "--json", str(repo)).stdout)
    assert (again["changes"], again["written"]) == ([], False)


def test_stat_and_file_filters(repo: Path) -> None:
    stat = invoke("diff", "--no-parity", "--stat", str(repo))
    lines = stat.stdout.splitlines()
    assert "A api/components/generator/providers/openai_generator.py" in "\n".join(lines)
    assert any(line.startswith("M api/openai_client.py") and " -" in line for line in lines)
    only = invoke("diff", "--no-parity", str(repo), "--", "*openai_generator*")
    files = [line for line in only.stdout.splitlines() if line.startswith("diff --git")]
    assert files == [
        "diff --git a/api/components/generator/providers/openai_generator.py "
        "b/api/components/generator/providers/openai_generator.py"
    ]
    # The exit code and the summary still speak for the whole migration.
    assert only.exit_code == 1 and f"{len(lines)} files would change" in only.stderr


def test_quiet_and_verbose(repo: Path) -> None:
    normal = invoke("diff", "--no-parity", str(repo))
    quiet = invoke("-q", "diff", "--no-parity", str(repo))
    after = invoke("diff", "-q", "--no-parity", str(repo))
    verbose = invoke("diff", "-v", "--no-parity", str(repo), "--", "api/use.py")
    assert "files would change" in normal.stderr and quiet.stderr == after.stderr == ""
    assert quiet.stdout == normal.stdout
    assert "A api/components/generator/base.py" in verbose.stderr
    assert verbose.stdout.startswith("diff --git a/api/use.py")


def test_colour_flag_and_no_color(repo: Path) -> None:
    plain = invoke("diff", "--no-parity", str(repo))
    coloured = invoke("--color", "always", "diff", "--no-parity", str(repo))
    forced = invoke("diff", "--no-parity", str(repo), env={"FORCE_COLOR": "1"})
    vetoed = invoke("diff", "--no-parity", str(repo), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout and "\x1b[" in coloured.stdout and "\x1b[32m+" in forced.stdout
    assert vetoed.stdout == plain.stdout


def test_stages_report_their_steps(repo: Path) -> None:
    seen: list[list[object]] = []

    class Recorder:
        def start(self, stage: str, total: int | None) -> object:
            seen.append([stage, total, 0])
            return len(seen) - 1

        def advance(self, handle: object, steps: int) -> None:
            seen[int(str(handle))][2] = int(str(seen[int(str(handle))][2])) + steps

        def finish(self, handle: object) -> None:
            pass

    with progress.listening(Recorder()):
        result = discover(repo, Config())
    assert result.clients
    scanned = [s for s in seen if s[0] == "files scanned"]
    assert scanned and scanned[0][1] == scanned[0][2] == result.files_listed
    assert progress.track([1, 2], "outside") is not None and seen[-1][0] == "files scanned"


def _in_pty(args: list[str], cwd: Path) -> str:
    """Run with stderr on a pseudo-terminal (stdout on a pipe); return what the terminal showed."""
    main_fd, child_fd = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "genmigrate", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=child_fd,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )
    os.close(child_fd)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    assert proc.returncode == 0, shown
    return shown.decode("utf-8", "replace")


def test_progress_only_on_a_terminal(repo: Path) -> None:
    shown = _in_pty(["scan", "."], repo)
    assert "files scanned" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "genmigrate", "scan", "."], cwd=repo, capture_output=True, text=True, check=False
    )
    assert piped.returncode == 0 and "files scanned" not in piped.stderr + piped.stdout
    assert "files scanned" not in _in_pty(["-q", "scan", "."], repo)


def _hooks() -> dict[str, list[str]]:
    import shlex

    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: shlex.split(hook["entry"]) for hook in hooks}


def test_pre_commit_hooks_are_real_command_lines(repo: Path) -> None:
    hooks = _hooks()
    assert sorted(hooks) == ["genmigrate-diff", "genmigrate-parity"]
    assert all(entry[0] == "genmigrate" and entry[-1] == "." for entry in hooks.values())
    pending = CliRunner().invoke(main, [*hooks["genmigrate-diff"][1:-1], str(repo)])
    assert pending.exit_code == 1 and pending.stderr == ""
    assert "A api/components/generator/base.py" in pending.stdout
    parity = CliRunner().invoke(main, [*hooks["genmigrate-parity"][1:-1], str(repo)])
    assert parity.exit_code == 2 and "no parity tests here" in parity.stderr
