"""`genmigrate parity --base REV`: a hand migration audited against the revision before it.

fixtures/hand_migration holds a small legacy app (copies of legacy_app and functions_app clients)
and the same app migrated by hand with planted regressions (listed, with file:line, in its
README). The migration is committed on top of the legacy tree and audited once; a pure move of
the legacy files is audited once too and must report nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from genmigrate.cli import main

pytestmark = [pytest.mark.e2e, pytest.mark.slow(30)]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "hand_migration"
APP = FIXTURES / "functions_app" / "chatapp"
# Legacy modules taken verbatim from the other fixtures when the repository is built.
COPIES = {
    "chatapp/__init__.py": APP / "__init__.py",
    "chatapp/core.py": APP / "core.py",
    "chatapp/ollama_patch.py": APP / "ollama_patch.py",
    "chatapp/mistral_api.py": APP / "mistral_api.py",
    "chatapp/compat_openai.py": APP / "compat_openai.py",
    "chatapp/openrouter_client.py": FIXTURES / "legacy_app" / "api" / "openrouter_client.py",
}
# Where the hand migration put every legacy client module (the pure move puts them there unchanged).
MOVES = {
    "chatapp/openai_client.py": "llm/openai.py",
    "chatapp/openrouter_client.py": "llm/openrouter.py",
    "chatapp/mistral_api.py": "llm/mistral.py",
    "chatapp/ollama_patch.py": "llm/ollama.py",
    "chatapp/compat_openai.py": "llm/compat.py",
}

OPENAI, OPENROUTER = "chatapp.openai_client:OpenAIClient", "chatapp.openrouter_client:OpenRouterClient"
# id -> (legacy entry, scenario, step path of the differing line, text in what the candidate gave)
REGRESSIONS: dict[str, tuple[str, str, str, str]] = {
    "own-enum": (OPENAI, "convert_prompt", "convert_inputs_to_api_kwargs.message", "is not supported"),
    # the candidate's call fails too: its parse step runs on the response the legacy call returned
    "raw-parse": (OPENAI, "call_llm", "parse_chat_completion.returned.raw_response", "ChatCompletion"),
    "new-base": (OPENAI, "to_dict", "to_dict.message", "has no attribute 'to_dict'"),
    "renamed-kwarg-parser": (OPENAI, "init_chat_completion_parser", "construct.message", "'chat_completion_parser'"),
    "renamed-env-openai": (OPENAI, "env_OPENAI_BASE_URL_set", "construct.returned.base_url", "api.openai.com"),
    "renamed-env-openrouter": (OPENROUTER, "env_OPENROUTER_BASE_URL_set", "request.request.host", "openrouter.ai"),
    "renamed-kwarg-referer": (OPENROUTER, "init_site_url", "construct.message", "'site_url'"),
    "changed-default-temperature": (OPENROUTER, "chat", "request.request.body.temperature", "0.5"),
    "dropped-header": (OPENROUTER, "chat", "request.request.headers.x-title", "(missing)"),
    "dropped-class": ("chatapp.openrouter_client:OpenRouterModelCatalog", "", "", ""),
    "changed-default-embed-model": (
        "chatapp.mistral_api:embed",
        "embed.defaults",
        "request.request.body.model",
        "2312",
    ),
    "swallowed-error": ("chatapp.mistral_api:embed", "embed.server_error", "embed.raised", "KeyError"),
    "renamed-env-ollama": (
        "chatapp.ollama_patch:list_models",
        "list_models.env.OLLAMA_HOST.set",
        "request.request.host",
        "localhost",
    ),
    "dropped-function": ("chatapp.ollama_patch:check_model_exists", "", "", ""),
    "raw-embeddings": ("chatapp.ollama_patch:embed_texts", "embed_texts", "embed_texts.returned", '"embeddings"'),
}
FAITHFUL = {
    "chatapp.mistral_api:chat": "llm.mistral:MistralClient.chat",
    "chatapp.compat_openai:CompatChat": "llm.compat:CompatChat",
    "chatapp.openai_client:get_first_message_content": "llm.openai:get_first_message_content",
    "chatapp.openrouter_client:get_first_message_content": "llm.openrouter:get_first_message_content",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _legacy_repo(root: Path) -> Path:
    shutil.copytree(FIXTURE / "legacy", root, dirs_exist_ok=True)
    for where, source in COPIES.items():
        shutil.copy(source, root / where)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "legacy app")
    return root


def _audit(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["parity", "--base", "HEAD~1", *args, str(repo)])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict[str, dict[str, Any]]]:
    """Commit 1: the legacy app. Commit 2: the hand migration. The audit of 2 against 1, by legacy name."""
    repo = _legacy_repo(tmp_path_factory.mktemp("hand_migration"))
    for old in MOVES:
        (repo / old).unlink()
    shutil.copytree(FIXTURE / "migrated", repo, dirs_exist_ok=True)
    shutil.copy(COPIES["chatapp/compat_openai.py"], repo / MOVES["chatapp/compat_openai.py"])  # moved as it was
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "move the providers to llm/")
    code, out = _audit(repo, "--json")
    report = json.loads(out)
    return repo, code, {entry["legacy"]: entry for entry in report["classes"] + report["functions"]}


def _reported(entry: dict[str, Any], scenario: str, where: str, got: str) -> bool:
    if not scenario:
        return entry["status"] == "no candidate found" and entry["candidate"] is None
    owner = entry["legacy"].split(":")[1]
    return any(
        d["scenario"] in (scenario, f"{owner}.{scenario}") and line["where"] == where and got in line["got"]
        for d in entry["differences"]
        for line in d["lines"]
    )


def test_every_planted_regression_is_reported(migrated: tuple[Path, int, dict[str, dict[str, Any]]]) -> None:
    _, code, report = migrated
    assert code == 1
    missed = [name for name, (legacy, *line) in REGRESSIONS.items() if not _reported(report[legacy], *line)]
    assert missed == []


def test_faithful_rewrites_are_the_same_and_pairings_are_named(
    migrated: tuple[Path, int, dict[str, dict[str, Any]]],
) -> None:
    _, _, report = migrated
    assert {legacy: (report[legacy]["candidate"], report[legacy]["status"]) for legacy in FAITHFUL} == {
        legacy: (candidate, "same") for legacy, candidate in FAITHFUL.items()
    }
    assert (report[OPENAI]["candidate"], report[OPENAI]["paired_by"]) == ("llm.openai:OpenAIProvider", "map")
    # no mapping entry: git saw the file renamed
    assert (report[OPENROUTER]["candidate"], report[OPENROUTER]["paired_by"]) == (
        "llm.openrouter:OpenRouterClient",
        "moved module",
    )
    # Rewritten faithfully, but it calls the module's `_host` and `embed_texts`, which carry two planted
    # regressions: its `__call__` shows both.
    embedder = report["chatapp.ollama_patch:DocumentEmbedder"]
    assert (embedder["candidate"], embedder["status"]) == ("llm.ollama:DocumentEmbedder", "differs")
    assert _reported(embedder, "env_OLLAMA_HOST_set", "request.request.host", "localhost")
    assert report["chatapp.mistral_api:chat"]["scenarios"] > 10
    embed = report["chatapp.mistral_api:embed"]["groups"]
    assert [(g["kind"], g["where"], g["scenarios"]) for g in embed][:1] == [
        ("request", "request.request.body.model", ["embed.defaults"])
    ]


def test_the_fixture_readme_lists_every_planted_regression_where_it_is() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| `([\w/.]+):(\d+)` \|", (FIXTURE / "README.md").read_text(), re.M)
    assert sorted(name for name, _, _ in rows) == sorted(REGRESSIONS)
    for name, path, line in rows:
        assert f"planted: {name}" in (FIXTURE / path).read_text().splitlines()[int(line) - 1], (name, path, line)


def test_a_pure_move_reports_nothing(tmp_path: Path) -> None:
    repo = _legacy_repo(tmp_path)
    (repo / "llm").mkdir()
    (repo / "llm" / "__init__.py").write_text('"""The providers."""\n')
    for old, new in MOVES.items():
        _git(repo, "mv", old, new)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "move the providers to llm/")
    code, out = _audit(repo)
    assert code == 0, out
    assert out.splitlines()[-1] == "parity --base HEAD~1: 5 classes, 0 differ; 7 functions, 0 differ"
    assert "chatapp.mistral_api:chat -> llm.mistral:chat: same" in out


def test_mapping_entries_that_name_nothing_are_one_line_errors(
    migrated: tuple[Path, int, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    repo = migrated[0]
    mapping = tmp_path / "renames.toml"
    mapping.write_text('[map]\n"OpenAIClient" = "llm.openai:OpenAIProvider"\n"chatapp.gone" = "llm.gone"\n')
    code, out = _audit(repo, "--map-file", str(mapping))
    assert (code, out) == (2, f"{mapping}:3: chatapp.gone names nothing at the base revision\n")
    mapping.write_text('[map]\n"OpenAIClient" = "llm.openai:OpenAIClient"\n')
    code, out = _audit(repo, "--map-file", str(mapping))
    assert (code, out) == (2, f"{mapping}:2: llm.openai:OpenAIClient names nothing in the work tree\n")
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    try:
        pyproject.write_text(text + '"chatapp.mistral_api:chat" = "llm.mistral:MistralClient.talk"\n')
        code, out = _audit(repo)
        line = len(text.splitlines()) + 1
        assert (code, out) == (
            2,
            f"{pyproject}:{line}: llm.mistral:MistralClient.talk names nothing in the work tree\n",
        )
    finally:
        pyproject.write_text(text)
    for args in (("--map", "bad"), ("--map-file", str(tmp_path / "missing.toml"))):
        code, out = _audit(repo, *args)
        assert code == 2 and out.count("\n") == 1 and "Traceback" not in out


def test_bad_revision_and_no_repository(migrated: tuple[Path, int, dict[str, dict[str, Any]]], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["parity", "--base", "no-such-rev", str(migrated[0])])
    assert (result.exit_code, result.output) == (
        2,
        f"{migrated[0]}:1: no-such-rev is not a commit of this repository\n",
    )
    code, out = _audit(tmp_path)
    assert code == 2 and out.count("\n") == 1 and "Traceback" not in out


def test_candidates_are_found_by_class_name_outside_tests_and_venvs(tmp_path: Path) -> None:
    from genmigrate.parity.pairing import definitions, pick

    for where in ("app/llm/openrouter.py", "tests/test_openrouter.py", ".venv/lib/openrouter.py"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text("class OpenRouterClient:\n    pass\n")
    (tmp_path / "app" / "broken.py").write_text("class (:\n")
    index = definitions(tmp_path).classes
    assert index == {"OpenRouterClient": ["app.llm.openrouter", "tests.test_openrouter"]}
    assert pick(index["OpenRouterClient"], "chatapp.openrouter_client") == "app.llm.openrouter"
    assert pick(index["OpenRouterClient"], "tests.test_openrouter") == "tests.test_openrouter"


def test_a_candidate_that_does_not_import_is_one_line_naming_the_cause(tmp_path: Path) -> None:
    (tmp_path / "chatapp").mkdir()
    shutil.copy(COPIES["chatapp/compat_openai.py"], tmp_path / "chatapp" / "compat_openai.py")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "legacy")
    moved = tmp_path / "chatapp" / "compat_openai.py"
    moved.write_text('raise RuntimeError("COMPAT_MODE must be set")\n' + moved.read_text())
    _git(tmp_path, "commit", "-qam", "the hand migration")
    code, out = _audit(tmp_path)
    assert code == 2 and out.count("\n") == 1, out
    assert out.startswith("chatapp/compat_openai.py:1: ") and "RuntimeError: COMPAT_MODE must be set" in out


def test_framework_objects_come_from_the_module_the_original_takes_them_from(tmp_path: Path) -> None:
    """Where the framework is not AdalFlow: the original's run notes where its ModelType comes from,
    and the candidate's run is handed that one, not the look-alike its own module defines."""
    import asyncio
    import enum
    import sys
    import types

    from genmigrate.parity.given import Given
    from genmigrate.parity.runner import Probe

    framework = types.ModuleType("parity_framework_types")
    framework.ModelType = enum.Enum("ModelType", "LLM EMBEDDER", module="parity_framework_types")  # type: ignore[attr-defined]
    legacy, candidate = types.ModuleType("legacy_client"), types.ModuleType("new_client")
    legacy.ModelType = framework.ModelType  # type: ignore[attr-defined]
    candidate.ModelType = enum.Enum("ModelType", "LLM EMBEDDER", module="new_client")  # type: ignore[attr-defined]
    sys.modules["parity_framework_types"] = framework
    loop = asyncio.new_event_loop()
    try:
        recording = Given(str(tmp_path), "convert_prompt", replay=False)
        assert (
            Probe(legacy, object, loop, ("legacy_client",), given=recording).framework("ModelType")
            is framework.ModelType
        )
        recording.save()
        replaying = Given(str(tmp_path), "convert_prompt", replay=True)
        assert (
            Probe(candidate, object, loop, ("new_client",), given=replaying).framework("ModelType")
            is framework.ModelType
        )
        alone = Probe(candidate, object, loop, ("new_client",), given=Given(str(tmp_path), "other", replay=True))
        assert alone.framework("ModelType") is candidate.ModelType  # nothing recorded: the module's own
    finally:
        loop.close()
        del sys.modules["parity_framework_types"]


