"""A generated repository with many client modules migrates, and migrating it again does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.engine import migrate, plan_and_render
from genmigrate.write import write_changes
from tests.trees import many_clients

pytestmark = pytest.mark.integration

COUNT = 32


def test_thirty_two_clients_migrate_and_the_second_run_is_a_no_op(tmp_path: Path) -> None:
    many_clients(tmp_path, COUNT)
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
