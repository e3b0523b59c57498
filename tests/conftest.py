"""Shared fixtures: build small repositories on disk and scan them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.model import ClientModule, ScanResult
from tests.fixture_app import Applied, applied_app
from tests.servers.offline import seed_tiktoken_cache
from tests.trees import write_tree

# The migrated fixture app is built once per session for every test module that uses it.
pytest_plugins = ("servers.migrated",)

Files = Mapping[str, "str | bytes"]


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[Files], Path]:
    """Write `{relative path: text or bytes}` under a fresh directory and return it."""

    def build(files: Files) -> Path:
        root = tmp_path / "repo"
        write_tree(root, files)
        root.mkdir(exist_ok=True)
        return root

    return build


@pytest.fixture
def scan(make_repo: Callable[[Files], Path]) -> Callable[..., ScanResult]:
    """Build a repository from files and run discovery on it."""

    def run(files: Files, config: Config | None = None) -> ScanResult:
        return discover(make_repo(files), config or Config())

    return run


def client(result: ScanResult, path: str) -> ClientModule:
    """The client module at `path` (fails the test when it is missing)."""
    found = [c for c in result.clients if c.path == path]
    assert found, f"{path} not found among {[c.path for c in result.clients]}"
    return found[0]


@pytest.fixture(scope="session", autouse=True)
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`genmigrate parity` keeps the bytecode of the trees it runs on in genmigrate's cache folder:
    the session's random trees get one of their own, removed with the session's temp dirs."""
    if os.environ.get("GENMIGRATE_CACHE_DIR"):
        yield
        return
    os.environ["GENMIGRATE_CACHE_DIR"] = str(tmp_path_factory.mktemp("genmigrate-cache"))
    try:
        yield
    finally:
        os.environ.pop("GENMIGRATE_CACHE_DIR", None)


@pytest.fixture(scope="session")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """The fixture app migrated once per session by `genmigrate apply` (tests/fixture_app.py)."""
    seed_tiktoken_cache()
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp; their parent is the session's, shared by all.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return applied_app(shared / "applied-fixture-app")


def _slow_estimate(item: pytest.Item) -> float:
    mark = item.get_closest_marker("slow")
    return float(mark.args[0]) if mark is not None and mark.args else 0.0


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Whole test files, slowest first (by their `slow(seconds)` estimate), the rest in collection order.

    Under `--dist loadfile --no-loadscope-reorder` (pyproject addopts) each file runs on one worker,
    so a module-scoped fixture is built once, and the long files start first instead of last. The
    first file using the shared migration (`applied`) builds it; the other files using it come after
    the remaining slow files, so that no worker sits waiting for it.
    """
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    ordered = sorted(files.values(), key=lambda group: -max(_slow_estimate(i) for i in group))
    users = [group for group in ordered if any("applied" in i.fixturenames for i in group)]
    slow = [group for group in ordered if max(_slow_estimate(i) for i in group) > 0]
    waiting = users[1:]
    rest = [g for g in ordered if g not in slow and g not in waiting]
    ordered = [g for g in slow if g not in waiting] + waiting + rest
    items[:] = [item for group in ordered for item in group]
