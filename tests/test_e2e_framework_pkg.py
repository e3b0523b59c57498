"""scan -> diff -> apply on a git copy of fixtures/framework_pkg/libsrc (clients two packages deep, optional
SDKs), through the real command line; the framework's own suite keeps its count and a second diff is empty."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.parity.offline import tiktoken_cache_dir
from tests.test_e2e_apply import files_of, genmigrate, git_copy

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "framework_pkg" / "libsrc"
FIXTURE_TESTS = "18 passed"  # the fixture's own suite, as written


# The migrated layer, offline: each provider's capabilities (Google and Together post one JSON body
# and return the parsed reply, Bedrock forwards its keywords only to `converse`: no streaming); embed
# refused by every provider that does not embed, before its legacy client is built (no SDK, key or
# connection needed); routing by default provider and by an explicit one.
_LAYER = """
import socket
from unittest import mock
from fwpkg.components.generator.base import UnsupportedOperation
from fwpkg.components.generator.generator_manager import GeneratorManager
from fwpkg.components.generator.providers import PROVIDERS
m = GeneratorManager(default_provider="groq")
out = [m.capabilities() == m.capabilities("groq") != m.capabilities("openai", model="gpt-4o")]
with mock.patch.object(socket.socket, "connect", side_effect=AssertionError("connected")):
    for name in sorted(PROVIDERS):
        caps = m.capabilities(name)
        out.append(f"{name}:{int(caps.streaming)}{int(caps.async_)}{int(caps.embeddings)}")
        if not caps.embeddings:
            try:
                m.embed(["x"], provider=name)
            except UnsupportedOperation as exc:
                out.append(f"refused:{exc.provider}")
print(" ".join(map(str, out)))
"""
LAYER = (
    "True anthropic:100 refused:anthropic azure:100 refused:azure bedrock:000 refused:bedrock cohere:101"
    " dashscope:101 google:000 refused:google groq:100 refused:groq litellm:100 refused:litellm mistral:100"
    " refused:mistral ollama:101 openai:111 together:000 refused:together"
)


def _suite(root: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=root, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return re.findall(r"\d+ passed", proc.stdout)[-1]


def test_framework_pkg_scan_diff_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The generated adapters of ModelClient-style classes import adalflow's types, and adalflow builds a
    # tokenizer when imported: point it at the offline copy, as the bundled fixture's tests do.
    cache = tiktoken_cache_dir()
    if cache is not None:
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", cache)
    root = git_copy(tmp_path, FIXTURE)
    assert _suite(root) == FIXTURE_TESTS

    before = files_of(root)
    diff = genmigrate("diff", ".", "--no-parity", cwd=root)
    assert diff.returncode == 1, diff.stderr
    assert files_of(root) == before, "diff wrote into the tree"

    apply = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert apply.returncode == 0, apply.stderr
    providers = next(root.rglob("generator/providers"))
    assert len([p for p in providers.glob("*.py") if p.name != "__init__.py"]) == 12  # one module per client
    assert not list(providers.glob("*_embedder.py"))  # every client chats (some embed too): all are generators
    assert (root / "fwpkg/components/model_client/deepseek_client.py").is_file()  # the subclass stays a dependent
    registry = (root / "fwpkg/components/model_client/__init__.py").read_text()
    assert "generator.providers.ollama_generator.OllamaClient" in registry  # the lazy registry follows the move

    assert _suite(root) == FIXTURE_TESTS
    layer = subprocess.run([sys.executable, "-c", _LAYER], cwd=root, capture_output=True, text=True)
    assert layer.returncode == 0 and layer.stdout.split() == LAYER.split(), layer.stdout + layer.stderr[-2000:]
    assert genmigrate("diff", ".", "--no-parity", cwd=root).returncode == 0
