"""The import check covers the modules whose imports the migration rewrote: a rewritten import
that no longer resolves is refused (path:line, exit 2, nothing written), never left to the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate import render
from genmigrate.config import Config
from genmigrate.engine import MigrationError, migrate
from tests.trees import CLIENT, write_tree

pytestmark = pytest.mark.integration

TREE = {
    "app/__init__.py": "",
    "app/openai_client.py": CLIENT.format(name="OpenAIClient"),
    "app/service.py": "from app.openai_client import OpenAIClient\n\nCLIENT = OpenAIClient\n",
    "scripts/run.py": "from app.openai_client import OpenAIClient\n",  # a script: not imported
    "tests/test_service.py": "from app.openai_client import OpenAIClient\n",
}


def test_a_broken_rewritten_import_is_refused_and_names_the_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, TREE)
    outcome = migrate(tmp_path, Config(), parity=False)  # the faithful rewrite passes the check
    assert {c.path for c in outcome.changes} >= {"app/service.py", "scripts/run.py", "tests/test_service.py"}
    # A planted fault: every rewritten importer names a module that does not exist.
    rewrite = render._rewrite

    def broken(plan, path, kind, source):  # type: ignore[no-untyped-def]
        return rewrite(plan, path, kind, source).replace(b"providers.openai_generator", b"providers.missing")

    monkeypatch.setattr(render, "_rewrite", broken)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(MigrationError) as refused:
        migrate(tmp_path, Config(), parity=False)
    assert [str(p).split(":")[0] for p in refused.value.problems] == ["app/service.py"]
    assert "does not import after migration" in str(refused.value.problems[0])
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
