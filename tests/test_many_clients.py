"""A generated repository with many client modules migrates, and migrating it again does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.engine import migrate, plan_and_render
from genmigrate.write import write_changes
from tests.trees import CLIENT, write_tree

pytestmark = pytest.mark.integration

SDKS = ("openai", "anthropic", "groq", "mistralai", "cohere")
COUNT = 32


def _tree(root: Path) -> None:
    files: dict[str, str | bytes] = {"pyproject.toml": '[project]\nname = "many"\n', "src/many/__init__.py": ""}
    for i in range(COUNT):
        sdk = SDKS[i % len(SDKS)]
        stem = f"{sdk}_{'abcdefgh'[i // len(SDKS)]}_client"
        text = CLIENT.format(name=f"Client{i}").replace("openai", sdk)
        data = text.encode()
        if i % 4 == 1:
            data = b"\xef\xbb\xbf" + data
        elif i % 4 == 2:
            data = data.replace(b"\n", b"\r\n")
        elif i % 4 == 3:
            data = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + data
        files[f"src/many/llm/{stem}.py"] = data
    files["src/many/llm/__init__.py"] = ""
    files["src/many/app.py"] = "from many.llm.openai_a_client import Client0\n\nCLIENT = Client0\n"
    write_tree(root, files)


def test_thirty_two_clients_migrate_and_the_second_run_is_a_no_op(tmp_path: Path) -> None:
    _tree(tmp_path)
    outcome = migrate(tmp_path, Config(), parity=False)  # verifies outputs, idempotence and imports
    assert outcome.plan is not None
    moves = outcome.plan.moves
    assert len(moves) == COUNT
    assert outcome.plan.package_path == "src/many/llm/components/generator"
    names = [m.provider for m in moves]
    assert names == sorted(names) and len(set(names)) == COUNT
    assert "openai_a" in names and not any(n.rsplit("_", 1)[-1].isdigit() for n in names)
    write_changes(tmp_path, outcome.changes)
    assert plan_and_render(tmp_path, Config()).changes == []
    app = (tmp_path / "src/many/app.py").read_text()
    assert "many.llm.components.generator.providers.openai_a_generator" in app
