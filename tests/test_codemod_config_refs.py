"""rewrite_config_refs: dotted paths in JSON/YAML/TOML string values, every other byte kept."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
import yaml

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.rewrite_config_refs import rewrite_config_refs

pytestmark = pytest.mark.unit

NEW = "api.components.generator.providers.openai_generator"
LOOKUPS = {"api.openai_client": NEW}
OLD_CLS = "api.openai_client.OpenAIClient"
NEW_CLS = f"{NEW}.OpenAIClient"

JSON = (
    "{\r\n"
    '  "api.openai_client.OpenAIClient": {"client_class": "api.openai_client.OpenAIClient",\r\n'
    '      "alt":   "api.openai_client:OpenAIClient", "n": 1.5, "other": "api.openai_client_v2.X"},\r\n'
    '  "list": ["api.openai_client", "plain", "api.openai_client.OpenAIClient"]\r\n'
    "}\r\n"
)
YAML = """# providers
openai:
  client_class: api.openai_client.OpenAIClient   # resolved by the registry
  quoted: 'api.openai_client:OpenAIClient'
  double: "api.openai_client.OpenAIClient"
  api.openai_client.OpenAIClient: key stays
  others: [api.openai_client.OpenAIClient, x.y]
  block:
    - api.openai_client
  text: |
    api.openai_client.OpenAIClient
"""
TOML = """# providers
[providers."api.openai_client.OpenAIClient"]
client_class = "api.openai_client.OpenAIClient"  # comment
literal = 'api.openai_client:OpenAIClient'
"api.openai_client.Key" = "kept key"
list = [
  "api.openai_client.OpenAIClient",  # first
  { cls = "api.openai_client.OpenAIClient", "api.openai_client.K" = 1 },
]
multi = \"\"\"api.openai_client.OpenAIClient\"\"\"
when = 1979-05-27T07:32:00Z
[[tables]]
value = 2.5
"""


def _swap(data: Any, old: str, new: str) -> Any:
    """`data` with every string *value* equal to `old` replaced by `new` (keys unchanged)."""
    if isinstance(data, dict):
        return {key: _swap(value, old, new) for key, value in data.items()}
    if isinstance(data, list):
        return [_swap(value, old, new) for value in data]
    return new if data == old else data


def _expected(data: Any) -> Any:
    for old, new in (
        (OLD_CLS, NEW_CLS),
        ("api.openai_client:OpenAIClient", f"{NEW}:OpenAIClient"),
        ("api.openai_client", NEW),
    ):
        data = _swap(data, old, new)
    return data


def test_json_values_rewritten_keys_and_layout_kept() -> None:
    out = rewrite_config_refs(JSON, LOOKUPS, "json")
    assert json.loads(out) == _expected(json.loads(JSON))
    assert out.count("\r\n") == JSON.count("\r\n") and "\n" not in out.replace("\r\n", "")
    assert '"alt":   "' in out and '"api.openai_client.OpenAIClient": {' in out


def test_yaml_values_rewritten_comments_and_quotes_kept() -> None:
    out = rewrite_config_refs(YAML, LOOKUPS, "yaml")
    assert yaml.safe_load(out) == _expected(yaml.safe_load(YAML)) | {
        "openai": {**_expected(yaml.safe_load(YAML))["openai"], "text": OLD_CLS + "\n"}
    }
    assert f"client_class: {NEW_CLS}   # resolved by the registry\n" in out
    assert f"quoted: '{NEW}:OpenAIClient'\n" in out
    assert f'double: "{NEW_CLS}"\n' in out


def test_toml_values_rewritten_keys_comments_and_multiline_kept() -> None:
    out = rewrite_config_refs(TOML, LOOKUPS, "toml")
    expected = _expected(tomllib.loads(TOML))
    expected["providers"][OLD_CLS]["multi"] = OLD_CLS
    assert tomllib.loads(out) == expected
    assert f'client_class = "{NEW_CLS}"  # comment\n' in out
    assert f"literal = '{NEW}:OpenAIClient'\n" in out
    assert '[providers."api.openai_client.OpenAIClient"]\n' in out


def test_nothing_to_do_returns_identical_text() -> None:
    text = '{"a": "api.openai_client_v2.X"}\n'
    assert rewrite_config_refs(text, LOOKUPS, "json") is text


@pytest.mark.parametrize(
    ("kind", "text", "line"),
    [("json", '{\n  "a": ,\n}\n', 2), ("yaml", "a: [1,\nb: }\n", 2), ("toml", "a = 1\nb = = 2\n", 2)],
)
def test_bad_input_names_the_line(kind: str, text: str, line: int) -> None:
    with pytest.raises(CodemodError) as info:
        rewrite_config_refs(text, LOOKUPS, kind)  # type: ignore[arg-type]
    assert info.value.line == line


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(CodemodError, match="unknown config kind"):
        rewrite_config_refs("", LOOKUPS, "ini")  # type: ignore[arg-type]
