"""Shapes real repositories have and the other fixtures do not: a namespace package as the import
root, clients registered by a decorator or a metaclass, a LiteLLM-style router, and SDK clients
created lazily in `__aenter__` / `__enter__` (the generated adapter enters the block per call)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from tests.test_e2e_apply import git_copy
from tests.trees import write_tree

pytestmark = pytest.mark.integration

PYPROJECT = """\
[project]
name = "acme-llm"
version = "0.1"

[tool.setuptools.packages.find]
where = ["src"]
namespaces = true
"""

REGISTRY = """\
REGISTRY = {}


def register(name):
    def deco(cls):
        REGISTRY[name] = cls
        return cls

    return deco


class Registered(type):
    def __new__(mcs, name, bases, namespace):
        cls = super().__new__(mcs, name, bases, namespace)
        REGISTRY[name.lower()] = cls
        return cls
"""

# Opens its SDK client on `async with` and closes it on the way out.
MISTRAL = """\
from acme.core.registry import Registered


class MistralLLM(metaclass=Registered):
    def __init__(self, model="mistral-small"):
        self.model = model
        self._client = None

    async def __aenter__(self):
        from mistralai import Mistral

        self._client = Mistral(api_key="k")
        return self

    async def __aexit__(self, *exc):
        await self._client.close()
        self._client = None

    async def achat(self, prompt):
        messages = [{"role": "user", "content": prompt}]
        return await self._client.chat.complete_async(model=self.model, messages=messages)
"""

# Opens its session on `with`; registered by a decorator.
GROQ = """\
from acme.core.registry import register


@register("groq")
class GroqLLM:
    def __init__(self, model="llama3-8b"):
        self.model = model
        self.session = None

    def __enter__(self):
        import groq

        self.session = groq.Groq(api_key="k")
        return self

    def __exit__(self, *exc):
        self.session.close()
        self.session = None

    def complete(self, prompt):
        messages = [{"role": "user", "content": prompt}]
        return self.session.chat.completions.create(model=self.model, messages=messages)
"""

# A context manager that only returns itself: nothing to enter per call.
ROUTER = """\
import litellm


class RoutedLLM:
    def __init__(self, model="anthropic/claude-3-haiku"):
        self.model = model

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def complete(self, prompt):
        messages = [{"role": "user", "content": prompt}]
        return litellm.completion(model=self.model, messages=messages)
"""

# Stand-ins for the SDKs, outside the repo: they record every client opened and closed.
FAKE_SDKS = {
    "mistralai/__init__.py": """\
OPENED = []


class _Chat:
    async def complete_async(self, model, messages):
        return f"{model}: {messages[-1]['content']}"


class Mistral:
    def __init__(self, api_key):
        self.chat = _Chat()
        self.closed = False
        OPENED.append(self)

    async def close(self):
        self.closed = True
""",
    "groq/__init__.py": """\
from types import SimpleNamespace

OPENED = []


class Groq:
    def __init__(self, api_key):
        self.closed = False
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))
        OPENED.append(self)

    def _create(self, model, messages):
        return f"{model}: {messages[-1]['content']}"

    def close(self):
        self.closed = True
""",
    # Another distribution's portion of the `acme` namespace.
    "acme/extra/util.py": "VALUE = 'from another portion'\n",
}

TREE = {
    "pyproject.toml": PYPROJECT,
    "src/acme/core/registry.py": REGISTRY,
    "src/acme/llm/mistral_llm.py": MISTRAL,
    "src/acme/llm/groq_llm.py": GROQ,
    "src/acme/llm/litellm_router.py": ROUTER,
}

DRIVE = """\
import asyncio

import groq
import mistralai
import acme.extra.util
from acme.llm.components.generator.generator_manager import GeneratorManager

