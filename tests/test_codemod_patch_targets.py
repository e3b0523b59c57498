"""rewrite_patch_targets: dotted-path strings follow the moved names."""

from __future__ import annotations

import pytest

from genmigrate.codemods.rewrite_patch_targets import rewrite_patch_targets

pytestmark = pytest.mark.unit

NEW = "api.components.generator.providers.openai_generator"
ALIAS = {"api.openai_client": NEW}


def test_patch_forms() -> None:
    source = (
        '@patch("api.openai_client.OpenAI")\n'
        "@mock.patch.object(thing, 'api')\n"
        "def test(mock_openai, monkeypatch):\n"
        "    monkeypatch.setattr('api.openai_client.get_key', lambda: 'k')\n"
        '    monkeypatch.delattr("api.openai_client.OpenAIClient.cache")\n'
        '    with mock.patch.multiple("api.openai_client", log=None):\n'
        '        mock.patch(target="api.openai_client.os.environ")\n'
    )
    assert rewrite_patch_targets(source, ALIAS) == source.replace("api.openai_client", NEW)


def test_plain_strings_and_colon_form_keep_quotes_and_prefixes() -> None:
    source = 'REG = {"openai": r"api.openai_client:OpenAIClient", "x": u\'api.openai_client.OpenAIClient\'}\n'
    assert rewrite_patch_targets(source, ALIAS) == (
        f'REG = {{"openai": r"{NEW}:OpenAIClient", "x": u\'{NEW}.OpenAIClient\'}}\n'
    )


def test_whole_segments_only_and_non_paths_untouched() -> None:
    source = (
        'a = "api.openai_client_v2.X"\n'
        'b = "xapi.openai_client.X"\n'
        'c = "see api.openai_client.X"\n'
        'd = b"api.openai_client.X"\n'
        'e = f"api.openai_client.{name}"\n'
        'f = "api.openai_client" ".X"\n'
        'g = "api.openai_client\\x2eX"\n'
        'h = "openai_client"\n'
    )
    assert rewrite_patch_targets(source, {**ALIAS, "openai_client": "x.y"}) == source


def test_longest_prefix_wins_for_reexport_shims() -> None:
    lookups = {"api.openai_client": "api.openai_client", "api.openai_client.OpenAIClient": NEW}
    source = (
        'patch("api.openai_client.OpenAIClient.call")\n'
        'patch("api.openai_client.stay")\n'
        'patch("api.openai_client.OpenAIClientV2")\n'
    )
    assert rewrite_patch_targets(source, lookups) == (
        f'patch("{NEW}.OpenAIClient.call")\npatch("api.openai_client.stay")\npatch("api.openai_client.OpenAIClientV2")\n'
    )


def test_colon_keys_name_a_module_level_name() -> None:
    lookups = {"api.openai_client:helper": "api.shared"}
    source = (
        'patch("api.openai_client.helper")\nx = "api.openai_client:helper"\ny = "api.openai_client.other"\n'
    )
    assert rewrite_patch_targets(source, lookups) == (
        'patch("api.shared.helper")\nx = "api.shared:helper"\ny = "api.openai_client.other"\n'
    )


def test_triple_quoted_and_crlf_bytes() -> None:
    source = b'X = """api.openai_client.OpenAIClient"""\r\nY = 1\r\n'
    assert rewrite_patch_targets(source, ALIAS) == source.replace(b"api.openai_client", NEW.encode())
