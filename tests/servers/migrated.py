"""The bundled legacy app, migrated once per test session and driven on the loopback servers.

`migrated_app` copies fixtures/legacy_app, renders its migration (parity off) and writes it with
the real writer, then puts the copy on sys.path so `api.components.generator` is the generated
layer wrapping the app's own legacy clients. `fixture_manager` builds a manager on it whose
providers all talk to the loopback servers of `harness.servers`.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from genmigrate.config import Config
from genmigrate.engine import plan_and_render
from genmigrate.write import write_changes

from .harness import Recorder, build_manager
from .offline import seed_tiktoken_cache

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "legacy_app"
PACKAGE = "api.components.generator"
# Read by the legacy modules at import or construction; pinned so the host cannot leak in.
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIDLOOPBACK",
    "AWS_SECRET_ACCESS_KEY": "loopback-secret",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def migrated_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    seed_tiktoken_cache()
    work = tmp_path_factory.mktemp("migrated")
    root = work / "legacy_app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    outcome = plan_and_render(root, Config())
    assert outcome.plan is not None and outcome.changes
    write_changes(root, outcome.changes)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**ENVIRONMENT, "WIKIQA_LOG_DIR": str(work / "logs")}.items():
            patch.setenv(name, value)
        patch.syspath_prepend(str(root))
        yield _import_layer(root)
        _forget_app()


def _import_layer(root: Path) -> SimpleNamespace:
    stale = sys.modules.get("api")
    assert stale is None, f"another module named 'api' is loaded: {stale}"
    mods = ("base", "generator_manager", "_resilience", "_cache")
    loaded = {m: importlib.import_module(f"{PACKAGE}.{m}") for m in mods}
    assert Path(loaded["base"].__file__ or "").is_relative_to(root)
    return SimpleNamespace(root=root, **loaded)


def _forget_app() -> None:
    for name in [n for n in sys.modules if n == "api" or n.startswith("api.")]:
        del sys.modules[name]


def provider_module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.providers.{name}_generator")


def fixture_settings(s: SimpleNamespace) -> dict[str, dict[str, Any]]:
    """Client settings pointing every migrated provider at a loopback server."""
    return {
        "openai": {"base_url": s.openai.url + "/v1", "api_key": "sk-test-key-0001"},
        "azure": {
            "azure_endpoint": s.openai.url,
            "api_key": "azure-test-key-0003",
            "api_version": "2024-02-01",
        },
        "openrouter": {"base_url": s.openai.url + "/v1", "api_key": "sk-or-test-0004"},
        "anthropic": {"base_url": s.anthropic.url, "api_key": "sk-ant-test-0002"},
        "bedrock": {},  # the endpoint comes from AWS_ENDPOINT_URL_BEDROCK_RUNTIME
        "ollama": {"host": s.ollama.url},
    }


def fixture_manager(
    app: SimpleNamespace, s: SimpleNamespace, rec: Recorder, patch: pytest.MonkeyPatch, **kw: Any
) -> Any:
    """A manager over the migrated app's generators; sleeps of every layer are recorded.

    The manager's own waits go to `rec.sleeps`; `time.sleep` (what the SDKs and the legacy
    retry decorators call) is patched to record into `rec.legacy_sleeps`.
    """
    patch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", s.bedrock.url)
    patch.setattr("time.sleep", rec.legacy_sleeps.append)
    return build_manager(app.generator_manager, fixture_settings(s), rec, **kw)
