"""Every test module says what kind of test it is, so `pytest -m unit` (seconds) and the others mean something."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

LEVELS = {"unit", "integration", "e2e"}


def _module_marks(path: Path) -> set[str]:
    """The `pytest.mark.NAME` names in the module's top-level `pytestmark = ...`."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            return {n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr != "mark"}
    return set()


def test_every_test_module_has_exactly_one_level() -> None:
    modules = sorted(Path(__file__).parent.glob("test_*.py"))
    assert len(modules) > 10
    wrong = {m.name: sorted(_module_marks(m) & LEVELS) for m in modules if len(_module_marks(m) & LEVELS) != 1}
    assert not wrong, f"set `pytestmark = pytest.mark.unit|integration|e2e` (see pyproject markers) in {wrong}"
