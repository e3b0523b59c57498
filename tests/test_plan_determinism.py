"""The plan is a pure function of the tree: order, names and rendered bytes never depend on how it
was discovered, and the second run on the output is a no-op whatever the files look like."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genmigrate.config import Config
from genmigrate.engine import plan_and_render
from genmigrate.marker import read_provider_header
from genmigrate.model import ClassInfo, ClientModule, MethodInfo, ScanResult, Statement
from genmigrate.naming import registry_names
from genmigrate.plan import make_plan
from tests.trees import CLIENT

pytestmark = pytest.mark.integration

STEMS = ("openai_client", "openai_compat_client", "a_openai", "llm", "client", "groq_client", "zz_openai_patch")
FOLDERS = ("api", "api/llms", "api/embeddings", "svc")


def _client(path: str, provider: str) -> ClientModule:
    stem = path.rsplit("/", 1)[-1][:-3]
    name = "".join(p.title() for p in stem.split("_")) + "Client"
    chat = MethodInfo("chat", 8, ["self", "messages"])
    info = ClassInfo(name, 4, 9, [], "chat-wrapper", [chat], [0, 1])
    statements = [Statement(0, 1, 1, "import", ["openai"]), Statement(1, 4, 9, "class", [name])]
    return ClientModule(path, path[:-3].replace("/", "."), provider, [], [info], statements, [], [])


_paths = st.lists(
    st.tuples(st.sampled_from(FOLDERS), st.sampled_from(STEMS)).map(lambda t: f"{t[0]}/{t[1]}.py"),
    min_size=1, max_size=8, unique=True,
)


@settings(max_examples=60, deadline=None)
@given(paths=_paths, seed=st.integers(0, 2**16), providers=st.lists(st.sampled_from(["openai", "groq"]), min_size=8, max_size=8))
def test_names_and_plan_do_not_depend_on_discovery_order(paths: list[str], seed: int, providers: list[str]) -> None:
    clients = [_client(p, providers[i]) for i, p in enumerate(paths)]
    shuffled = clients[:]
    random.Random(seed).shuffle(shuffled)
    names = registry_names(clients)
    assert registry_names(shuffled) == names
    assert len(set(names.values())) == len(names), names
    assert all(name.isidentifier() and not name.split("_")[-1].isdigit() for name in names.values())
    scan = ScanResult("/r", 1, 1, 1, clients, [])
    again = ScanResult("/r", 1, 1, 1, shuffled, [])
    assert make_plan(scan, Config()).to_json() == make_plan(again, Config()).to_json()


def test_a_second_module_of_a_provider_is_named_after_itself() -> None:
    first = _client("api/openai_client.py", "openai")
    compat = _client("api/openai_compat_client.py", "openai")
    before = _client("api/a_openai.py", "openai")
    names = registry_names([compat, first, before])
    assert names == {"api/openai_client.py": "openai", "api/openai_compat_client.py": "openai_compat",
                     "api/a_openai.py": "a_openai"}
    same_stem = registry_names([_client("api/llms/openai.py", "openai"), _client("api/embeddings/openai.py", "openai")])
    assert same_stem == {"api/llms/openai.py": "llms_openai", "api/embeddings/openai.py": "embeddings_openai"}
    assert registry_names([first, compat], taken={"openai"}) == {
        "api/openai_client.py": "api_openai", "api/openai_compat_client.py": "openai_compat",
    }


def test_the_marker_is_read_after_a_bom_or_a_coding_cookie() -> None:
    line = b"# genmigrate: provider-module provider=openai adapter=OpenAIGenerator\n"
    for head in (b"", b"\xef\xbb\xbf", b"# -*- coding: latin-1 -*-\n", b"#!/usr/bin/env python\n# coding: utf-8\n"):
        assert read_provider_header(head + line + b"import os\n") == {"provider": "openai", "adapter": "OpenAIGenerator"}
    assert read_provider_header(b"import os\n" + line) is None


def _encoded(text: str, style: str) -> bytes:
    if style == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if style == "cookie":
        return ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + text).encode("latin-1")
    if style == "crlf":
        return text.replace("\n", "\r\n").encode()
    return text.encode()


_trees = st.lists(
    st.tuples(st.sampled_from(STEMS), st.sampled_from(["plain", "bom", "cookie", "crlf"])),
    min_size=1, max_size=4, unique_by=lambda t: t[0],
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=_trees)
def test_rendering_the_output_again_changes_nothing(files: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "api").mkdir()
        (root / "api" / "__init__.py").write_bytes(b"")
        for stem, style in files:
            name = "".join(p.title() for p in stem.split("_")) + "Client"
            (root / "api" / f"{stem}.py").write_bytes(_encoded(CLIENT.format(name=name), style))
        first = plan_and_render(root, Config())
        assert first.plan is not None and len(first.plan.moves) == len(files)
        second = plan_and_render(root, Config(), overlay={c.path: c.new for c in first.changes})
        assert second.changes == [], [c.path for c in second.changes]
