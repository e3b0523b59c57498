"""`genmigrate scan --json fixtures/legacy_app`: snapshot plus the key facts spelled out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from syrupy.extensions.json import JSONSnapshotExtension

from genmigrate.cli import main
from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.model import ScanResult

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LEGACY = FIXTURES / "legacy_app"


@pytest.fixture(scope="module")
def scanned() -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["scan", "--json", str(LEGACY)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(JSONSnapshotExtension)


def test_scan_json_matches_snapshot(scanned, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    assert {k: v for k, v in scanned.items() if k != "root"} == snapshot_json


def test_key_facts(scanned) -> None:  # type: ignore[no-untyped-def]
    result = ScanResult.from_dict(scanned)
    by_path = {c.path: c for c in result.clients}
    assert {p: c.provider for p, c in by_path.items()} == {
        "api/anthropic_client.py": "anthropic", "api/azureai_client.py": "azure", "api/bedrock_client.py": "bedrock",
        "api/dashscope_client.py": "dashscope", "api/ollama_patch.py": "ollama", "api/openai_client.py": "openai",
        "api/openrouter_client.py": "openrouter",
    }
    assert by_path["api/dashscope_client.py"].newline == "\r\n"
    assert [c.name for c in by_path["api/openrouter_client.py"].classes] == ["OpenRouterClient", "OpenRouterModelCatalog"]
    assert by_path["api/openai_client.py"].classes[0].protocol == "modelclient"
    openai_deps = by_path["api/openai_client.py"].dependents
    assert any(d.kind == "subclass" and d.path == "api/xai_client.py" and d.form == "class XaiClient" for d in openai_deps)
    assert any(d.kind == "patch-target" and d.target == "api.openai_client.OpenAI" for d in openai_deps)
    assert any(d.kind == "patch-target" and d.target == "api.bedrock_client.boto3"
               for d in by_path["api/bedrock_client.py"].dependents)
    assert all(c.path != "api/prompts.py" for c in result.clients)
    assert not any(d.path == "api/prompts.py" for c in result.clients for d in c.dependents)
    assert result.errors == []


def test_negative_fixtures_yield_no_client() -> None:
    result = discover(FIXTURES / "negative", Config())
    assert result.clients == []
    # broken_syntax.py imports openai and would be a client: the one error, and a fatal one (exit 2),
    # on the line Python itself reports.
    with pytest.raises(SyntaxError) as raised:
        compile((FIXTURES / "negative" / "broken_syntax.py").read_bytes(), "broken_syntax.py", "exec")
    line = raised.value.lineno
    assert [(e.path, e.line, e.fatal) for e in result.errors] == [("broken_syntax.py", line, True)]
    cli = CliRunner().invoke(main, ["scan", str(FIXTURES / "negative")])
    assert cli.exit_code == 2 and cli.stderr.startswith(f"broken_syntax.py:{line}: ")


NEGATIVE = {
    "mentions_openai.py": '"""Compares openai, anthropic and bedrock pricing; imports none of them."""\n'
                          "PROVIDERS = ['openai', 'AzureOpenAI', 'https://openrouter.ai']\n"
                          "class Pricing:\n    def chat(self):\n        return 'import openai'\n",
    "broken_syntax.py": "# talks about openai\ndef f(:\n",
    "crlf_module.py": "import json\r\n\r\nclass Ollama:\r\n    pass\r\n",
    "latin1_module.py": "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9 openai'\n".encode("latin-1"),
}


def test_negative_cases_yield_no_client_and_no_false_positive(scan) -> None:  # type: ignore[no-untyped-def]
    result = scan(NEGATIVE)
    assert result.files_listed == 4
    assert result.clients == []
    assert result.errors == []  # broken_syntax.py only names a provider: never parsed
