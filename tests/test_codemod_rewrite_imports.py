"""rewrite_imports: importers of moved modules point at the new module, in place."""

from __future__ import annotations

import pytest

from genmigrate.codemods.rewrite_imports import rewrite_imports

pytestmark = pytest.mark.unit

NEW = "api.components.generator.providers.openai_generator"
MOVES = {
    "api.openai_client": NEW,
    "api.bedrock_client": "api.components.generator.providers.bedrock_generator",
}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import api.openai_client as oc\n", f"import {NEW} as oc\n"),
        (
            "from api import openai_client\n",
            "from api.components.generator.providers import openai_generator as openai_client\n",
        ),
        (
            "from api import openai_client as oc\n",
            "from api.components.generator.providers import openai_generator as oc\n",
        ),
        ("from api.openai_client import C, D as E\n", f"from {NEW} import C, D as E\n"),
        ("from api.openai_client import *\n", f"from {NEW} import *\n"),
        ("from api.openai_client import (\n    C,\n    D,\n)\n", f"from {NEW} import (\n    C,\n    D,\n)\n"),
    ],
)
def test_absolute_forms(before: str, after: str) -> None:
    assert rewrite_imports(before, MOVES) == after


def test_plain_import_rewrites_attribute_uses() -> None:
    source = (
        "import api.openai_client\n\nclient = api.openai_client.OpenAIClient(api.openai_client.DEFAULT)\n"
    )
    assert rewrite_imports(source, MOVES) == (f"import {NEW}\n\nclient = {NEW}.OpenAIClient({NEW}.DEFAULT)\n")


def test_attribute_uses_untouched_without_plain_import() -> None:
    source = "import api\n\nx = api.openai_client.OpenAIClient\n"
    assert rewrite_imports(source, MOVES) == source


def test_relative_imports_stay_relative() -> None:
    source = "from .openai_client import OpenAIClient\nfrom . import bedrock_client\nfrom .. import up\n"
    assert rewrite_imports(source, MOVES, module_name="api.config") == (
        "from .components.generator.providers.openai_generator import OpenAIClient\n"
        "from .components.generator.providers import bedrock_generator as bedrock_client\n"
        "from .. import up\n"
    )


def test_relative_import_from_a_package_init() -> None:
    source = "from .openai_client import OpenAIClient\n"
    out = rewrite_imports(source, MOVES, module_name="api", is_package=True)
    assert out == "from .components.generator.providers.openai_generator import OpenAIClient\n"


def test_relative_import_without_module_name_is_left_alone() -> None:
    source = "from .openai_client import OpenAIClient\n"
    assert rewrite_imports(source, MOVES) == source


def test_mixed_from_import_is_split_in_place_with_comment_kept() -> None:
    source = "import os\nfrom api import utils, openai_client  # clients\nX = 1\n"
    assert rewrite_imports(source, MOVES) == (
        "import os\n"
        "from api import utils\n"
        "from api.components.generator.providers import openai_generator as openai_client  # clients\n"
        "X = 1\n"
    )


def test_in_function_try_and_type_checking_imports_rewritten_where_they_are() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from api.openai_client import OpenAIClient\n"
        "try:\n"
        "    from api.bedrock_client import BedrockClient\n"
        "except ImportError:  # optional\n"
        "    BedrockClient = None\n"
        "\n"
        "def make():\n"
        "    from api.openai_client import OpenAIClient  # import cycle\n"
        "    return OpenAIClient()\n"
    )
    out = rewrite_imports(source, MOVES)
    assert out == (
        source.replace("from api.openai_client", f"from {NEW}").replace(
            "from api.bedrock_client", "from api.components.generator.providers.bedrock_generator"
        )
    )
    assert out.splitlines()[9].startswith("    from ")


def test_unrelated_and_lookalike_modules_untouched() -> None:
    source = (
        "import api.openai_client_v2\nfrom api import openai_client_v2, utils\n"
        "from api.openai_client_v2 import X\nimport api.openai_clientx as y\n"
    )
    assert rewrite_imports(source, MOVES) == source


def test_crlf_and_bytes_kept() -> None:
    source = b"# -*- coding: latin-1 -*-\r\nfrom api.openai_client import X\r\nN = '\xe9'\r\n"
    out = rewrite_imports(source, MOVES)
    assert out == source.replace(b"api.openai_client", NEW.encode())


def test_module_moved_to_top_level_becomes_plain_import() -> None:
    out = rewrite_imports("from api import openai_client, utils\n", {"api.openai_client": "openai_generator"})
    assert out == "from api import utils\nimport openai_generator as openai_client\n"
