"""One pass: the idempotency check works only on what the first pass rendered, and still catches a
migration that would change its own output."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate import render, runcache
from genmigrate.config import Config
from genmigrate.discover import pipeline
from genmigrate.engine import MigrationError, migrate, plan_and_render
from tests.trees import CLIENT, write_tree

pytestmark = pytest.mark.unit

AGAIN = "running the migration again on its own output would change this file"


def _tree(root: Path) -> None:
    write_tree(
        root,
        {
            "app/__init__.py": "",
            "app/tiny_client.py": CLIENT.format(name="TinyClient"),
            "app/uses.py": "from app.tiny_client import TinyClient\n\nCLIENT = TinyClient\n",
            # A candidate that is no client: parsed by the first pass, only looked up by the second.
            "app/prices.py": "import openai\n\nPRICE = {'gpt': openai.__name__}\n",
            **{f"app/mod_{i}.py": f"VALUE = {i}\n" for i in range(5)},
        },
    )


def _idempotency_problems(root: Path) -> list[str]:
    """The idempotency pass alone, on the first pass's output, inside one run."""
    from genmigrate.engine import _check_idempotent

    with runcache.shared():
        first = plan_and_render(root, Config())
        return [str(p) for p in _check_idempotent(root, Config(), first.changes)]


def test_the_second_pass_reads_classifies_and_analyses_only_the_rendered_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    classified: list[bytes] = []
    analysed: list[str] = []
    real_classify, real_analyse = pipeline.classify, pipeline.analyse
    monkeypatch.setattr(pipeline, "classify", lambda data: classified.append(data) or real_classify(data))
    monkeypatch.setattr(pipeline, "analyse", lambda path, *a, **k: analysed.append(path) or real_analyse(path, *a, **k))
    with runcache.shared() as cache:
        first = plan_and_render(tmp_path, Config())
        first_classified = len(classified)
        assert _idempotency_problems(tmp_path) == []
    rendered = {c.new for c in first.changes}
    again = classified[first_classified:]
    assert again and all(data in rendered for data in again)  # the second pass looks at new bytes only
    assert len(classified) == len(set(classified)), "the same bytes were classified twice"
    assert analysed == ["app/tiny_client.py"]  # analysed with LibCST once, for both passes
    assert cache.computed["listing"] == 1  # the file listing is taken once for both passes


def test_a_package_render_that_changes_on_a_second_pass_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    calls = iter(range(1000))
    real = render.render_package
    # A template change that is not a function of the plan: each rendering differs from the last.
    monkeypatch.setattr(
        render,
        "render_package",
        lambda ctx: {
            rel: text + (f"# rendering {next(calls)}\n" if rel == "__init__.py" else "")
            for rel, text in real(ctx).items()
        },
    )
    assert _idempotency_problems(tmp_path) == [f"app/components/generator/__init__.py:1: {AGAIN}"]
    with pytest.raises(MigrationError) as caught:
        migrate(tmp_path, Config(), parity=False)
    assert [p.path for p in caught.value.problems] == ["app/components/generator/__init__.py"]


def test_a_provider_module_the_next_run_would_move_again_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    # A provider header without the generated marker: the next run takes the provider module for a
    # new client module and moves it again.
    monkeypatch.setattr(render, "provider_header", lambda move, import_root: "# a provider module")
    problems = _idempotency_problems(tmp_path)
    assert f"app/components/generator/providers/openai_generator.py:1: {AGAIN}" in problems