def test_recorded_results_travel_and_the_rest_is_computed_where_it_runs(tmp_path: Path) -> None:
    from genmigrate.parity.given import UNKNOWN, Given

    failed = object()
    recording = Given(str(tmp_path), "call_llm", replay=False)
    recording.add("convert_inputs_to_api_kwargs", {"messages": [{"role": "user", "content": "hi"}]}, False)
    recording.add("call", None, True)
    recording.add("call", (x for x in "ab"), False)  # a stream: does not pickle
    recording.save()
    replaying = Given(str(tmp_path), "call_llm", replay=True)
    assert replaying.take("convert_inputs_to_api_kwargs", failed) == {"messages": [{"role": "user", "content": "hi"}]}
    assert replaying.take("call", failed) is failed
    assert replaying.take("call", failed) is UNKNOWN
    assert replaying.take("call", failed) is UNKNOWN  # asked more often than the original answered
    assert replaying.take("to_dict", failed) is UNKNOWN
    # the original's own call failed, the retry it was asked for succeeded: the candidate gets the retry's
    recording = Given(str(tmp_path), "call_llm_unavailable_then_ok", replay=False)
    recording.add("call", None, True)
    recording.add("call", {"id": "chatcmpl-1"}, False, reference=True)
    recording.save()
    assert Given(str(tmp_path), "call_llm_unavailable_then_ok", replay=True).take("call", failed) == {
        "id": "chatcmpl-1"
    }


