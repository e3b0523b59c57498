"""fixtures/framework_pkg: scan finds exactly the client modules and says why it left each other candidate alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from genmigrate.cli import main

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "framework_pkg" / "libsrc"
CLIENTS = "fwpkg/components/model_client/"

EXPECTED_CLIENTS = {
    "anthropic_client.py": "anthropic", "azureai_client.py": "azure", "bedrock_client.py": "bedrock",
    "cohere_client.py": "cohere", "dashscope_client.py": "dashscope", "gemini_client.py": "google",
    "groq_client.py": "groq", "litellm_client.py": "litellm", "mistral_client.py": "mistral",
    "ollama_client.py": "ollama", "openai_client.py": "openai", "together_client.py": "together",
}
EXPECTED_REJECTED = {
    CLIENTS + "chat_completion_parser.py": "imports openai.types.chat but calls no model endpoint",
    CLIENTS + "deepseek_client.py": "subclasses fwpkg.components.model_client.openai_client.OpenAIClient",
    CLIENTS + "xai_client.py": "subclasses fwpkg.components.model_client.deepseek_client.DeepSeekClient",
    "fwpkg/components/reranker/cohere_reranker.py": "imports cohere but calls no model endpoint",
    "fwpkg/components/retriever/openai_vector_store.py": "imports openai but calls no model endpoint",
    "fwpkg/core/generator.py": "names a provider in text only",
    "fwpkg/core/tracing.py": "names a provider in text only",
    "fwpkg/testing/fakes.py": "imports openai.types.chat but calls no model endpoint",
    "fwpkg/utils/aws_auth.py": "imports boto3 but calls no model endpoint",
    "fwpkg/utils/lazy_import.py": "names a provider in text only",
}


def test_scan_json_lists_exactly_the_clients_and_explains_every_rejection() -> None:
    outcome = CliRunner().invoke(main, ["scan", "--json", str(ROOT)])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert {c["path"]: c["provider"] for c in data["clients"]} == {CLIENTS + k: v for k, v in EXPECTED_CLIENTS.items()}
    assert {c["module"] for c in data["clients"]} == {
        "fwpkg.components.model_client." + k[:-3] for k in EXPECTED_CLIENTS}
    rejected = {r["path"]: r["reason"] for r in data["rejected"]}
    assert rejected.keys() == EXPECTED_REJECTED.keys()
    for path, start in EXPECTED_REJECTED.items():
        assert rejected[path].startswith(start), (path, rejected[path])
    assert data["errors"] == []
    assert all(c["classes"][0]["protocol"] == "modelclient" for c in data["clients"])


def test_abc_layers_vector_store_and_reranker_are_rejected_with_reasons() -> None:
    from genmigrate.config import Config
    from genmigrate.discover import discover

    result = discover(ROOT.parents[1] / "abc_layers", Config())
    rejected = {r.path: r.reason for r in result.rejected}
    assert rejected["memkit/vector_stores/s3_vectors.py"].startswith("imports boto3 but calls no model endpoint")
    assert rejected["memkit/rerankers/bedrock.py"].startswith("imports boto3 but calls no model endpoint")
    assert not {c.path for c in result.clients} & set(rejected)
