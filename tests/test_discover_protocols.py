"""Protocols learned from a repo's own base class, stated in config, and what each class offers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from genmigrate.config import Config, ConfigError, load_config
from genmigrate.discover import discover
from genmigrate.discover.protocols import class_operations, protocol_of
from genmigrate.engine import plan_and_render
from genmigrate.generated import AdapterContext, render_adapter
from genmigrate.model import MethodInfo
from genmigrate.plan import PlanError, make_plan

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "abc_layers"


def _ops(info: object) -> dict[str, str]:
    return {op.name: f"{op.method}:{op.input}:{op.stream_flag}" for op in info.operations}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def fixture_classes() -> dict[str, object]:
    scan = discover(FIXTURE, Config())
    return {c.name: c for client in scan.clients for c in client.classes}


def test_the_fixtures_base_classes_define_the_protocol(fixture_classes: dict[str, object]) -> None:
    openai = fixture_classes["OpenAILLM"]
    assert openai.protocol == "learned" and openai.protocol_base == "memkit.llms.base.LLMBase"  # type: ignore[attr-defined]
    assert _ops(openai) == {
        "generate": "generate_response:messages:",
        "agenerate": "agenerate_response:messages:",
        "stream": "generate_response:messages:stream",
    }
    embedder = fixture_classes["OllamaEmbedding"]
    assert embedder.protocol_base == "memkit.embeddings.base.EmbeddingBase"  # type: ignore[attr-defined]
    assert _ops(embedder) == {"embed": "embed:text:"}


def test_each_class_offers_only_what_it_implements(fixture_classes: dict[str, object]) -> None:
    assert set(_ops(fixture_classes["DeepSeekLLM"])) == {"generate"}  # its override takes no stream flag
    assert set(_ops(fixture_classes["LMStudioLLM"])) == {"generate", "stream"}  # async only raises
    assert set(_ops(fixture_classes["OllamaLLM"])) == {"generate", "stream"}  # base's thread default
    # The vector store and the reranker use an SDK but call no model: no client, so no protocol to learn.
    assert "S3VectorsStore" not in fixture_classes and "BedrockReranker" not in fixture_classes


def test_non_clients_of_the_fixture_are_rejected_with_a_reason() -> None:
    rejected = {r.module: r.reason for r in discover(FIXTURE, Config()).rejected}
    stores = [m for m in rejected if m.endswith(("vector_stores.s3_vectors", "rerankers.bedrock"))]
    assert len(stores) == 2, rejected
    assert all(rejected[m] for m in stores)


def test_abstract_methods_come_first_and_generators_stream() -> None:
    base = (
        MethodInfo("helper", 1, ["self", "messages"]),
        MethodInfo("ask", 2, ["self", "prompt", "**kw"], decorators=["abstractmethod"], stub=True),
        MethodInfo("ask_stream", 3, ["self", "prompt"], is_generator=True, decorators=["abc.abstractmethod"]),
        MethodInfo("embed_many", 4, ["self", "texts"]),
    )
    mapping = protocol_of(base)
    assert mapping == {"generate": "ask", "stream": "ask_stream", "embed": "embed_many"}
    own = (MethodInfo("ask", 5, ["self", "prompt", "temperature"]),)
    ops = {op.name: op for op in class_operations(mapping, own, base)}
    assert set(ops) == {"generate", "embed"}  # ask_stream is still abstract for this class
    assert ops["generate"].input == "prompt" and ops["generate"].options == ["temperature"]
    assert ops["embed"].input == "texts"


def _repo(tmp_path: Path, protocols: str = "") -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text(
        "class Engine:\n    def run_turns(self, turns):\n        raise NotImplementedError\n"
    )
    (tmp_path / "pkg" / "openai_engine.py").write_text(
        "from openai import OpenAI\n\nfrom .base import Engine\n\n\nclass OpenAIEngine(Engine):\n"
        "    def __init__(self):\n        self.client = OpenAI()\n\n"
        "    def run_turns(self, turns):\n"
        "        return self.client.chat.completions.create(model='m', messages=turns)\n"
    )
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n{protocols}")
    return tmp_path


def test_a_client_with_no_recognised_operation_stops_the_plan(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    with pytest.raises(PlanError) as caught:
        make_plan(discover(root, Config()), Config())
    assert str(caught.value) == (
        "pkg/openai_engine.py:6: class OpenAIEngine: no operation recognised; "
        "state it in [tool.genmigrate.protocols] or exclude the file"
    )
    proc = subprocess.run([sys.executable, "-m", "genmigrate", "diff", "--no-parity", str(root)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "class OpenAIEngine: no operation recognised" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_every_class_with_no_recognised_operation_is_listed(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "pkg" / "anthropic_engines.py").write_text(
        "import anthropic\n\nfrom .base import Engine\n\n\nclass ClaudeEngine(Engine):\n"
        "    def run_turns(self, turns):\n        return anthropic.Anthropic().messages.create(messages=turns)\n\n\n"
        "class HaikuEngine(ClaudeEngine):\n    pass\n"
    )
    with pytest.raises(PlanError) as caught:
        make_plan(discover(root, Config()), Config())
    advice = "no operation recognised; state it in [tool.genmigrate.protocols] or exclude the file"
    assert [str(p) for p in caught.value.problems] == [
        f"pkg/anthropic_engines.py:6: class ClaudeEngine: {advice}",
        f"pkg/anthropic_engines.py:11: class HaikuEngine: {advice}",
        f"pkg/openai_engine.py:6: class OpenAIEngine: {advice}",
    ]


def test_a_stated_mapping_makes_the_base_a_protocol(tmp_path: Path) -> None:
    root = _repo(tmp_path, '[tool.genmigrate.protocols]\n"pkg.base.Engine" = { generate = "run_turns" }\n')
    config = load_config(root)
    (client,) = discover(root, config).clients
    (info,) = client.classes
    assert (info.protocol, info.protocol_base, _ops(info)) == ("learned", "pkg.base.Engine", {"generate": "run_turns:prompt:"})
    outcome = plan_and_render(root, config)
    assert outcome.plan is not None and outcome.plan.moves[0].family == "llm"


@pytest.mark.parametrize(
    "table, message",
    [
        ('"pkg.base.Engine" = { talk = "run" }', "unknown operation 'talk'"),
        ('"pkg.base.Engine" = { generate = 3 }', "generate must be a method name, not 3"),
        ('"Engine" = { generate = "run" }', "is not a dotted class name"),
        ('"pkg.base.Engine" = "run"', "must be a table like"),
    ],
)
def test_bad_protocol_entries_are_one_line_with_their_line(tmp_path: Path, table: str, message: str) -> None:
    root = _repo(tmp_path, f"[tool.genmigrate.protocols]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert str(caught.value).startswith(f"{root / 'pyproject.toml'}:5: ") and message in str(caught.value)


def _capabilities(protocol: str, methods: tuple[MethodInfo, ...], model_types: tuple[str, ...] = ()) -> str:
    source = render_adapter(AdapterContext("openai", "OpenAIGenerator", "C", protocol, methods, model_types=model_types))
    return source.split("capabilities = _Capabilities(", 1)[1].split(")", 1)[0]


MODELCLIENT = (
    MethodInfo("convert_inputs_to_api_kwargs", 1, ["self", "input"]),
    MethodInfo("call", 2, ["self", "api_kwargs", "model_type"]),
    MethodInfo("acall", 3, ["self", "api_kwargs", "model_type"], is_async=True),
    MethodInfo("parse_embedding_response", 4, ["self", "response"]),
)


def test_an_embedder_only_modelclient_claims_no_generation() -> None:
    caps = _capabilities("modelclient", MODELCLIENT, ("EMBEDDER",))
    assert "embeddings=True" in caps and "streaming" not in caps and "tools" not in caps and "async_" not in caps
    source = render_adapter(AdapterContext("openai", "G", "C", "modelclient", MODELCLIENT, model_types=("EMBEDDER",)))
    assert "def generate(" not in source and "def stream(" not in source and "def embed(" in source


def test_a_modelclient_branching_on_embedder_offers_both() -> None:
    methods = (*MODELCLIENT, MethodInfo("parse_chat_completion", 5, ["self", "completion"]))
    source = render_adapter(AdapterContext("openai", "G", "C", "modelclient", methods, model_types=("EMBEDDER",)))
    assert "def generate(" in source and "def stream(" in source and "def embed(" in source


def test_a_chat_only_modelclient_claims_no_embeddings() -> None:
    caps = _capabilities("modelclient", MODELCLIENT, ("LLM",))
    assert "streaming=True" in caps and "embeddings" not in caps


def test_stub_methods_offer_nothing() -> None:
    methods = (
        MethodInfo("chat", 1, ["self", "messages"]),
        MethodInfo("stream_chat", 2, ["self", "messages"], stub=True),
        MethodInfo("embed", 3, ["self", "texts"], stub=True),
    )
    caps = _capabilities("chat-wrapper", methods)
    assert "streaming" not in caps and "embeddings" not in caps
    stub_call = (*MODELCLIENT[:1], MethodInfo("call", 2, ["self"], stub=True), MODELCLIENT[3])
    assert "streaming" not in _capabilities("modelclient", stub_call)


def test_learned_adapters_are_black_formatted(fixture_classes: dict[str, object]) -> None:
    import black

    for name in ("OpenAILLM", "DeepSeekLLM", "OllamaEmbedding"):
        info = fixture_classes[name]
        ctx = AdapterContext(
            "openai", "OpenAIGenerator", name, "learned", tuple(info.methods),  # type: ignore[attr-defined]
            operations=tuple(info.operations), protocol_base=info.protocol_base,  # type: ignore[attr-defined]
        )
        text = render_adapter(ctx)
        compile(text, name, "exec")
        assert black.format_str(text, mode=black.Mode(line_length=100)) == text, name
        assert max(len(line) for line in text.splitlines()) <= 100
