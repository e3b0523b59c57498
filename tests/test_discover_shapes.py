"""Recall on every way code reaches a provider, precision by what the code calls, and the reasons for rejections."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from genmigrate.cli import main
from genmigrate.config import Config
from tests.conftest import client

pytestmark = pytest.mark.unit

RECALLED = {
    "safe_import string": (
        "from fw.utils import safe_import\nollama = safe_import('ollama', 'pip install ollama')\n\n"
        "class LocalClient:\n    def __init__(self):\n        self.sync_client = self.init_sync_client()\n"
        "    def init_sync_client(self):\n        return ollama.Client(host='h')\n"
        "    def call(self, kwargs):\n        return self.sync_client.chat(**kwargs)\n",
        "ollama",
    ),
    "safe_import enum member": (
        "from fw.utils import safe_import, OptionalPackages\n"
        "ollama = safe_import(OptionalPackages.OLLAMA.value[0], OptionalPackages.OLLAMA.value[1])\n\n"
        "class LocalClient:\n    def call(self, prompt):\n        return ollama.Client().generate(prompt=prompt)\n",
        "ollama",
    ),
    "importlib.import_module": (
        "import importlib\nsdk = importlib.import_module('anthropic')\n\n"
        "class ClaudeLike:\n    def ask(self, text):\n        return sdk.Anthropic().messages.create(messages=[text])\n",
        "anthropic",
    ),
    "lazy import of a dotted SDK name": (
        "from fw.lazy import LazyImport\nGroq = LazyImport('groq.Groq')\n\n"
        "class FastClient:\n    def ask(self, text):\n        return Groq().chat.completions.create(messages=[text])\n",
        "groq",
    ),
    "try import except ImportError": (
        "try:\n    import mistralai\nexcept ImportError:\n    mistralai = None\n\n"
        "class Chat:\n    def ask(self, text):\n        return mistralai.Mistral().chat.complete(messages=[text])\n",
        "mistral",
    ),
    "star import": (
        "from cohere import *\n\nclass Chat:\n    def ask(self, text):\n        return ClientV2().chat(messages=[text])\n",
        "cohere",
    ),
    "httpx to a model path": (
        "import os\nimport httpx\n\nclass LocalLlama:\n    '''Talks to an ollama server.'''\n"
        "    def __init__(self):\n        self.base = os.environ.get('HOST', '')\n"
        "    def ask(self, text):\n        url = f'{self.base}/api/chat'\n"
        "        return httpx.post(url, json={'messages': [text]}).json()\n",
        "ollama",
    ),
    "aiohttp session to a provider host": (
        "import aiohttp\nURL = 'https://api.anthropic.com/v1/messages'\n\nclass Remote:\n"
        "    async def ask(self, body):\n        async with aiohttp.ClientSession() as session:\n"
        "            async with session.post(URL, json=body) as reply:\n                return await reply.json()\n",
        "anthropic",
    ),
}


@pytest.mark.parametrize("shape", sorted(RECALLED))
def test_every_way_of_reaching_a_provider_is_a_client(scan, shape: str) -> None:
    source, provider = RECALLED[shape]
    result = scan({"pkg/mod.py": source})
    assert result.rejected == []
    assert client(result, "pkg/mod.py").provider == provider


def test_star_import_moves_with_the_class(scan) -> None:
    module = client(scan({"pkg/mod.py": RECALLED["star import"][0]}), "pkg/mod.py")
    assert 0 in module.classes[0].needs


REJECTED = {
    "consumer": (
        "from openai import OpenAI  # for the docs\n\nclass Generator:\n"
        "    def __init__(self, model_client):\n        self.model_client = model_client\n"
        "    def __call__(self, prompt):\n        return self.model_client.call(api_kwargs={'input': prompt})\n",
        "consumes a client (self.model_client.call (line 7)) but calls no model endpoint itself",
    ),
    "response converter": (
        "from openai.types.chat import ChatCompletion\n\nclass Converter:\n"
        "    def text(self, reply: ChatCompletion) -> str:\n        return reply.choices[0].message.content\n",
        "imports openai.types.chat but calls no model endpoint",
    ),
    "tracing data class": (
        "from dataclasses import dataclass\n\n@dataclass\nclass LLMSpan:\n    provider: str = 'openai'\n",
        "names a provider in text only (no SDK import, no HTTP client)",
    ),
    "vector store": (
        "from openai import OpenAI\n\nclass Store:\n    def __init__(self):\n        self.client = OpenAI()\n"
        "    def add(self, path):\n        return self.client.vector_stores.files.create(file=path)\n",
        "imports openai but calls no model endpoint (calls self.client.vector_stores.files.create)",
    ),
    "reranker": (
        "import cohere\n\nclass Reranker:\n    def rank(self, q, docs):\n"
        "        return cohere.Client().rerank(query=q, documents=docs)\n",
        "imports cohere but calls no model endpoint (calls cohere.Client.rerank)",
    ),
    "auth helper": (
        "import boto3\n\nclass Credentials:\n    def who(self):\n"
        "        return boto3.Session().client('sts').get_caller_identity()\n",
        "imports boto3 but calls no model endpoint (calls boto3.Session.client.get_caller_identity)",
    ),
    "proxy": (
        "import httpx\nUPSTREAM = 'https://api.openai.com'\n\nclass Proxy:\n"
        "    def __init__(self):\n        self.http = httpx.Client()\n"
        "    def forward(self, method, path, body):\n        return self.http.request(method, UPSTREAM + path, content=body)\n",
        "uses an HTTP client but calls no model endpoint",
    ),
    "functions calling no model": (
        "import openai\n\ndef helper():\n    return openai.OpenAI()\n", "imports openai but calls no model endpoint (calls openai.OpenAI)"),
    "no class": ("import openai\n\nCLIENT = openai.OpenAI()\n", "no top-level class or function"),
}


@pytest.mark.parametrize("kind", sorted(REJECTED))
def test_a_module_that_calls_no_model_endpoint_is_rejected_with_its_reason(scan, kind: str) -> None:
    source, reason = REJECTED[kind]
    result = scan({"pkg/mod.py": source})
    assert result.clients == []
    assert [(r.path, r.module, r.reason) for r in result.rejected] == [("pkg/mod.py", "pkg.mod", reason)]


@pytest.mark.parametrize(
    ("path", "source", "provider"),
    [
        ("llms/openai_compat.py", "import openai\nURL = 'https://openrouter.ai/api/v1'\nclass C:\n"
         "    def ask(self):\n        return openai.OpenAI(base_url=URL).chat.completions.create()\n", "openai"),
        ("llms/chat.py", "import openai\nURL = 'https://api.deepseek.com'\nclass C:\n"
         "    def ask(self):\n        return openai.OpenAI(base_url=URL).chat.completions.create()\n", "deepseek"),
        ("llms/chat.py", "import openai\nclass XAIClient:\n"
         "    def ask(self):\n        return openai.OpenAI().chat.completions.create()\n", "xai"),
        ("llms/chat.py", "import openai\nclass AzureOpenAIChat:\n"
         "    def ask(self):\n        return openai.OpenAI().chat.completions.create()\n", "azure"),
    ],
)
def test_provider_comes_from_the_name_first_then_sdk_and_base_urls(scan, path: str, source: str, provider: str) -> None:
    assert client(scan({path: source}), path).provider == provider


def test_include_forces_a_rejected_module_in(scan) -> None:
    source = REJECTED["reranker"][0]
    for entry in ("pkg.mod", "pkg/mod.py", "pkg/*.py"):
        result = scan({"pkg/mod.py": source}, Config(include=(entry,)))
        assert [c.path for c in result.clients] == ["pkg/mod.py"] and result.rejected == []


def test_include_of_a_module_without_a_class_or_function_stays_rejected(scan) -> None:
    result = scan({"pkg/mod.py": REJECTED["no class"][0]}, Config(include=("pkg.mod",)))
    assert result.clients == [] and result.rejected[0].reason == "included, but no top-level class or function"


def test_a_module_of_functions_calling_a_model_is_a_client(scan) -> None:
    source = ("import openai\n\ndef _client():\n    return openai.OpenAI()\n\n"
              "def ask(prompt):\n    return _client().chat.completions.create(messages=[prompt])\n")
    found = client(scan({"pkg/mod.py": source}), "pkg/mod.py")
    assert found.classes == [] and [f.name for f in found.functions] == ["_client", "ask"]


def test_include_that_matches_nothing_is_a_config_error(make_repo) -> None:
    root = make_repo({"pyproject.toml": '[project]\nname = "x"\n\n[tool.genmigrate]\ninclude = ["pkg.gone"]\n',
                      "pkg/mod.py": "x = 1\n"})
    outcome = CliRunner().invoke(main, ["scan", str(root)])
    assert outcome.exit_code == 2
    assert outcome.stderr.strip() == "pyproject.toml:5: include: 'pkg.gone' matches no Python file"


def test_scan_explain_prints_each_rejected_candidate(make_repo) -> None:
    root = make_repo({"pkg/store.py": REJECTED["vector store"][0], "pkg/span.py": REJECTED["tracing data class"][0]})
    outcome = CliRunner().invoke(main, ["scan", "--explain", str(root)])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.stdout.splitlines()
    assert "pkg/span.py (pkg.span): not a client: names a provider in text only (no SDK import, no HTTP client)" in lines
    assert any(line.startswith("pkg/store.py (pkg.store): not a client: imports openai but") for line in lines)
    # span.py names no client class: nothing makes it worth parsing
    assert lines[-1].endswith("(1 parsed), 2 candidates rejected, 0 errors")
    plain = CliRunner().invoke(main, ["scan", str(root)])
    assert "not a client" not in plain.stdout


def test_a_subclass_of_a_subclass_of_a_client_says_so(scan) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/base.py": "from openai import OpenAI\n\nclass Base:\n    def ask(self):\n        return OpenAI().chat.completions.create()\n",
        "pkg/mid.py": "from openai import OpenAI\nfrom pkg.base import Base\n\nclass Mid(Base):\n    def make(self):\n        return OpenAI(base_url='u')\n",
        "pkg/leaf.py": "from pkg.mid import Mid\n\nclass Leaf(Mid):\n    '''An openai-compatible endpoint.'''\n",
    }
    result = scan(files)
    assert [c.path for c in result.clients] == ["pkg/base.py"]
    assert {r.path: r.reason.split(":")[0] for r in result.rejected} == {
        "pkg/mid.py": "subclasses pkg.base.Base", "pkg/leaf.py": "subclasses pkg.mid.Mid"}


def test_parity_class_info_is_the_discovery_class_info() -> None:
    from pathlib import Path

    from genmigrate.discover import discover
    from genmigrate.parity.classinfo import class_info

    root = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"
    clients = discover(root, Config()).clients
    assert clients
    for module in clients:
        for info in module.classes:
            assert class_info(root / module.path, info.name) == info, (module.path, info.name)


@pytest.mark.parametrize(
    ("name", "providers"),
    [("AzureOpenAIClient", ["azure", "openai"]), ("XAIClient", ["xai"]), ("maxai_tools", []),
     ("ollama_patch", ["ollama"]), ("OpenAIClient", ["openai"]), ("GrokChat", ["xai"]), ("qwen_client", ["dashscope"])],
)
def test_catalogue_names_providers_in_module_and_class_names(name: str, providers: list[str]) -> None:
    from genmigrate.discover.providers import named_providers

    assert named_providers(name) == providers


def test_catalogue_display_names_and_sdk_words() -> None:
    from genmigrate.discover.providers import display_name, sdk_for_word

    assert [display_name(n) for n in ("azure", "openai", "my_proxy")] == ["AzureOpenAI", "OpenAI", "MyProxy"]
    assert [sdk_for_word(w) for w in ("OLLAMA", "BOTO3", "MISTRAL", "GOOGLE_GENAI", "VALUE")] == [
        "ollama", "boto3", "mistralai", "google.genai", None]


def test_the_modules_own_model_type_import_travels_with_the_class(scan) -> None:
    client_class = ("class {name}(ModelClient):\n    def call(self, api_kwargs, model_type=ModelType.LLM):\n"
                    "        return openai.OpenAI().chat.completions.create(**api_kwargs)\n")
    found = scan({
        "pkg/__init__.py": "",
        "pkg/own.py": "import openai\nfrom fw.core import ModelClient\nfrom fw.types import ModelType\n\n"
                      + client_class.format(name="Own"),
        "pkg/guarded.py": "import openai\nfrom fw.core import ModelClient\ntry:\n    from fw.types import ModelType\n"
                          "except ImportError:\n    ModelType = None\n\n" + client_class.format(name="Guarded"),
        "pkg/nested.py": "import openai\nfrom fw.core import ModelClient\n\n\ndef _types():\n"
                         "    from fw.types import ModelType\n    return ModelType\n\n\n" + client_class.format(name="Nested"),
    })
    origin = {c.path: c.classes[0].model_type_import for c in found.clients}
    assert origin == {"pkg/guarded.py": "fw.types.ModelType", "pkg/nested.py": "", "pkg/own.py": "fw.types.ModelType"}