def _client(module: str, provider: str, *classes: tuple[str, str]) -> Any:
    from genmigrate.model import ClassInfo, ClientModule

    infos = [ClassInfo(name, 1, 2, [], protocol, [], []) for name, protocol in classes]  # type: ignore[arg-type]
    return ClientModule(f"{module.replace('.', '/')}.py", module, provider, [], infos, [], [], [])


def test_pairing_order_mapping_then_moved_module_then_name_then_protocol(tmp_path: Path) -> None:
    from genmigrate.parity.pairing import Pairing, definitions, pick

    files = {
        "llm/openai.py": "class OpenAIProvider:\n    def chat(self): ...\ndef helper(): ...\n",
        "llm/mistral.py": "class MistralClient:\n    def chat(self): ...\n    def embed(self): ...\n",
        "llm/other.py": "class Renamed:\n    pass\ndef helper(): ...\ndef stray(): ...\n",
        "tests/test_x.py": "def stray(): ...\n",
    }
    for where, text in files.items():
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text(text)
    clients = [
        _client("llm.openai", "openai", ("OpenAIProvider", "modelclient")),
        _client("llm.other", "openai", ("Renamed", "chat-wrapper")),
    ]
    moves = {"api.mistral_api": "llm.mistral", "api.openai_client": "llm.openai"}
    pairing = Pairing(definitions(tmp_path), clients, moves, {"OldName": "Renamed"})
    assert pairing.for_class("api.x", "OldName").target == "llm.other:Renamed"  # type: ignore[union-attr]
    assert pairing.for_class("api.openai_client", "OpenAIClient") is None
    found = pairing.by_protocol("api.openai_client", "openai", "modelclient")
    assert (found.target, found.how) == ("llm.openai:OpenAIProvider", "protocol")  # type: ignore[union-attr]
    assert pairing.by_protocol("api.azure", "openai", "modelclient") is None  # already someone's counterpart
    assert pairing.by_protocol("api.x", "anthropic", "modelclient") is None
    folded = pairing.for_function("api.mistral_api", "embed")
    assert (folded.target, folded.how) == ("llm.mistral:MistralClient.embed", "moved module")  # type: ignore[union-attr]
    moved = pairing.for_function("api.openai_client", "helper")
    assert (moved.target, moved.how) == ("llm.openai:helper", "moved module")  # type: ignore[union-attr]
    assert pairing.for_function("api.gone", "stray").target == "llm.other:stray"  # type: ignore[union-attr]
    assert pairing.for_function("api.gone", "vanished") is None
    # a legacy module still there (as a shim, say): its functions follow its classes
    pairing.for_class("api.legacy_shim", "Renamed")
    assert pairing.for_function("api.legacy_shim", "helper").target == "llm.other:helper"  # type: ignore[union-attr]
    assert (
        pick(["gen.azure_generator", "gen.openrouter_generator"], "api.openrouter_client") == "gen.openrouter_generator"
    )


def test_moves_are_read_from_git_each_side_from_its_own_import_root(tmp_path: Path) -> None:
    from genmigrate.parity.audit import moved_modules

    source = "class Client:\n" + "".join(f"    def m{i}(self):\n        return {i}\n" for i in range(20))
    (tmp_path / "lib" / "pkg").mkdir(parents=True)
    (tmp_path / "lib" / "pkg" / "client.py").write_text(source)
    (tmp_path / "lib" / "pkg" / "stays.py").write_text(source + "X = 1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "legacy")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    _git(tmp_path, "mv", "lib/pkg/client.py", "src/pkg/provider.py")
    _git(tmp_path, "commit", "-qm", "moved")
    assert moved_modules(tmp_path, "HEAD~1", tmp_path / "lib", tmp_path / "src") == {"pkg.client": "pkg.provider"}
