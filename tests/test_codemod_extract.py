"""extract_statements: keep chosen module-level statements verbatim."""

from __future__ import annotations

import pytest

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.extract_statements import extract_statements

pytestmark = pytest.mark.unit

LEGACY = '''#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""OpenAI client."""

import logging
import os
import sys

from api.utils import safe_import

# the SDK must come after safe_import registers the shim
openai = safe_import("openai")
for name in ("a", "b"):
    sys.modules.setdefault(name, None)
try:
    import backoff
except ImportError:  # optional
    backoff = None

log = logging.getLogger(__name__)
os.makedirs("logs", exist_ok=True)


def helper(x):
    return x + 1


class OpenAIClient:
    """Client."""

    __doc__ = r"""Raw \\d doc"""
    cache = {}

    @backoff.on_exception(backoff.expo, Exception)
    def call(self):
        from api.config import settings  # breaks an import cycle
        return settings

    def call(self):  # the later definition wins
        return helper(1)


class Unrelated:
    pass


if __name__ == "__main__":
    print(OpenAIClient().call())
'''


def test_keeps_prelude_order_and_drops_the_rest() -> None:
    out = extract_statements(LEGACY, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    assert "class Unrelated" not in out
    assert 'if __name__ == "__main__"' not in out
    assert out.startswith(LEGACY[: LEGACY.index("\n\n\nclass Unrelated")])
    assert out.endswith("return helper(1)\n")


def test_all_statements_round_trip_byte_identical() -> None:
    import libcst as cst

    count = len(cst.parse_module(LEGACY).body)
    assert extract_statements(LEGACY, range(count)) == LEGACY


def test_in_function_import_and_duplicate_method_untouched() -> None:
    out = extract_statements(LEGACY, [11])
    cls = LEGACY[LEGACY.index("class OpenAIClient") : LEGACY.index("\n\n\nclass Unrelated")]
    assert cls in out
    assert out.count("def call(self)") == 2
    assert "        from api.config import settings  # breaks an import cycle" in out


def test_dropping_docstring_keeps_shebang_and_cookie() -> None:
    out = extract_statements(LEGACY, [10, 11])
    assert out.startswith("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n")
    assert '"""OpenAI client."""' not in out
    assert "\n\ndef helper(x):" in out


def test_keep_order_is_source_order_and_duplicates_ignored() -> None:
    out = extract_statements(LEGACY, [11, 10, 10])
    assert out.index("def helper") < out.index("class OpenAIClient")
    assert out.count("def helper") == 1


def test_comment_attached_to_dropped_first_statement_goes_with_it() -> None:
    source = "# licence header\n\n# about x\nx = 1\ny = 2\n"
    assert extract_statements(source, [1]) == "# licence header\n\ny = 2\n"
    assert extract_statements(source, [0]) == "# licence header\n\n# about x\nx = 1\n"


def test_crlf_and_latin1_bytes_preserved() -> None:
    source = "# -*- coding: latin-1 -*-\r\nA = 'caf\xe9'\r\nB = 2\r\n\r\nC = 3\r\n".encode("latin-1")
    out = extract_statements(source, [0, 2])
    assert isinstance(out, bytes)
    assert out == "# -*- coding: latin-1 -*-\r\nA = 'caf\xe9'\r\n\r\nC = 3\r\n".encode("latin-1")


def test_out_of_range_index_is_a_clear_error() -> None:
    with pytest.raises(CodemodError, match="index 7 out of range"):
        extract_statements("x = 1\n", [7])


def test_unparsable_source_reports_line() -> None:
    with pytest.raises(CodemodError) as info:
        extract_statements("x = 1\ndef (:\n", [0])
    assert info.value.line == 2
