"""Shared test harness: the rendered package with four legacy providers, the four loopback
servers, and a manager wired to them with recorded (never slept) retry delays.

To drive a different generated package (for instance a migrated fixture app), build the manager
with `client_settings(servers)` - it only maps provider names to loopback URLs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from . import wire
from .offline import seed_tiktoken_cache
from .render import LegacyProvider, import_package, write_package

PROVIDERS = (
    LegacyProvider("openai", "openai_modelclient.py", "OpenAIClient", "modelclient"),
    LegacyProvider("anthropic", "anthropic_wrapper.py", "AnthropicChat", "chat-wrapper"),
    LegacyProvider("bedrock", "bedrock_wrapper.py", "BedrockClient", "chat-wrapper"),
    LegacyProvider("ollama", "ollama_wrapper.py", "OllamaChat", "chat-wrapper"),
)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    seed_tiktoken_cache()
    root = tmp_path_factory.mktemp("loopback")
    package = write_package(root, PROVIDERS)
    import_package(root, package)
    mods = ("base", "generator_manager", "_resilience", "_cache", "_hooks")
    return SimpleNamespace(**{m: importlib.import_module(f"{package}.{m}") for m in mods})


@pytest.fixture()
def servers() -> Iterator[SimpleNamespace]:
    with (
        wire.openai_server() as openai,
        wire.anthropic_server() as anthropic,
        wire.bedrock_server() as bedrock,
        wire.ollama_server() as ollama,
    ):
        yield SimpleNamespace(openai=openai, anthropic=anthropic, bedrock=bedrock, ollama=ollama)


def client_settings(s: SimpleNamespace) -> dict[str, dict[str, Any]]:
    return {
        "openai": {"base_url": s.openai.url + "/v1", "api_key": "sk-test-key-0001"},
        "anthropic": {"base_url": s.anthropic.url, "api_key": "sk-ant-test-0002"},
        "bedrock": {"endpoint_url": s.bedrock.url, "max_attempts": 0},  # botocore: retries
        "ollama": {"host": s.ollama.url},
    }


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []  # the manager's waits
        self.legacy_sleeps: list[float] = []  # time.sleep calls of SDKs and legacy decorators
        self.events: list[tuple[str, str, Any]] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def attach(self, hooks: Any) -> None:
        for event in ("request", "response", "error", "retry", "fallback"):
            hooks.on(
                event, lambda ctx, payload, e=event: self.events.append((e, ctx.provider, payload))
            )

    def names(self) -> list[str]:
        return [e for e, _, _ in self.events]


def manager(
    pkg: SimpleNamespace,
    s: SimpleNamespace,
    rec: Recorder,
    overrides: dict[str, dict[str, Any]] | None = None,
    **kw: Any,
) -> Any:
    """A manager on the loopback servers; `overrides` adds per-provider client settings."""
    return build_manager(pkg.generator_manager, client_settings(s), rec, overrides, **kw)


def build_manager(
    module: Any,
    settings: dict[str, dict[str, Any]],
    rec: Recorder,
    overrides: dict[str, dict[str, Any]] | None = None,
    **kw: Any,
) -> Any:
    """`module.GeneratorManager` on these client settings, isolated from the host and recorded."""
    for provider, extra in (overrides or {}).items():
        settings[provider] = {**settings[provider], **extra}
    m = module.GeneratorManager(
        default_provider="openai",
        settings=settings,
        environ={},
        use_keyring=False,
        entry_points=False,
        sleep=rec.sleep,
        asleep=rec.asleep,
        **kw,
    )
    rec.attach(m.hooks)
    return m
