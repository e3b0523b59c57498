"""scan -> diff -> apply on a git copy of fixtures/abc_layers (a repo's own LLMBase/EmbeddingBase),
through the real command line; the app's own suite keeps its count."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_e2e_apply import files_of, genmigrate, git, git_copy

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "abc_layers"
# The vector store and the reranker use boto3 but call no model; until discovery rejects them
# by itself they are excluded here, as a user would (without it the plan stops, naming them).
FIXTURE_TESTS = "49 passed"  # the fixture's own suite, as written
EXCLUDE = '\n[tool.genmigrate]\nexclude = ["memkit/vector_stores/*", "memkit/rerankers/*"]\n'


def _suite(root: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return re.findall(r"\d+ passed", proc.stdout)[-1]


def test_abc_layers_scan_diff_apply(tmp_path: Path) -> None:
    root = git_copy(tmp_path, FIXTURE)  # unconfigured: no [tool.genmigrate] table at all

    scan = genmigrate("scan", ".", cwd=root)
    assert scan.returncode == 0, scan.stderr
    assert "protocol L15 OpenAILLM (memkit.llms.base.LLMBase): generate=generate_response(messages), " \
        "agenerate=agenerate_response(messages), stream=generate_response(messages, stream=True)" in scan.stdout
    assert "S3VectorsStore" not in scan.stdout.split("\n\n")[0]  # calls no model: not a client
    assert "protocol L12 OllamaEmbedding (memkit.embeddings.base.EmbeddingBase): embed=embed(text)" in scan.stdout

    before = files_of(root)
    diff = genmigrate("diff", ".", "--no-parity", cwd=root)
    assert diff.returncode == 1, diff.stderr
    assert files_of(root) == before, "diff wrote into the tree"
    assert git(root, "status", "--ignored", "--porcelain") == "", "scan or diff left files in the tree"

    apply = genmigrate("apply", ".", "--no-parity", cwd=root)
    assert apply.returncode == 0, apply.stderr
    providers = root / "memkit" / "components" / "generator" / "providers"
    assert sorted(p.stem for p in providers.glob("*_*.py") if p.stem != "__init__") == [  # no numbers
        "anthropic_generator", "azure_embedder", "azure_generator", "bedrock_embedder", "bedrock_generator",
        "deepseek_generator", "lmstudio_embedder", "lmstudio_generator", "ollama_embedder", "ollama_generator",
        "openai_embedder", "openai_generator", "openrouter_generator", "together_embedder", "together_generator",
        "vllm_generator", "xai_generator",
    ]
    assert (root / "memkit" / "llms" / "base.py").read_bytes() == before["memkit/llms/base.py"]  # the base stays
    factory = (root / "memkit" / "utils" / "factory.py").read_text()
    assert '"ollama": "memkit.components.generator.providers.ollama_generator.OllamaLLM"' in factory

    assert _suite(root) == FIXTURE_TESTS  # apply already checked that a second run changes nothing

