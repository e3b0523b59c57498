"""Routing: the caller's provider choice always wins; the model table only fills in the rest."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest

from servers.render import import_package, write_package

pytestmark = pytest.mark.unit

PROVIDERS = ("openai", "azure", "bedrock", "anthropic", "ollama")


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("routing")
    package = write_package(root, ())
    import_package(root, package)
    names = ("base", "generator_manager")
    return SimpleNamespace(**{n: importlib.import_module(f"{package}.{n}") for n in names})


def _recording_manager(gen: SimpleNamespace, **kw: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """A manager whose providers record (provider, request) and answer; `down` ones fail."""
    base, sent = gen.base, []
    down = set(kw.pop("down", ()))

    def adapter(name: str) -> type:
        class Recording(base.BaseGenerator):
            provider = name

            def __init__(self, **_: Any) -> None:
                pass

            def generate(self, request: Any) -> Any:
                sent.append((name, request))
                if name in down:
                    raise base.UnavailableError("down", provider=name)
                return base.GenerationResult(text="ok", provider=name, model=request.model)

            def embed(self, texts: Any, model: str | None = None) -> Any:
                sent.append((name, model))
                return base.EmbeddingResult(vectors=((1.0,),), provider=name, model=model)

        return Recording

    m = gen.generator_manager.GeneratorManager(entry_points=False, environ={}, **kw)
    for name in PROVIDERS:
        m.register(name, adapter(name))
    return m, sent


# (manager keywords, call keywords) -> (providers asked in order, model sent, api sent)
ROUTES = [
    # explicit provider= wins over the model table, the model passes through unchanged
    ({}, {"provider": "azure", "model": "gpt-4o"}, ["azure"], "gpt-4o", "chat"),
    (
        {"default_provider": "openai"},
        {"provider": "bedrock", "model": "4o"},
        ["bedrock"],
        "4o",
        "chat",
    ),
    # default_provider wins over the model table
    ({"default_provider": "azure"}, {"model": "gpt-4o"}, ["azure"], "gpt-4o", "chat"),
    (
        {"default_provider": "bedrock"},
        {"model": "claude-sonnet-4-5"},
        ["bedrock"],
        "claude-sonnet-4-5",
        "chat",
    ),
    # an alias resolves for its own provider only
    ({"default_provider": "openai"}, {"model": "4o"}, ["openai"], "gpt-4o", "chat"),
    ({}, {"provider": "openai", "model": "4o-mini"}, ["openai"], "gpt-4o-mini", "chat"),
    # the table picks the API when the request does not, whichever provider serves it
    ({"default_provider": "azure"}, {"model": "o3"}, ["azure"], "o3", "responses"),
    (
        {},
        {"provider": "openai", "model": "o3", "api": "chat"},
        ["openai"],
        "o3",
        "chat",
    ),
    # nothing chosen: the model table names the provider
    ({}, {"model": "claude-haiku-4-5"}, ["anthropic"], "claude-haiku-4-5", "chat"),
    ({}, {"model": "4o"}, ["openai"], "gpt-4o", "chat"),
    # an unknown model goes to the chosen provider as given
    (
        {"default_provider": "ollama"},
        {"model": "my-finetune:7b"},
        ["ollama"],
        "my-finetune:7b",
        None,
    ),
    (
        {},
        {"provider": "anthropic", "model": "claude-next"},
        ["anthropic"],
        "claude-next",
        None,
    ),
]


@pytest.mark.parametrize(("manager_kw", "call_kw", "asked", "model", "api"), ROUTES)
def test_the_chosen_provider_serves_the_call(
    gen: SimpleNamespace,
    manager_kw: dict[str, Any],
    call_kw: dict[str, Any],
    asked: list[str],
    model: str,
    api: str | None,
) -> None:
    m, sent = _recording_manager(gen, **manager_kw)
    result = m.generate("hi", **call_kw)
    assert [name for name, _ in sent] == asked and result.provider == asked[-1]
    assert (sent[-1][1].model, sent[-1][1].api) == (model, api)


FALLBACKS = [
    # a fallback provider is not sent the first provider's model unless its route names one
    (
        ["azure", "openai"],
        {"azure": ["openai", "ollama"]},
        ["azure", "openai", "ollama"],
        None,
    ),
    (
        ["azure"],
        {"azure": ["bedrock:claude-sonnet-4-5"]},
        ["azure", "bedrock"],
        "claude-sonnet-4-5",
    ),
    (["azure"], {"azure": ["openai:4o"]}, ["azure", "openai"], "gpt-4o"),
]


@pytest.mark.parametrize(("down", "chains", "asked", "last_model"), FALLBACKS)
def test_fallback_chains_start_at_the_chosen_provider(
    gen: SimpleNamespace,
    down: list[str],
    chains: dict[str, list[str]],
    asked: list[str],
    last_model: str | None,
) -> None:
    no_retry = importlib.import_module(gen.base.__package__ + "._resilience").NO_RETRY
    m, sent = _recording_manager(gen, default_provider="azure", fallbacks=chains, down=down, retry=no_retry)
    result = m.generate("hi", model="gpt-4o")
    assert [name for name, _ in sent] == asked and result.provider == asked[-1]
    assert sent[0][1].model == "gpt-4o" and sent[-1][1].model == last_model


def test_embeddings_follow_the_chosen_provider_and_unknown_names_fail(
    gen: SimpleNamespace,
) -> None:
    m, sent = _recording_manager(gen, default_provider="bedrock")
    m.embed(["x"], model="text-embedding-3-small")
    m.embed(["x"], provider="openai", model="text-embedding-3-small")
    assert sent == [
        ("bedrock", "text-embedding-3-small"),
        ("openai", "text-embedding-3-small"),
    ]
    with pytest.raises(gen.base.NotFoundError, match="unknown provider 'nope'"):
        m.generate("hi", provider="nope", model="gpt-4o")
    unset = gen.generator_manager.GeneratorManager(entry_points=False, environ={})
    with pytest.raises(ValueError, match="no provider given"):
        unset.generate("hi", model="not-in-the-table")
