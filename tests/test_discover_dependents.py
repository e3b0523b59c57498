"""Every dependent form: importers, patch targets, config references, subclasses, name comparisons."""

from __future__ import annotations

import pytest

from tests.conftest import client

pytestmark = pytest.mark.unit

CLIENT = {"api/__init__.py": "", "api/openai_client.py": (
    "from openai import OpenAI\n\nclass OpenAIClient:\n    def chat(self):\n        return OpenAI().chat.completions.create()\n")}


def deps(scan, files: dict[str, str]) -> list[tuple[str, str, int, str, str, bool]]:
    result = scan({**CLIENT, **files})
    return [(d.kind, d.path, d.line, d.target, d.form, d.in_function)
            for d in client(result, "api/openai_client.py").dependents]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import api.openai_client\n", ("import", "api.openai_client", "import", False)),
        ("import api.openai_client as oc\n", ("import", "api.openai_client", "import-as", False)),
        ("from api import openai_client\n", ("import", "api.openai_client", "from-import", False)),
        ("from api.openai_client import OpenAIClient\n", ("import", "api.openai_client.OpenAIClient", "from-import", False)),
        ("def f():\n    from api.openai_client import OpenAIClient\n", ("import", "api.openai_client.OpenAIClient", "from-import", True)),
    ],
)
def test_import_forms(scan, source: str, expected: tuple[str, str, str, bool]) -> None:
    kind, target, form, in_function = expected
    found = deps(scan, {"app/use.py": source})
    assert (kind, "app/use.py", source.count("\n"), target, form, in_function) in found


def test_relative_imports_resolve_to_the_client(scan) -> None:
    found = deps(scan, {"api/sibling.py": "from .openai_client import OpenAIClient\nfrom . import openai_client\n",
                        "api/sub/__init__.py": "from ..openai_client import OpenAIClient\n"})
    assert ("import", "api/sibling.py", 1, "api.openai_client.OpenAIClient", "from-import", False) in found
    assert ("import", "api/sibling.py", 2, "api.openai_client", "from-import", False) in found
    assert ("import", "api/sub/__init__.py", 1, "api.openai_client.OpenAIClient", "from-import", False) in found


def test_patch_targets(scan) -> None:
    source = (
        "from unittest import mock\nfrom unittest.mock import patch\nfrom api import openai_client\n"
        "def test(monkeypatch):\n"
        "    mock.patch('api.openai_client.OpenAI')\n"
        "    patch('api.openai_client.OpenAIClient.chat')\n"
        "    mock.patch.object(openai_client, 'OpenAI')\n"
        "    monkeypatch.setattr('api.openai_client.OpenAI', None)\n"
        "    monkeypatch.setattr(openai_client, 'OpenAI', None)\n"
        "    mock.patch('other.module.OpenAI')\n"
    )
    found = [d for d in deps(scan, {"tests/test_c.py": source}) if d[0] == "patch-target"]
    assert [(d[2], d[3], d[4]) for d in found] == [
        (5, "api.openai_client.OpenAI", "mock.patch"),
        (6, "api.openai_client.OpenAIClient.chat", "patch"),
        (7, "api.openai_client.OpenAI", "mock.patch.object"),
        (8, "api.openai_client.OpenAI", "monkeypatch.setattr"),
        (9, "api.openai_client.OpenAI", "monkeypatch.setattr"),
    ]
    assert all(d[5] for d in found)


@pytest.mark.parametrize(
    ("path", "text", "line", "form"),
    [
        ("settings/a.json", '{\n  "generator": {"client_class": "OpenAIClient"}\n}\n', 2, "json"),
        ("settings/b.yaml", "generator:\n  model_client: OpenAIClient\n", 2, "yaml"),
        ("settings/c.toml", "[gen]\npath = \"api.openai_client:OpenAIClient\"\n", 2, "toml"),
        ("settings/d.yml", "a: 1\nclass: api.openai_client.OpenAIClient\n", 2, "yaml"),
        ("app/registry.py", "REG = {\n    'openai': 'api.openai_client.OpenAIClient',\n}\n", 2, "python"),
        ("app/conf.py", "GEN = dict(\n    client_class='OpenAIClient',\n)\n", 2, "python"),
    ],
)
def test_config_references(scan, path: str, text: str, line: int, form: str) -> None:
    found = deps(scan, {path: text})
    assert ("config-ref", path, line, "api.openai_client.OpenAIClient", form, False) in found


def test_unrelated_config_values_are_not_references(scan) -> None:
    found = deps(scan, {"settings/a.json": '{"client_class": "SomethingElse", "note": "api.openai_clientele"}\n'})
    assert found == []


def test_subclass_and_name_compare(scan) -> None:
    found = deps(scan, {
        "api/xai_client.py": "from api.openai_client import OpenAIClient\n\nclass XaiClient(OpenAIClient):\n    pass\n",
        "api/factory.py": "def is_openai(c):\n    return c.__class__.__name__ == 'OpenAIClient'\n",
    })
    assert ("subclass", "api/xai_client.py", 3, "api.openai_client.OpenAIClient", "class XaiClient", False) in found
    assert ("string-ref", "api/factory.py", 2, "api.openai_client.OpenAIClient", "name-compare", True) in found


def test_dependents_sorted_by_path_then_line(scan) -> None:
    found = deps(scan, {"z.py": "import api.openai_client\n", "a.py": "\nimport api.openai_client\n"})
    assert [(d[1], d[2]) for d in found] == sorted((d[1], d[2]) for d in found)


def test_a_client_is_not_its_own_dependent(scan) -> None:
    source = CLIENT["api/openai_client.py"] + "\nif __name__ == '__main__':\n    print('api.openai_client.OpenAIClient')\n"
    result = scan({**CLIENT, "api/openai_client.py": source})
    assert client(result, "api/openai_client.py").dependents == []
