"""`components/` at the project root is exactly the generated package of the migrated fixture app.

Regenerate it after changing templates or codemods with:
    GENMIGRATE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_components.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.engine import plan_and_render

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "fixtures" / "legacy_app"
GOLDEN = PROJECT / "components"


def _rendered() -> dict[str, bytes]:
    outcome = plan_and_render(FIXTURE, Config())
    assert outcome.plan is not None
    prefix = outcome.plan.package_path.rsplit("/", 1)[0] + "/"  # "api/components/"
    files = {c.path[len(prefix) :]: c.new for c in outcome.changes if c.path.startswith(prefix)}
    assert "generator/base.py" in files and "generator/generator_manager.py" in files
    return files


def _on_disk() -> dict[str, bytes]:
    return {
        str(p.relative_to(GOLDEN)): p.read_bytes()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_components_match_a_fresh_migration_of_the_fixture() -> None:
    rendered = _rendered()
    if os.environ.get("GENMIGRATE_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in rendered.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    on_disk = _on_disk()
    assert sorted(on_disk) == sorted(rendered), "components/ lists other files than the migration renders"
    stale = [rel for rel in rendered if on_disk[rel] != rendered[rel]]
    assert not stale, f"components/ differs from a fresh migration in {stale}; regenerate it (see module docstring)"
