"""Shared fixtures: build small repositories on disk and scan them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.model import ClientModule, ScanResult
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
