"""Prefilter, client-module recognition, provider and protocol rules."""

from __future__ import annotations

import pytest

from genmigrate.config import Config
from genmigrate.discover.prefilter import Hit, classify
from genmigrate.marker import GENERATED_MARKER
from tests.conftest import client

pytestmark = pytest.mark.unit

OPENAI = "from openai import OpenAI\n\nclass Client:\n    def chat(self, text):\n        return OpenAI().responses.create(input=text)\n"


@pytest.mark.parametrize(
    ("source", "hit"),
    [
        (b"import openai\n", Hit.IMPORT),
        (b"from anthropic import Anthropic\n", Hit.IMPORT),
        (b"import os, boto3\n", Hit.IMPORT),
        (b"    from dashscope import Generation\n", Hit.IMPORT),
        (b"x = safe_import('ollama')\n", Hit.IMPORT),
        (b"URL = 'https://openrouter.ai/api/v1'\n", Hit.NAME),
        (b"# we used to call openai here\n", Hit.NAME),
        (b"import openai_compat_shim_free\n", Hit.NAME),
        (b"import json\nprint('hello')\n", None),
    ],
)
def test_prefilter_classifies_raw_bytes(source: bytes, hit: Hit | None) -> None:
    assert classify(source) is hit


def test_module_with_sdk_import_and_class_using_it_is_a_client(scan) -> None:
    result = scan({"api/openai_client.py": OPENAI})
    module = client(result, "api/openai_client.py")
    assert module.module == "api.openai_client"
    assert module.provider == "openai" and "import openai" in module.evidence


@pytest.mark.parametrize(
    "source",
    [
        "PROMPT = 'import openai and call the API'\nclass Prompt:\n    pass\n",  # only a string
        "import openai\n\ndef helper():\n    return openai.OpenAI()\n",  # no class
        "import openai\n\nclass Unrelated:\n    def f(self):\n        return 1\n",  # class does not use it
        f"{GENERATED_MARKER} generated\n" + OPENAI,  # generated output
    ],
)
def test_not_a_client(scan, source: str) -> None:
    assert scan({"mod.py": source}).clients == []


def test_http_only_wrapper_with_provider_endpoint_is_a_client(scan) -> None:
    source = (
        "import requests\n\nBASE = 'https://openrouter.ai/api/v1'\n\n"
        "class OpenRouterClient:\n    def chat(self, body):\n        return requests.post(BASE, json=body)\n"
    )
    module = client(scan({"openrouter_client.py": source}), "openrouter_client.py")
    assert module.provider == "openrouter"
    assert any("openrouter.ai" in e for e in module.evidence)


@pytest.mark.parametrize(
    ("path", "source", "provider"),
    [
        ("a.py", "from openai import AzureOpenAI\nclass A:\n    def chat(self):\n        return AzureOpenAI().chat.completions.create()\n", "azure"),
        ("b.py", "import openai\nURL = 'https://openrouter.ai/api/v1'\nclass B:\n    def chat(self):\n        return openai.OpenAI(base_url=URL).chat.completions.create()\n", "openrouter"),
        ("c.py", "import boto3\nclass C:\n    def chat(self):\n        return boto3.client('bedrock-runtime').converse()\n", "bedrock"),
        ("d.py", "import dashscope\nclass D:\n    def chat(self):\n        return dashscope.Generation.call()\n", "dashscope"),
        ("e.py", "import anthropic\nclass E:\n    def chat(self):\n        return anthropic.Anthropic().messages.create()\n", "anthropic"),
        ("f.py", "import ollama\nclass F:\n    def chat(self):\n        return ollama.Client().chat()\n", "ollama"),
        ("ollama_patch.py", "from openai import OpenAI\nclass G:\n    def chat(self):\n        return OpenAI().chat.completions.create()\n", "ollama"),
    ],
)
def test_provider_rules(scan, path: str, source: str, provider: str) -> None:
    assert client(scan({path: source}), path).provider == provider


@pytest.mark.parametrize("key", ["api.openai_client", "api/openai_client.py"])
def test_config_provider_override_by_module_or_path(scan, key: str) -> None:
    result = scan({"api/openai_client.py": OPENAI}, Config(providers={key: "groq"}))
    module = client(result, "api/openai_client.py")
    assert module.provider == "groq" and "config" in module.evidence[0]


@pytest.mark.parametrize(
    ("class_source", "protocol"),
    [
        ("class C(ModelClient):\n    def f(self):\n        return OpenAI().chat.completions.create()\n", "modelclient"),
        ("class C(core.model_client.ModelClient):\n    def f(self):\n        return OpenAI().chat.completions.create()\n", "modelclient"),
        ("class C(MC):\n    def f(self):\n        return OpenAI().chat.completions.create()\n", "modelclient"),
        ("class C:\n    def convert_inputs_to_api_kwargs(self):\n        pass\n    def call(self):\n        return OpenAI().chat.completions.create()\n", "modelclient"),
        ("class C:\n    def stream_chat(self):\n        return OpenAI().chat.completions.create()\n", "chat-wrapper"),
        ("class C:\n    def _private(self):\n        return OpenAI().chat.completions.create()\n", "unknown"),
    ],
)
def test_protocol_rules(scan, class_source: str, protocol: str) -> None:
    source = "from openai import OpenAI\nfrom adalflow.core import ModelClient as MC, core\n" + class_source
    assert client(scan({"m.py": source}), "m.py").classes[0].protocol == protocol


def test_methods_keep_params_async_generators_decorators_and_duplicates(scan) -> None:
    source = (
        "from openai import OpenAI\nimport functools\n\nclass C:\n"
        "    @functools.lru_cache(maxsize=2)\n    def f(self, a, *args, k=1, **kw):\n        return OpenAI().chat.completions.create()\n"
        "    async def g(self, /, x, *, y):\n        yield x\n"
        "    def f(self):\n        def inner():\n            yield 1\n        return inner\n"
    )
    methods = client(scan({"m.py": source}), "m.py").classes[0].methods
    assert [(m.name, m.params) for m in methods] == [
        ("f", ["self", "a", "*args", "k", "**kw"]), ("g", ["self", "x", "y"]), ("f", ["self"])]
    assert [m.is_async for m in methods] == [False, True, False]
    assert [m.is_generator for m in methods] == [False, True, False]
    assert methods[0].decorators == ["functools.lru_cache(maxsize=2)"]


def test_encoding_and_newline_of_client_module(scan) -> None:
    source = ("# -*- coding: latin-1 -*-\n" + OPENAI + "NAME = 'caf\xe9'\n").replace("\n", "\r\n")
    module = client(scan({"m.py": source.encode("latin-1")}), "m.py")
    assert (module.encoding, module.newline) == ("iso-8859-1", "\r\n")


def test_word_search_finds_whole_identifiers_with_or_without_its_substring_gate() -> None:
    from genmigrate.discover.prefilter import _GATE_WORDS, Words, words_pattern

    gated = words_pattern(["api.openai_client", "openai_client", "OpenAIClient"])
    assert gated is not None and gated.gate == (b"openai_client", b"OpenAIClient")  # the dotted name needs none
    for search in (gated, Words(gated.pattern, ())):
        assert search.search(b"from api.openai_client import X\n")
        assert search.search(b"x = OpenAIClient()\n")
        assert not search.search(b"x = MyOpenAIClient2()\n# openai_clients\n")
    many = words_pattern([f"name_{i:03d}" for i in range(_GATE_WORDS + 1)])
    assert many is not None and many.gate == ()  # more substring tests than one regex costs
    assert many.search(b"y = name_007\n") and not many.search(b"y = name_0071\n")
