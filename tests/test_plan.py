"""Planning: where each legacy module goes, what the lookups are, and reading earlier runs back."""

from __future__ import annotations

import json

import pytest

from genmigrate.config import Config
from genmigrate.model import ClassInfo, ClientModule, Dependent, MethodInfo, Operation, ScanResult, Statement
from genmigrate.plan import MigrationPlan, PlanError, existing_moves, make_plan, provider_header

pytestmark = pytest.mark.unit


def _client(path: str, provider: str, classes: list[tuple[str, str]], deps: list[Dependent] | None = None) -> ClientModule:
    statements = [
        Statement(0, 1, 1, "import", ["os"]),
        Statement(1, 3, 3, "function", ["helper"]),
        *[Statement(2 + i, 5 + i, 5 + i, "class", [name]) for i, (name, _) in enumerate(classes)],
        Statement(2 + len(classes), 40, 41, "main-guard", []),
    ]
    infos = [ClassInfo(name, 5 + i, 5 + i, [], protocol, _methods(protocol), [0, 2 + i]) for i, (name, protocol) in enumerate(classes)]
    module = path[:-3].removeprefix("src/").replace("/", ".")
    return ClientModule(path, module, provider, [], infos, statements, [], deps or [])


def _methods(protocol: str) -> list[MethodInfo]:
    """A plain wrapper has a `chat(messages)`; a class of no known protocol offers nothing."""
    return [MethodInfo("chat", 6, ["self", "messages"])] if protocol == "chat-wrapper" else []


def _scan(*clients: ClientModule) -> ScanResult:
    return ScanResult(root="/repo", files_listed=10, candidates=3, parsed=3, clients=list(clients), errors=[])


def test_default_output_is_inside_the_legacy_package() -> None:
    plan = make_plan(_scan(_client("api/openai_client.py", "openai", [("OpenAIClient", "modelclient")])), Config())
    assert plan.package_path == "api/components/generator"
    assert plan.package_module == "api.components.generator"
    (move,) = plan.moves
    assert move.target_path == "api/components/generator/providers/openai_generator.py"
    assert move.target_module == "api.components.generator.providers.openai_generator"
    assert move.adapter_class == "OpenAIGenerator"
    assert move.keep == (0, 1, 2, 3)  # alias shim: the whole module moves, so nothing is lost


def test_reexport_moves_only_what_the_classes_need() -> None:
    client = _client("api/openai_client.py", "openai", [("OpenAIClient", "modelclient")])
    plan = make_plan(_scan(client), Config(shim="reexport"))
    assert plan.moves[0].keep == (0, 2)
    assert plan.moves[0].moved_names == ("os", "OpenAIClient")
    assert plan.lookups == {
        "api.openai_client": "api.openai_client",
        "api.openai_client.os": "api.components.generator.providers.openai_generator",
        "api.openai_client.OpenAIClient": "api.components.generator.providers.openai_generator",
    }


def test_primary_class_prefers_a_recognised_protocol() -> None:
    client = _client("api/openrouter_client.py", "openrouter", [("Catalog", "unknown"), ("OpenRouterClient", "chat-wrapper")])
    (move,) = make_plan(_scan(client), Config()).moves
    assert move.primary_class == "OpenRouterClient"
    assert move.classes == ("Catalog", "OpenRouterClient")


def test_two_modules_of_one_provider_get_distinct_targets() -> None:
    a = _client("api/openai_client.py", "openai", [("A", "modelclient")])
    b = _client("api/openai_v2.py", "openai", [("B", "modelclient")])
    c = _client("api/xai_client.py", "openai", [("C", "modelclient")])
    moves = make_plan(_scan(a, b, c), Config()).moves
    assert [m.provider for m in moves] == ["openai", "openai_v2", "xai"]
    assert [m.target_module.rsplit(".", 1)[1] for m in moves] == ["openai_generator", "openai_v2_generator", "xai_generator"]
    assert [m.adapter_class for m in moves] == ["OpenAIGenerator", "OpenaiV2Generator", "XaiGenerator"]


def test_output_override_and_config_rewrites() -> None:
    deps = [
        Dependent("config-ref", "api/settings/p.toml", 3, "api.openai_client.OpenAIClient", "toml"),
        Dependent("config-ref", "api/settings/g.json", 3, "api.openai_client.OpenAIClient", "json"),
        Dependent("import", "api/config.py", 1, "api.openai_client", "from-import"),
        Dependent("string-ref", "notes.txt", 1, "api.openai_client", "text"),
    ]
    client = _client("api/openai_client.py", "openai", [("OpenAIClient", "modelclient")], deps)
    plan = make_plan(_scan(client), Config(output="gen/llm"))
    assert plan.package_module == "gen.llm"
    assert [(r.path, r.kind) for r in plan.rewrites] == [
        ("api/config.py", "python"),
        ("api/settings/g.json", "json"),
        ("api/settings/p.toml", "toml"),
    ]


def test_plan_round_trips_through_json() -> None:
    plan = make_plan(_scan(_client("api/openai_client.py", "openai", [("OpenAIClient", "modelclient")])), Config())
    assert MigrationPlan.from_dict(json.loads(plan.to_json())) == plan


