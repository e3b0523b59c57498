"""Verification: broken outputs are refused with path:line, and a missing SDK is not the migration's fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.model import FileChange
from genmigrate.verify import check_outputs

pytestmark = pytest.mark.integration

CLIENT = '''import openai


class TinyClient:
    def __init__(self):
        self.client = openai.OpenAI(api_key="x")

    def chat(self, messages, model="m"):
        return self.client.chat.completions.create(model=model, messages=messages)
'''


def test_outputs_that_do_not_parse_are_reported_with_their_line() -> None:
    problems = check_outputs(
        [
            FileChange("ok.py", None, b"x = 1\n"),
            FileChange("bad.py", None, b"x = 1\ndef f(:\n"),
            FileChange("c.json", None, b'{"a": }'),
            FileChange("c.toml", None, b"a = \n"),
            FileChange("c.yaml", None, b"a: [\n"),
        ]
    )
    assert [(p.path, p.line) for p in problems] == [("bad.py", 2), ("c.json", 1), ("c.toml", 1), ("c.yaml", 1)]


def test_a_client_whose_sdk_is_missing_still_migrates(tmp_path: Path) -> None:
    """Without the provider SDK installed the old module never imported; that is not a migration failure."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "tiny_client.py").write_text(CLIENT)
    # A stand-in package that fails like an uninstalled SDK, first on the probe's sys.path.
    (root / "openai").mkdir()
    (root / "openai" / "__init__.py").write_text('raise ImportError("No module named \'openai\'")\n')
    proc = subprocess.run(
        [sys.executable, "-m", "genmigrate", "diff", "--no-parity", "."], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr
    assert "+++ b/app/components/generator/providers/openai_generator.py" in proc.stdout
    assert not list(root.rglob("__pycache__")), "verification wrote bytecode into the repo"
