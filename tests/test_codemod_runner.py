"""The codemods run on their own through LibCST's runner, configured by .libcst.codemod.yaml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]


def _runner(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", args[0], "--no-format", "-j", "1", *args[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def test_rewrite_imports_through_the_runner(tmp_path: Path) -> None:
    target = tmp_path / "config.py"
    target.write_bytes(
        b"import os\r\nfrom api.openai_client import OpenAIClient\r\n\r\ndef f():\r\n    import api.openai_client as oc\r\n"
    )
    result = _runner(
        tmp_path,
        "rewrite_imports.RewriteImportsCommand",
        "config.py",
        "--move",
        "api.openai_client=api.new.openai_generator",
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (
        b"import os\r\nfrom api.new.openai_generator import OpenAIClient\r\n\r\ndef f():\r\n    import api.new.openai_generator as oc\r\n"
    )


def test_alias_shim_through_the_runner_keeps_latin1(tmp_path: Path) -> None:
    target = tmp_path / "openai_client.py"
    target.write_bytes("# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1"))
    result = _runner(
        tmp_path, "alias_shim.AliasShimCommand", "openai_client.py", "--new-module", "api.new.mod"
    )
    assert result.returncode == 0, result.stderr
    text = target.read_bytes().decode("latin-1")
    assert text.startswith("# -*- coding: latin-1 -*-\n# genmigrate: shim")
    assert 'importlib.import_module("api.new.mod")' in text


def test_patch_targets_through_the_runner(tmp_path: Path) -> None:
    target = tmp_path / "test_x.py"
    target.write_text('@patch("api.openai_client.OpenAI")\ndef test(m):\n    pass\n')
    result = _runner(
        tmp_path,
        "rewrite_patch_targets.RewritePatchTargetsCommand",
        "test_x.py",
        "--lookup",
        "api.openai_client=api.new.mod",
    )
    assert result.returncode == 0, result.stderr
    assert target.read_text() == '@patch("api.new.mod.OpenAI")\ndef test(m):\n    pass\n'


def test_extract_statements_through_the_runner_uses_needed_statements(tmp_path: Path) -> None:
    target = tmp_path / "client.py"
    target.write_text(
        "import os\nimport json\n\nKEY = os.environ.get('K')\n\n\nclass A:\n    key = KEY\n\n\n"
        "class B:\n    data = json.dumps({})\n\n\nif __name__ == '__main__':\n    print(A.key)\n"
    )
    result = _runner(tmp_path, "extract_statements.ExtractStatementsCommand", "client.py", "--classes", "A")
    assert result.returncode == 0, result.stderr
    out = target.read_text()
    assert "class A:" in out and "KEY = os.environ.get('K')" in out
    assert "class B" not in out and "__main__" not in out