def test_earlier_moves_are_read_back_from_provider_markers() -> None:
    plan = make_plan(_scan(_client("src/api/openai_client.py", "openai", [("OpenAIClient", "modelclient")])), Config())
    move = plan.moves[0]
    header = provider_header(move, plan.import_root).encode() + b"\nimport os\n"
    scan = _scan()
    scan.generated = [move.target_path]
    (again,) = existing_moves(scan, {move.target_path: header}.get)
    assert again.source_module == move.source_module == "api.openai_client"
    assert again.target_module == move.target_module
    assert (again.provider, again.adapter_class, again.primary_class, again.classes) == (
        "openai", "OpenAIGenerator", "OpenAIClient", ("OpenAIClient",)
    )
    assert plan.import_root == "src"
    replanned = make_plan(scan, Config(), (again,))
    assert (replanned.package_path, replanned.import_root) == (plan.package_path, "src")


def test_a_module_of_functions_only_is_planned_and_read_back() -> None:
    client = _client("api/mistral_api.py", "mistral", [])
    client.functions = [MethodInfo("chat", 3, ["messages", "model"])]
    plan = make_plan(_scan(client), Config())
    (move,) = plan.moves
    assert (move.protocol, move.primary_class, move.classes, move.provider) == ("functions", "", (), "mistral")
    scan = _scan()
    scan.generated = [move.target_path]
    (again,) = existing_moves(scan, {move.target_path: provider_header(move, "").encode()}.get)
    assert (again.classes, again.protocol) == ((), "functions")


def test_a_module_without_classes_is_an_error() -> None:
    client = _client("api/openai_client.py", "openai", [])
    with pytest.raises(PlanError, match=r"^api/openai_client.py:1: no class"):
        make_plan(_scan(client), Config())


def test_an_embedding_only_module_alone_for_its_provider_is_the_providers_generator() -> None:
    emb = _client("pkg/voyage_client.py", "voyage", [("VoyageEmbedding", "learned")])
    emb.classes[0].operations = [Operation("embed", "embed", "text")]
    (move,) = make_plan(_scan(emb), Config()).moves
    assert (move.provider, move.family, move.adapter_class) == ("voyage", "llm", "VoyageGenerator")
    assert move.target_path == "pkg/components/generator/providers/voyage_generator.py"


def test_a_modelclient_that_chats_and_embeds_stays_a_generator() -> None:
    both = _client("pkg/openai_client.py", "openai", [("OpenAIClient", "modelclient")])
    emb = _client("pkg/embedders/openai_embed.py", "openai", [("OpenAIEmbedClient", "modelclient")])
    parse_embedding = MethodInfo("parse_embedding_response", 9, ["self", "response"])
    call = MethodInfo("call", 8, ["self", "api_kwargs", "model_type"])
    both.classes[0].methods = [call, MethodInfo("parse_chat_completion", 9, ["self", "completion"]), parse_embedding]
    emb.classes[0].methods = [call, parse_embedding]
    for client in (both, emb):
        client.classes[0].model_types = ["EMBEDDER"]  # `if model_type is ModelType.EMBEDDER: ...`
    moves = {m.primary_class: m for m in make_plan(_scan(both, emb), Config()).moves}
    assert (moves["OpenAIClient"].family, moves["OpenAIClient"].target_path) == (
        "llm", "pkg/components/generator/providers/openai_generator.py")
    assert moves["OpenAIEmbedClient"].family == "embedding"  # parses no chat completion: embeds only


def test_the_module_named_after_its_provider_keeps_the_plain_name() -> None:
    deepseek = _client("llms/deepseek.py", "openai", [("DeepSeekLLM", "chat-wrapper")])
    openai = _client("llms/openai.py", "openai", [("OpenAILLM", "chat-wrapper")])
    moves = make_plan(_scan(deepseek, openai), Config()).moves
    assert {m.source_path: m.provider for m in moves} == {"llms/deepseek.py": "deepseek", "llms/openai.py": "openai"}


def test_an_embedding_only_class_is_planned_in_the_embedding_family() -> None:
    llm = _client("pkg/llms/openai.py", "openai", [("OpenAILLM", "chat-wrapper")])
    emb = _client("pkg/embeddings/openai.py", "openai", [("OpenAIEmbedding", "learned")])
    emb.classes[0].operations = [Operation("embed", "embed", "text")]
    moves = {m.primary_class: m for m in make_plan(_scan(llm, emb), Config()).moves}
    assert (moves["OpenAILLM"].provider, moves["OpenAILLM"].family) == ("openai", "llm")
    embedder = moves["OpenAIEmbedding"]
    assert (embedder.provider, embedder.family, embedder.adapter_class) == ("openai_embedder", "embedding", "OpenAIEmbedder")
    assert embedder.target_path == "pkg/components/generator/providers/openai_embedder.py"
    assert "family=embedding" in provider_header(embedder, "")
    assert "family=" not in provider_header(moves["OpenAILLM"], "")
