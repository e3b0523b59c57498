"""reexport_shim: moved statements replaced by one explicit re-export."""

from __future__ import annotations

import pytest

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.reexport_shim import reexport_shim

pytestmark = pytest.mark.unit

NEW = "api.components.generator.providers.openai_generator"
LEGACY = '''"""OpenAI client."""
import os
from openai import OpenAI

__all__ = ["OpenAIClient", "stay", OpenAI]

log = object()


# The client
@decorated
class OpenAIClient:
    pass


def stay():
    return os.getcwd()


if __name__ == "__main__":
    print(OpenAIClient(), stay())
'''


def test_moved_statements_become_one_import_at_first_position() -> None:
    out = reexport_shim(LEGACY, NEW, ["OpenAI", "log", "OpenAIClient"])
    assert out == (
        '"""OpenAI client."""\n'
        "import os\n"
        f"from {NEW} import (\n"
        "    OpenAI,\n"
        "    log,\n"
        "    OpenAIClient,\n"
        ")\n"
        "\n"
        '__all__ = ["OpenAIClient", "stay", OpenAI]\n'
        "\n"
        "\n"
        "def stay():\n"
        "    return os.getcwd()\n"
        "\n"
        "\n"
        'if __name__ == "__main__":\n'
        "    print(OpenAIClient(), stay())\n"
    )


def test_short_import_stays_on_one_line() -> None:
    out = reexport_shim(LEGACY, "api.new", ["OpenAI", "log", "OpenAIClient"])
    assert "\nfrom api.new import OpenAI, log, OpenAIClient\n\n__all__" in out


def test_idempotent() -> None:
    once = reexport_shim(LEGACY, NEW, ["OpenAI", "log", "OpenAIClient"])
    assert reexport_shim(once, NEW, ["OpenAI", "log", "OpenAIClient"]) == once


def test_long_import_wraps_and_keeps_crlf() -> None:
    source = "".join(f"name_{i} = {i}\r\n" for i in range(12)) + "print(name_0)\r\n"
    out = reexport_shim(source, NEW, [f"name_{i}" for i in range(12)])
    assert out.startswith(f"from {NEW} import (\r\n    name_0,\r\n")
    assert out.endswith("    name_11,\r\n)\r\nprint(name_0)\r\n")
    assert "\n" not in out.replace("\r\n", "")


def test_try_except_prelude_counts_as_one_statement() -> None:
    source = "try:\n    import backoff\nexcept ImportError as exc:\n    backoff = None\nX = 1\n"
    assert reexport_shim(source, "new.mod", ["backoff"]) == "from new.mod import backoff\nX = 1\n"


def test_statement_binding_moved_and_staying_names_is_refused() -> None:
    with pytest.raises(CodemodError) as info:
        reexport_shim("X = 0\na, b = 1, 2\n", "new.mod", ["a"])
    assert info.value.line == 2 and "'b'" in info.value.message


def test_unknown_moved_name_is_refused() -> None:
    with pytest.raises(CodemodError, match="'Nope' is not bound"):
        reexport_shim("X = 1\n", "new.mod", ["Nope"])


def test_in_function_bindings_do_not_count() -> None:
    source = "def f():\n    OpenAI = 1\n    return OpenAI\nclass OpenAI:\n    pass\n"
    assert reexport_shim(source, "new.mod", ["OpenAI"]) == (
        "def f():\n    OpenAI = 1\n    return OpenAI\nfrom new.mod import OpenAI\n"
    )