manager = GeneratorManager()
print(asyncio.run(manager.agenerate("hi", provider="mistral")).text)
print(asyncio.run(manager.agenerate("again", provider="mistral")).text)
print(manager.generate("hello", provider="groq").text)
print([c.closed for c in mistralai.OPENED], [c.closed for c in groq.OPENED])
print(acme.extra.util.VALUE)
"""


def test_discovery_recalls_every_shape_and_knows_which_clients_open_in_a_block(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    scan = discover(tmp_path, Config())
    classes = {c.path: (c.provider, cls.name, cls.opens_client) for c in scan.clients for cls in c.classes}
    assert classes == {
        "src/acme/llm/groq_llm.py": ("groq", "GroqLLM", ["sync"]),
        "src/acme/llm/litellm_router.py": ("litellm", "RoutedLLM", []),
        "src/acme/llm/mistral_llm.py": ("mistral", "MistralLLM", ["async"]),
    }
    assert scan.import_root == "src"


def test_namespace_package_stays_one_and_lazily_opened_clients_work_through_the_manager(
    tmp_path: Path,
) -> None:
    root, stdout = _apply_then_run(tmp_path, TREE, FAKE_SDKS, DRIVE)
    # No __init__.py was added to the namespace folders; the new folders are packages.
    assert not (root / "src/acme/__init__.py").exists()
    assert not (root / "src/acme/llm/__init__.py").exists()
    assert (root / "src/acme/llm/components/generator/__init__.py").is_file()
    assert stdout.splitlines() == [
        "mistral-small: hi",
        "mistral-small: again",
        "llama3-8b: hello",
        "[True, True] [True]",  # one client per call, each closed by the legacy exit
        "from another portion",
    ]


def _apply_then_run(tmp_path: Path, tree: dict[str, str], fakes: dict[str, str], script: str) -> tuple[Path, str]:
    """`apply` the migration to `tree` (a git repo), then run `script` with the fake SDKs and the
    repo's `src/` importable; the repo and what the script printed."""
    write_tree(tmp_path / "repo", tree)
    root = git_copy(tmp_path / "copy", tmp_path / "repo")
    write_tree(tmp_path / "sdks", fakes)
    command = [sys.executable, "-m", "genmigrate", "apply", ".", "--no-parity"]
    apply = subprocess.run(command, cwd=root, capture_output=True, text=True)
    assert apply.returncode == 0, apply.stderr
    path = os.pathsep.join([str(tmp_path / "sdks"), str(root / "src")])
    env = {**os.environ, "PYTHONPATH": path}
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    return root, run.stdout


# A Haystack-style integration: hatch, src layout, a namespace package, `@component` classes whose
# only operation is `run(...)` returning a dict.
HAYSTACK = {
    "pyproject.toml": '[project]\nname = "anthropic-haystack"\nversion = "0.1"\n\n'
    '[tool.hatch.build.targets.wheel]\npackages = ["src/haystack_integrations"]\n',
    "src/haystack_integrations/components/generators/claude/__init__.py": ("from .generator import ClaudeGenerator\n"),
    "src/haystack_integrations/components/generators/claude/generator.py": """\
from anthropic import Anthropic
from haystack import component


@component
class ClaudeGenerator:
    def __init__(self, model="claude-3-haiku", generation_kwargs=None):
        self.model = model
        self.generation_kwargs = generation_kwargs or {}
        self.client = Anthropic()

    @component.output_types(replies=list, meta=list)
    def run(self, prompt, generation_kwargs=None):
        kwargs = {**self.generation_kwargs, **(generation_kwargs or {})}
        messages = [{"role": "user", "content": prompt}]
        reply = self.client.messages.create(model=self.model, messages=messages, **kwargs)
        return {"replies": [block.text for block in reply.content], "meta": [{"model": self.model}]}
""",
    "src/haystack_integrations/components/embedders/gpt/text_embedder.py": """\
from haystack import component
from openai import OpenAI


@component
class GptTextEmbedder:
    def __init__(self, model="text-embedding-3-small"):
        self.model = model
        self.client = OpenAI()

    @component.output_types(embedding=list, meta=dict)
    def run(self, text):
        reply = self.client.embeddings.create(input=[text], model=self.model)
        return {"embedding": reply.data[0].embedding, "meta": {"model": self.model}}
""",
}

HAYSTACK_FAKES = {
    "haystack/__init__.py": """\
def component(cls):
    return cls


component.output_types = lambda **types: (lambda method: method)
""",
    "anthropic/__init__.py": """\
from types import SimpleNamespace


class Anthropic:
    def __init__(self):
        self.messages = SimpleNamespace(create=self._create)

    def _create(self, model, messages, **kwargs):
        text = f"{model} {sorted(kwargs)}: {messages[-1]['content']}"
        return SimpleNamespace(content=[SimpleNamespace(text=text)])
""",
    "openai/__init__.py": """\
from types import SimpleNamespace


class OpenAI:
    def __init__(self):
        self.embeddings = SimpleNamespace(create=self._create)

    def _create(self, input, model):
        return SimpleNamespace(data=[SimpleNamespace(embedding=[float(len(t)) for t in input])])
""",
}

DRIVE_HAYSTACK = """\
from haystack_integrations.components.generator.generator_manager import GeneratorManager

manager = GeneratorManager()
print(manager.generate("hi", provider="anthropic").text)
print(manager.embed(["a", "bcd"], provider="openai").vectors)
"""


def test_haystack_style_run_components_learn_their_operation_from_their_own_signature(
    tmp_path: Path,
) -> None:
    root, stdout = _apply_then_run(tmp_path, HAYSTACK, HAYSTACK_FAKES, DRIVE_HAYSTACK)
    assert not (root / "src/haystack_integrations/__init__.py").exists()
    assert stdout.splitlines() == ["claude-3-haiku []: hi", "((1.0,), (3.0,))"]
