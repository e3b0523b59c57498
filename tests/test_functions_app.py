"""fixtures/functions_app: clients in every shape (module-level functions, a second OpenAI module
sorting first, BOM+CRLF, latin-1 with a cookie, a star import) migrate through the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.plan import make_plan
from tests.test_e2e_apply import git, git_copy

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "functions_app"
CLIENTS = {
    "chatapp/anthropic_client.py": "anthropic",
    "chatapp/compat_openai.py": "compat_openai",
    "chatapp/hosted_client.py": "hosted",
    "chatapp/mistral_api.py": "mistral",  # no class at all: its functions are the client
    "chatapp/ollama_patch.py": "ollama",  # its provider's only module: the generator, though it only embeds
    "chatapp/openai_client.py": "openai",
    "chatapp/star_openai.py": "star_openai",
}


# The classless module's adapter, through the generated manager, over a patched `requests.post`.
_CALL_THE_FUNCTIONS_ADAPTER = """
from unittest import mock
from chatapp.components.generator.generator_manager import GeneratorManager
from chatapp.components.generator.providers.mistral_generator import MistralGenerator
caps = MistralGenerator.capabilities
print("generate" if "generate" in vars(MistralGenerator) else "", "embed" if caps.embeddings else "")
replies = [{"choices": [{"message": {"content": "bonjour"}}]}, {"data": [{"embedding": [1.0]}, {"embedding": [2.0]}]}]
with mock.patch("requests.post") as post:
    post.return_value.json.side_effect = replies
    manager = GeneratorManager()
    print(manager.generate("salut", provider="mistral").text, len(manager.embed(["a", "b"], provider="mistral").vectors))
"""


# The embedder-only and a chat-only client: capabilities, and refusals with no connection made.
_HONEST_CAPABILITIES = """
from unittest import mock
from chatapp.components.generator.base import UnsupportedOperation
from chatapp.components.generator.generator_manager import GeneratorManager
m = GeneratorManager()
out = []
for provider, refused in (("ollama", ("generate", "stream")), ("compat_openai", ("stream", "embed"))):
    caps = m.capabilities(provider)
    out.append(f"{provider}:{int(caps.streaming)}{int(caps.embeddings)}")
    calls = {"generate": lambda: m.generate("hi", provider=provider),
             "stream": lambda: list(m.stream("hi", provider=provider)),
             "embed": lambda: m.embed(["hi"], provider=provider)}
    with mock.patch("socket.socket.connect", side_effect=AssertionError("connected")):
        for operation in refused:
            try:
                calls[operation]()
            except UnsupportedOperation as exc:
                out.append(f"{operation}:{exc.provider}")
print(" ".join(out))
"""


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The diff holds the latin-1 file's bytes as they are.
    return subprocess.run([sys.executable, "-m", "genmigrate", *args], cwd=root, capture_output=True, text=True,
                          errors="replace")


def _app_tests(root: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return re.findall(r"\d+ passed", proc.stdout)[-1]


def test_plan_names_every_shape_and_wraps_the_functions() -> None:
    scan = discover(FIXTURE, Config())
    plan = make_plan(scan, Config())
    assert {m.source_path: m.provider for m in plan.moves} == CLIENTS
    ollama = next(m for m in plan.moves if m.source_path == "chatapp/ollama_patch.py")
    assert (ollama.protocol, ollama.primary_class, ollama.adapter_class) == ("functions", "", "OllamaGenerator")
    assert (ollama.family, ollama.target_path) == ("llm", "chatapp/components/generator/providers/ollama_generator.py")
    assert ollama.classes == ("DocumentEmbedder",)  # moves with the module, not wrapped
    functions = next(c for c in scan.clients if c.path == "chatapp/ollama_patch.py").functions
    assert [f.name for f in functions] == ["_host", "list_models", "check_model_exists", "embed_texts"]
    mistral = next(m for m in plan.moves if m.source_path == "chatapp/mistral_api.py")
    assert (mistral.protocol, mistral.classes, mistral.adapter_class) == ("functions", (), "MistralGenerator")


def test_diff_apply_then_nothing_to_do_and_the_apps_tests_keep_their_count(tmp_path: Path) -> None:
    root = git_copy(tmp_path, FIXTURE)
    before = _app_tests(root)
    diff = _cli(root, "diff", ".", "--no-parity")
    assert diff.returncode == 1, diff.stderr
    apply = _cli(root, "apply", ".", "--no-parity")
    assert apply.returncode == 0, apply.stderr
    for old in CLIENTS:
        assert b"# genmigrate: shim" in b"".join((root / old).read_bytes().splitlines(True)[:3]), old
    assert (root / "chatapp/components/generator/providers/ollama_generator.py").is_file()
    assert (root / "chatapp/anthropic_client.py").read_bytes().startswith(b"\xef\xbb\xbf")
    assert _app_tests(root) == before == "12 passed"
    layer = subprocess.run([sys.executable, "-c", _CALL_THE_FUNCTIONS_ADAPTER], cwd=root, capture_output=True, text=True)
    assert layer.returncode == 0 and layer.stdout.split() == ["generate", "embed", "bonjour", "2"], layer.stderr
    honest = subprocess.run([sys.executable, "-c", _HONEST_CAPABILITIES], cwd=root, capture_output=True, text=True)
    expected = "ollama:01 generate:ollama stream:ollama compat_openai:00 stream:compat_openai embed:compat_openai"
    assert honest.returncode == 0 and honest.stdout.split() == expected.split(), honest.stderr[-2000:]
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "migrated")
    again = _cli(root, "diff", ".", "--no-parity")
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
