"""The command line's contract: what the README documents exists, exit codes, one-line errors, exact patches."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from genmigrate.cli import main
from genmigrate.config import Config
from tests.servers.offline import seed_tiktoken_cache
from tests.test_e2e_apply import files_of, git, git_copy
from tests.test_e2e_apply import genmigrate as run_genmigrate

pytestmark = [pytest.mark.e2e, pytest.mark.slow(40)]

README = Path(__file__).resolve().parents[1] / "README.md"
CLIENT = "from openai import OpenAI\n\nclass OpenAIClient:\n    def chat(self, messages):\n        return OpenAI().chat.completions.create(messages=messages)\n"
USE = "from api.openai_client import OpenAIClient\n"
FILES = {"api/__init__.py": "", "api/openai_client.py": CLIENT, "api/use.py": USE}
# A flag with the metavar the text gives it, if any: `--patch FILE`, `--legacy MODULE:CLASS`, `--json`.
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)(?: ([A-Z][A-Z:_]*)\b)?")
ONE_ERROR = re.compile(r"(error: )?\S+:\d+: \S.*")


# ---- the README, parsed ------------------------------------------------------------------------


@dataclasses.dataclass
class Readme:
    fences: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (section, code)
    inline: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (section, paragraph source)
    table_rows: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)  # (section, cells)


def _readme() -> Readme:
    doc, section, inside = Readme(), "", ""
    for token in MarkdownIt("commonmark").enable("table").parse(README.read_text(encoding="utf-8")):
        if token.type in ("heading_open", "th_open", "td_open"):
            inside = token.type
        elif token.type in ("heading_close", "th_close", "td_close"):
            inside = ""
        elif token.type == "tr_open":
            doc.table_rows.append((section, []))
        elif token.type == "fence":
            doc.fences.append((section, token.content))
        elif token.type == "inline" and inside == "heading_open":
            section = token.content
        elif token.type == "inline" and inside:
            doc.table_rows[-1][1].append(token.content)
        elif token.type == "inline":
            doc.inline.append((section, token.content))
    return doc


def _flags(text: str) -> dict[str, str | None]:
    return {flag: metavar for flag, metavar in FLAG.findall(text)}


def _invocations(text: str) -> list[tuple[str, str]]:
    """Every `genmigrate CMD args` in a shell line or code span, as (CMD, args)."""
    found = []
    for part in re.split(r"&&|\|\||[|;\n]", text):
        match = re.search(r"\bgenmigrate\s+([a-z]+)(.*)", part.split("#")[0])
        if match:
            found.append((match[1], match[2]))
    return found


def _help(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def _options(*command: str) -> dict[str, str | None]:
    """Flags from the Options section of `--help`, with their metavars (`--shim [alias|reexport]` has none)."""
    lines = _help(*command).split("\nOptions:\n", 1)[1].splitlines()
    columns = [re.split(r"\s{2,}", line.strip())[0] for line in lines if line.startswith("  -")]
    return {flag: metavar for column in columns for flag, metavar in _flags(column).items()}


def _commands() -> set[str]:
    lines = _help().split("\nCommands:\n", 1)[1].splitlines()
    return {line.split()[0] for line in lines if line.startswith("  ")}


def _workflow_block() -> str:
    blocks = [code for section, code in _readme().fences if section == "The workflow"]
    assert len(blocks) == 1, "README has no single ```sh block under '## The workflow'"
    return blocks[0]


def _assert_documented_flags_exist(command: str, documented: Mapping[str, str | None], where: str) -> None:
    real = _options(command)
    for flag, metavar in documented.items():
        assert flag in real, f"README {where}: `genmigrate {command} {flag}` is not in `{command} --help`"
        if metavar:
            assert real[flag] == metavar, f"README {where}: {flag} {metavar}, but --help says {flag} {real[flag]}"


def test_the_workflow_block_documents_exactly_the_commands_there_are() -> None:
    workflow = _invocations(_workflow_block())
    assert sorted(command for command, _ in workflow) == sorted(_commands())
    for command, args in workflow:
        usage = _help(command).splitlines()[0]
        assert args.split()[0] in usage.replace("[", " ").replace("]", " ").split(), usage


def test_every_flag_in_a_documented_command_line_exists() -> None:
    readme = _readme()
    spans = [(s, span) for s, text in readme.inline for span in re.findall(r"`([^`]+)`", text)]
    lines = readme.fences + spans
    checked = 0
    for section, text in lines:
        for command, args in _invocations(text):
            assert command in _commands(), f"README ({section}): no command `genmigrate {command}`"
            _assert_documented_flags_exist(command, _flags(args), f"({section}) {text.strip()[:60]!r}")
            checked += bool(_flags(args))
    assert checked >= 1, "the README's command lines name no flags: did the parsing break?"


def test_every_flag_in_a_command_section_belongs_to_that_command() -> None:
    readme = _readme()
    sections = {s: re.search(r"`genmigrate ([a-z]+)", s) for s, _ in readme.inline}
    commands = {section: match[1] for section, match in sections.items() if match}
    assert sorted(commands.values()) == sorted(_commands()), "one README section per command"
    documented = 0
    for section, command in commands.items():
        spans = [span for s, t in readme.inline if s == section for span in re.findall(r"`(--[^`]+)`", t)]
        flags = _flags("\n".join([section, *spans]))
        _assert_documented_flags_exist(command, flags, f"section {section!r}")
        documented += len(flags)
    assert documented >= len(commands), "the command sections name fewer flags than there are commands"


def _config_table() -> list[dict[str, str]]:
    rows = [cells for section, cells in _readme().table_rows if section == "Configuration"]
    assert rows and rows[0] == ["key", "flag", "default", "meaning"], rows[:1]
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_configuration_table_is_the_config_and_its_flags() -> None:
    table = _config_table()
    assert {row["key"].strip("`") for row in table} == {f.name for f in dataclasses.fields(Config)}
    defaults, compared = Config(), 0
    for row in table:
        for flag in _flags(row["flag"]):
            for command in ("diff", "apply"):
                assert flag in _options(command), f"configuration table: {flag} is not in `{command} --help`"
        try:
            literal = ast.literal_eval(row["default"].strip("`"))
        except (ValueError, SyntaxError):
            continue  # a default described in words
        actual = getattr(defaults, row["key"].strip("`"))
        assert literal == (list(actual) if isinstance(actual, tuple) else actual), row
        compared += 1
    assert compared >= 3


# ---- exit codes and errors, through the real command line ----------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _offline() -> None:
    seed_tiktoken_cache()


def genmigrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line; whatever the outcome, it never prints a Python traceback."""
    proc = run_genmigrate(*args, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def assert_one_error(proc: subprocess.CompletedProcess[str], where: str) -> None:
    """Exit 2 with exactly one `path:line: message` line on stderr that names `where`."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and ONE_ERROR.fullmatch(lines[0]), proc.stderr
    assert where in lines[0], lines[0]


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """Build a fresh committed git repository: one small client module, its importer, `extra` files."""
    built: list[Path] = []

    def build(extra: Mapping[str, str] | None = None, drop: tuple[str, ...] = ()) -> Path:
        root = tmp_path / f"repo{len(built)}"
        built.append(root)
        for rel, text in {**FILES, **(extra or {})}.items():
            if rel not in drop:
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text, encoding="utf-8")
        root.mkdir(exist_ok=True)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "legacy", "--allow-empty")
        return root

    return build


def test_scan_exits_0_with_clients_and_without(repo: Callable[..., Path]) -> None:
    with_client = genmigrate("scan", ".", cwd=repo())
    assert with_client.returncode == 0 and with_client.stdout.splitlines()[-1].startswith("1 client module")
    without = genmigrate("scan", ".", cwd=repo(drop=("api/openai_client.py", "api/use.py")))
    assert without.returncode == 0 and without.stdout.startswith("0 client modules"), without.stderr


@pytest.mark.parametrize("command", ["scan", "diff", "apply", "parity"])
def test_a_missing_path_is_one_error_line(command: str, tmp_path: Path) -> None:
    proc = genmigrate(command, "missing", cwd=tmp_path)
    assert_one_error(proc, "missing:0: no such directory")


@pytest.mark.parametrize("command", [("scan",), ("diff", "--no-parity"), ("apply", "--no-parity")])
def test_a_client_module_with_a_syntax_error_is_one_error_line(
    command: tuple[str, ...], repo: Callable[..., Path]
) -> None:
    root = repo({"api/bad_client.py": "import openai\n\nclass Broken(:\n    pass\n"})
    before = files_of(root)
    proc = genmigrate(*command, ".", cwd=root)
    assert_one_error(proc, "api/bad_client.py:3: ")
    assert files_of(root) == before


def test_diff_exit_codes_pending_then_nothing_to_do(repo: Callable[..., Path]) -> None:
    root = repo()
    pending = genmigrate("diff", "--no-parity", ".", cwd=root)
    assert pending.returncode == 1 and "+++ b/api/components/generator/base.py" in pending.stdout
    assert genmigrate("apply", "--no-parity", ".", cwd=root).returncode == 0
    done = genmigrate("diff", "--no-parity", ".", cwd=root)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    nothing = genmigrate("diff", "--no-parity", ".", cwd=repo(drop=("api/openai_client.py", "api/use.py")))
    assert (nothing.returncode, nothing.stdout) == (0, ""), nothing.stderr


def test_diff_is_a_usage_error_on_bad_config(repo: Callable[..., Path]) -> None:
    proc = genmigrate("diff", "--no-parity", ".", cwd=repo({"pyproject.toml": "[tool.genmigrate]\nshim = 'copy'\n"}))
    assert_one_error(proc, "pyproject.toml:1: shim must be")


def test_apply_refuses_a_dirty_tree_and_writes_nothing(repo: Callable[..., Path]) -> None:
    root = repo()
    (root / "api" / "use.py").write_text("from api.openai_client import OpenAIClient  # edited\n")
    before = files_of(root)
    assert_one_error(genmigrate("apply", "--no-parity", ".", cwd=root), "api/use.py:1: uncommitted changes")
    assert files_of(root) == before


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[tool.genmigrate]\noutput = 'gen'\ncolour = 'red'\n",
         "pyproject.toml:4: unknown [tool.genmigrate] key(s): colour"),
        ("[tool.genmigrate]\nshim = 'copy'\n", "pyproject.toml:4: shim must be 'alias' or 'reexport'"),
    ],
)
def test_apply_on_bad_config_names_the_line_and_writes_nothing(
    repo: Callable[..., Path], table: str, message: str
) -> None:
    root = repo({"pyproject.toml": "[project]\nname = 'legacy'\n\n" + table})
    before = files_of(root)
    assert_one_error(genmigrate("apply", "--no-parity", ".", cwd=root), message)
    assert files_of(root) == before


@pytest.mark.parametrize(
    "args",
    [
        ("frob",),
        ("scan", "--bogus", "."),
        ("diff", "--shim", "copy", "."),
        ("diff", "--patch", "api", "."),
        ("apply", "--allow-dirty=yes", "."),
    ],
)
def test_a_mistyped_command_line_is_a_usage_error(repo: Callable[..., Path], args: tuple[str, ...]) -> None:
    proc = genmigrate(*args, cwd=repo())
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1].startswith("Error: "), proc.stderr


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (("scan", "api/use.py"), "api/use.py:0: not a directory"),
        (("diff", "--no-parity", "--patch", "nowhere/x.patch", "."), "nowhere/x.patch:0: cannot write the patch"),
        (("parity", "."), "tests/parity:"),
        (("parity", "--legacy", "api.openai_client:OpenAIClient"), "--legacy and --candidate go together"),
        (("parity", "--legacy", "api.openai_client", "--candidate", "x:Y"), "expected MODULE:CLASS"),
        (("parity", "--legacy", "nomod:A", "--candidate", "nomod:B"), "module nomod not found"),
    ],
)
def test_a_user_mistake_is_one_error_line_and_writes_nothing(
    repo: Callable[..., Path], args: tuple[str, ...], where: str
) -> None:
    root = repo()
    before = files_of(root)
    assert_one_error(genmigrate(*args, cwd=root), where)
    assert files_of(root) == before


# ---- the diff is the patch ---------------------------------------------------------------------

LATIN1_CLIENT = """# -*- coding: latin-1 -*-
from openai import OpenAI

GREETING = "Grüße"


class OpenAIClient:
    def chat(self, messages):
        return OpenAI().chat.completions.create(messages=messages), GREETING
"""


def _encodings_repo(make: Callable[..., Path]) -> Path:
    root = make()
    (root / "api" / "openai_client.py").write_bytes(LATIN1_CLIENT.encode("latin-1"))
    (root / "api" / "use.py").write_bytes(USE.replace("\n", "\r\n").encode() + b"\r\nCLIENT = OpenAIClient\r\n")
    git(root, "-c", "core.autocrlf=false", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "latin-1 and CRLF")
    return root


def _piped_diff(root: Path, patch: Path) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "genmigrate", "diff", "--no-parity", "--patch", str(patch), "."],
                          cwd=root, capture_output=True)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_piped_diff_of_the_fixture_app_is_the_patch_file_and_git_applies_it(tmp_path: Path) -> None:
    root = git_copy(tmp_path)
    piped = _piped_diff(root, tmp_path / "app.patch")
    assert b"\r\n" in piped, "the fixture's CRLF client should show in the patch"
    assert piped == (tmp_path / "app.patch").read_bytes()
    subprocess.run(["git", "apply", "--check", "-"], cwd=root, input=piped, check=True, capture_output=True)


def test_applying_the_piped_diff_gives_what_apply_writes(repo: Callable[..., Path], tmp_path: Path) -> None:
    root = _encodings_repo(repo)
    piped = _piped_diff(root, tmp_path / "enc.patch")
    assert piped == (tmp_path / "enc.patch").read_bytes()
    assert "Grüße".encode("latin-1") in piped and b"\r\n" in piped
    written = tmp_path / "written"
    subprocess.run(["git", "clone", "-q", str(root), str(written)], check=True)
    subprocess.run(["git", "apply", "-"], cwd=root, input=piped, check=True, capture_output=True)
    assert genmigrate("apply", "--no-parity", ".", cwd=written).returncode == 0
    assert files_of(root) == files_of(written)
