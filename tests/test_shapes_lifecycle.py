"""Shapes real repositories have and the other fixtures do not: a namespace package as the import
root, clients registered by a decorator or a metaclass, a LiteLLM-style router, SDK clients
created lazily in `__aenter__` / `__enter__` (the generated adapter enters the block per call),
Haystack `run(...)` components and LangChain `_generate`/`_stream` chat models."""

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


def _apply_then_run(
    tmp_path: Path, tree: dict[str, str], fakes: dict[str, str], script: str, src: str = "src"
) -> tuple[Path, str]:
    """`apply` the migration to `tree` (a git repo), then run `script` with the fake SDKs and the
    repo's `src` folder importable; the repo and what the script printed."""
    write_tree(tmp_path / "repo", tree)
    root = git_copy(tmp_path / "copy", tmp_path / "repo")
    write_tree(tmp_path / "sdks", fakes)
    command = [sys.executable, "-m", "genmigrate", "apply", ".", "--no-parity"]
    apply = subprocess.run(command, cwd=root, capture_output=True, text=True)
    assert apply.returncode == 0, apply.stderr
    path = os.pathsep.join([str(tmp_path / "sdks"), str(root / src)])
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


# A LangChain-style partner package: a chat model implementing the private hooks that the
# framework's public `invoke`/`stream` call with converted messages.
LANGCHAIN = {
    "pyproject.toml": '[project]\nname = "langchain-acme"\nversion = "0.1"\n',
    "langchain_acme/__init__.py": "from langchain_acme.chat_models import ChatAcme\n",
    "langchain_acme/chat_models.py": """\
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from mistralai import Mistral


def _payload(messages):
    return [{"role": m.type, "content": m.content} for m in messages]


class ChatAcme(BaseChatModel):
    model: str = "mistral-small"

    @property
    def _llm_type(self):
        return "acme-chat"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        reply = Mistral().chat.complete(model=self.model, messages=_payload(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        for piece in Mistral().chat.stream(model=self.model, messages=_payload(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
""",
}

LANGCHAIN_FAKES = {
    "langchain_core/__init__.py": "",
    "langchain_core/messages.py": """\
class BaseMessage:
    type = "base"

    def __init__(self, content):
        self.content = content


class HumanMessage(BaseMessage):
    type = "human"


class AIMessage(BaseMessage):
    type = "ai"


class AIMessageChunk(AIMessage):
    type = "AIMessageChunk"
""",
    "langchain_core/outputs.py": """\
class ChatGeneration:
    def __init__(self, message):
        self.message = message
        self.text = message.content


ChatGenerationChunk = ChatGeneration


class ChatResult:
    def __init__(self, generations):
        self.generations = generations
""",
    "langchain_core/language_models.py": """\
from langchain_core.messages import HumanMessage


class BaseChatModel:
    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)

    def _convert(self, value):
        if isinstance(value, str):
            return [HumanMessage(value)]
        return [HumanMessage(m["content"]) for m in value]

    def invoke(self, input, config=None, *, stop=None, **kwargs):
        return self._generate(self._convert(input), stop=stop, **kwargs).generations[0].message

    def stream(self, input, config=None, *, stop=None, **kwargs):
        for chunk in self._stream(self._convert(input), stop=stop, **kwargs):
            yield chunk.message
""",
    "mistralai/__init__.py": """\
from types import SimpleNamespace


class Mistral:
    def __init__(self):
        self.chat = SimpleNamespace(complete=self._complete, stream=self._stream)

    def _complete(self, model, messages):
        return f"{model} {messages[-1]['role']}: {messages[-1]['content']}"

    def _stream(self, model, messages):
        yield from ("one ", "two")
""",
}

DRIVE_LANGCHAIN = """\
from langchain_acme.components.generator.generator_manager import GeneratorManager

manager = GeneratorManager()
print(manager.generate("hi", provider="mistral").text)
print([c.delta for c in manager.stream("hi", provider="mistral")])
"""


def test_langchain_style_chat_models_are_driven_through_the_public_methods_of_their_hooks(tmp_path: Path) -> None:
    root, stdout = _apply_then_run(tmp_path, LANGCHAIN, LANGCHAIN_FAKES, DRIVE_LANGCHAIN, "")
    assert stdout.splitlines() == ["mistral-small human: hi", "['one ', 'two']"]
    adapter = (root / "langchain_acme/components/generator/providers/mistral_generator.py").read_text()
    assert 'self._legacy("invoke")' in adapter and 'self._legacy("stream")' in adapter


# A client defined in a package's __init__.py, with a submodule and a type-only import.
PACKAGE_CLIENT = {
    "app/__init__.py": "",
    "app/providers/__init__.py": "",
    "app/providers/openai/__init__.py": """\
from __future__ import annotations

from typing import TYPE_CHECKING

from openai import OpenAI

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion


class OpenAIProvider:
    def __init__(self, model: str = "gpt-4o-mini") -> None:
        self.model = model
        self._client = OpenAI(api_key="k")

    def chat(self, messages: list[dict[str, str]]) -> str:
        reply: ChatCompletion = self._client.chat.completions.create(model=self.model, messages=messages)
        return reply.choices[0].message.content or ""
""",
    "app/providers/openai/prompts.py": 'SYSTEM = "be brief"\n',
    "app/service.py": """\
from app.providers.openai import OpenAIProvider
from app.providers.openai.prompts import SYSTEM


def answer(question):
    return OpenAIProvider().chat([{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}])
""",
    "tests/test_service.py": """\
from unittest import mock

from app import service


def test_answer():
    with mock.patch("app.providers.openai.OpenAI") as sdk:
        sdk.return_value.chat.completions.create.return_value.choices = [mock.Mock(message=mock.Mock(content="hey"))]
        assert service.answer("q") == "hey"
""",
}


def test_a_client_in_a_package_init_keeps_the_package_and_its_submodules(tmp_path: Path) -> None:
    root, stdout = _apply_then_run(tmp_path, PACKAGE_CLIENT, {}, "import app.service; print(app.service.SYSTEM)", "")
    assert stdout == "be brief\n"
    shim = (root / "app/providers/openai/__init__.py").read_text()
    assert "from app.providers.components.generator.providers.openai_generator import" in shim
    assert "ChatCompletion," not in shim.partition("if TYPE_CHECKING")[0]  # type-only: not re-exported
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "tests"]
    run = subprocess.run(suite, cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    again = subprocess.run(
        [sys.executable, "-m", "genmigrate", "diff", ".", "--no-parity"], cwd=root, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
