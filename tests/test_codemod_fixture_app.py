"""Smoke test: the codemods alone migrate the fixture app, and its own test suite still passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from genmigrate.codemods.absolutize_imports import absolutize_imports
from genmigrate.codemods.alias_shim import alias_shim
from genmigrate.codemods.extract_statements import extract_statements
from genmigrate.codemods.insert_adapter import insert_adapter
from genmigrate.codemods.rewrite_config_refs import rewrite_config_refs
from genmigrate.codemods.rewrite_imports import rewrite_imports
from genmigrate.codemods.rewrite_patch_targets import rewrite_patch_targets

pytestmark = [pytest.mark.integration, pytest.mark.slow(15)]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"
PROVIDERS = "api/components/generator/providers"
CLIENTS = sorted(
    path.name for path in (FIXTURE / "api").glob("*.py") if path.stem.endswith(("_client", "_patch"))
)
CONFIG_KINDS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


def _new_module(client: str) -> str:
    stem = client.removesuffix(".py").rsplit("_", 1)[0]
    return f"{PROVIDERS.replace('/', '.')}.{stem}_generator"


MOVES = {f"api.{client.removesuffix('.py')}": _new_module(client) for client in CLIENTS}


def _provider(client: str) -> bytes:
    source = (FIXTURE / "api" / client).read_bytes()
    everything = range(len(cst.parse_module(source).body))
    text = extract_statements(source, everything).decode("utf-8")
    text = absolutize_imports(text, f"api.{client.removesuffix('.py')}")
    text = rewrite_imports(text, MOVES, module_name=_new_module(client))
    text = rewrite_patch_targets(text, MOVES)
    header = f"# genmigrate: provider module, legacy code moved from api/{client}"
    return insert_adapter(text, "GENERATED_ADAPTER = True\n", header).encode("utf-8")


def _rewrite_dependents(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith(PROVIDERS) or path.name in CLIENTS:
            continue
        if path.suffix == ".py":
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            is_package = path.name == "__init__.py"
            source = path.read_bytes()
            new = rewrite_imports(source, MOVES, module.removesuffix(".__init__"), is_package=is_package)
            path.write_bytes(rewrite_patch_targets(new, MOVES))
        elif path.suffix in CONFIG_KINDS:
            text = path.read_bytes().decode("utf-8")
            path.write_bytes(rewrite_config_refs(text, MOVES, CONFIG_KINDS[path.suffix]).encode("utf-8"))  # type: ignore[arg-type]


def _assemble(root: Path, rewrite_dependents: bool = True) -> None:
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    providers = root / PROVIDERS
    providers.mkdir(parents=True)
    for folder in (providers, providers.parent, providers.parent.parent):
        (folder / "__init__.py").write_text("")
    if rewrite_dependents:
        _rewrite_dependents(root)
    for client in CLIENTS:
        new = _new_module(client)
        (providers / f"{new.rsplit('.', 1)[1]}.py").write_bytes(_provider(client))
        legacy = root / "api" / client
        legacy.write_bytes(alias_shim(legacy.read_bytes(), new, f"api/{client}"))


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("migrated") / "app"
    _assemble(root)
    return root


def test_fixture_has_client_modules() -> None:
    assert len(CLIENTS) >= 7


def test_every_generated_file_compiles_and_keeps_newlines(migrated: Path) -> None:
    for client in CLIENTS:
        original = (FIXTURE / "api" / client).read_bytes()
        for path in (
            migrated / "api" / client,
            migrated / PROVIDERS / f"{_new_module(client).rsplit('.', 1)[1]}.py",
        ):
            data = path.read_bytes()
            compile(data, str(path), "exec")
            assert (b"\r\n" in data) == (b"\r\n" in original), path


def test_provider_modules_hold_the_legacy_classes_verbatim(migrated: Path) -> None:
    for client in CLIENTS:
        original = cst.parse_module((FIXTURE / "api" / client).read_bytes())
        provider = (migrated / PROVIDERS / f"{_new_module(client).rsplit('.', 1)[1]}.py").read_bytes()
        for statement in original.body:
            if isinstance(statement, cst.ClassDef):
                code = original.code_for_node(statement.with_changes(leading_lines=())).encode()
                assert code in provider, (client, statement.name.value)


def test_rewritten_references_alone_keep_app_tests_passing(migrated: Path, tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(migrated, root)
    for client in CLIENTS:
        (root / "api" / client).unlink()
    assert "api.openai_client" not in (root / "tests" / "test_openai_client.py").read_text()
    result = _pytest(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_alias_shims_alone_keep_app_tests_passing(tmp_path: Path) -> None:
    root = tmp_path / "app"
    _assemble(root, rewrite_dependents=False)
    assert "api.openai_client" in (root / "tests" / "test_openai_client.py").read_text()
    result = _pytest(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
