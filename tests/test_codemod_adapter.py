"""insert_adapter: header at the top, adapter before a trailing main block."""

from __future__ import annotations

import pytest

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.insert_adapter import insert_adapter

pytestmark = pytest.mark.unit

HEADER = "# genmigrate: provider module, legacy code moved from api/openai_client.py"
ADAPTER = '''from api.components.generator.base import BaseGenerator


class OpenAIGenerator(BaseGenerator):
    """Adapter.

    Wraps OpenAIClient.
    """

    def __init__(self, **kwargs):
        self._client = OpenAIClient(**kwargs)
'''
MODULE = '''#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Doc."""

import os


class OpenAIClient:
    pass


if __name__ == "__main__":
    print(OpenAIClient())
'''


def test_header_after_cookie_before_docstring_and_adapter_before_main() -> None:
    out = insert_adapter(MODULE, ADAPTER, HEADER)
    lines = out.splitlines()
    assert lines[:4] == ["#!/usr/bin/env python", "# -*- coding: utf-8 -*-", HEADER, '"""Doc."""']
    assert "    pass\n\n\nfrom api.components.generator.base import BaseGenerator\n" in out
    assert 'self._client = OpenAIClient(**kwargs)\n\n\nif __name__ == "__main__":\n' in out
    compile(out, "m.py", "exec")


def test_untouched_code_is_byte_identical() -> None:
    out = insert_adapter(MODULE, ADAPTER, HEADER)
    head, tail = MODULE.split("\n\n\nif __name__")
    assert out.replace(HEADER + "\n", "").startswith(head)
    assert out.endswith("if __name__" + tail)


def test_appends_at_end_without_main_block() -> None:
    out = insert_adapter("import os\n\nX = 1\n", ADAPTER, HEADER)
    assert out.startswith(HEADER + "\nimport os\n\nX = 1\n\n\nfrom api.components")
    assert out.endswith("OpenAIClient(**kwargs)\n")


def test_main_block_not_last_means_append_at_end() -> None:
    source = 'if __name__ == "__main__":\n    pass\nY = 2\n'
    out = insert_adapter(source, "Z = 3\n", "# h")
    assert out == '# h\nif __name__ == "__main__":\n    pass\nY = 2\n\n\nZ = 3\n'


def test_reversed_main_guard_is_recognised() -> None:
    out = insert_adapter("X = 1\nif '__main__' == __name__:\n    X = 2\n", "Z = 3\n", "# h")
    assert out == "# h\nX = 1\n\n\nZ = 3\n\n\nif '__main__' == __name__:\n    X = 2\n"


def test_idempotent() -> None:
    once = insert_adapter(MODULE, ADAPTER, HEADER)
    assert insert_adapter(once, ADAPTER, HEADER) == once
    assert once.count(HEADER) == 1


def test_crlf_kept_everywhere_including_adapter_docstring() -> None:
    out = insert_adapter(MODULE.replace("\n", "\r\n"), ADAPTER, HEADER)
    assert "\n" not in out.replace("\r\n", "")
    assert '"""Adapter.\r\n\r\n    Wraps OpenAIClient.\r\n    """' in out


def test_latin1_bytes_stay_latin1() -> None:
    source = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1")
    out = insert_adapter(source, "Z = 3\n", "# h")
    assert out == "# -*- coding: latin-1 -*-\n# h\nNAME = 'caf\xe9'\n\n\nZ = 3\n".encode("latin-1")


def test_empty_module() -> None:
    assert insert_adapter("", "Z = 3\n", "# h") == "# h\nZ = 3\n"


def test_header_must_be_a_comment() -> None:
    with pytest.raises(CodemodError, match="comment line"):
        insert_adapter("X = 1\n", "Z = 3\n", "not a comment")
