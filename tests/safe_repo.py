"""A one-client repository whose package writes a log folder at import time, and the tools the
safety tests use on it: git, the command line, and a fingerprint of every file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.trees import write_tree

if TYPE_CHECKING:
    from click.testing import Result

LOGSETUP = '''"""Opens the app's log file beside the package at import time."""

import logging
from pathlib import Path

LOG_DIR = Path(__file__).resolve().parent / "logs"
LOG_DIR.mkdir(exist_ok=True)
logging.getLogger("app").addHandler(logging.FileHandler(LOG_DIR / "app.log"))
'''

CLIENT = '''"""Chat completions through the OpenAI SDK."""

import os
from pathlib import Path

from openai import OpenAI

from app import logsetup  # noqa: F401  (opens the log file)


class ChatClient:
    def __init__(self, model: str = "gpt-4o-mini", api_key: str | None = None) -> None:
        self.model = model
        self.client = OpenAI(api_key=api_key or os.environ["OPENAI_API_KEY"])
        self.system = _system_prompt()

    def chat(self, prompt: str) -> str:
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": prompt}]
        reply = self.client.chat.completions.create(model=self.model, messages=messages)
        return reply.choices[0].message.content or ""
'''

# The system prompt read from beside the module: moved elsewhere, the class no longer finds it, so
# parity refuses the migration after having run the user's code.
PROMPT_BESIDE = 'def _system_prompt() -> str:\n    return Path(__file__).with_name("system.txt").read_text()\n'
PROMPT_INLINE = 'def _system_prompt() -> str:\n    return "You answer briefly."\n'


def files(prompt: str = PROMPT_INLINE) -> dict[str, str]:
    head, _, tail = CLIENT.partition("\n\nclass ")
    return {
        "app/__init__.py": "",
        "app/logsetup.py": LOGSETUP,
        "app/openai_client.py": f"{head}\n\n{prompt}\n\nclass {tail}",
        "app/system.txt": "You answer briefly.\n",
    }


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def make(root: Path, content: dict[str, str | bytes] | None = None, commit: bool = True) -> Path:
    write_tree(root, files() if content is None else content)
    root.mkdir(parents=True, exist_ok=True)
    if commit:
        git(root, "init", "-q")
        git(root, "-c", "core.autocrlf=false", "add", "-A")
        git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "legacy")
    return root


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genmigrate", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def fingerprint(root: Path) -> dict[str, str]:
    """sha256 of every file (links as their target text), `.git` left out."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".git":
            continue
        if path.is_symlink():
            out[rel.as_posix()] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def untouched(root: Path) -> str:
    """What git sees changed, ignored files included: '' when the tree is as committed."""
    return git(root, "status", "--ignored", "--porcelain")


def cli(*args: str) -> Result:
    """The command line in this process (fast): exit code, stdout and stderr; never a traceback."""
    from click.testing import CliRunner

    from genmigrate.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]
