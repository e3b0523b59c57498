"""The module-level statements a class needs: names used transitively, import preludes, side effects."""

from __future__ import annotations

import libcst as cst
import pytest

from genmigrate.discover.analyze import needed_statements
from tests.conftest import client

pytestmark = pytest.mark.unit

SOURCE = '''"""Module docstring."""
import os
import sys
from adalflow.utils.lazy_import import safe_import
sys.path.insert(0, os.path.dirname(__file__))
openai = safe_import("openai", "openai")
from openai import OpenAI
import logging
import json
log = logging.getLogger(__name__)
logging.basicConfig(level="INFO")
TIMEOUT = int(os.getenv("TIMEOUT", "30"))
UNUSED = json.dumps({})

def _timeout():
    return TIMEOUT

def unrelated():
    return UNUSED

class Client:
    def chat(self):
        log.info("chat")
        return OpenAI(timeout=_timeout()).chat.completions.create()

class Other:
    def chat(self):
        return unrelated()

if __name__ == "__main__":
    Client().chat()
'''


def body_index(module: cst.Module, text: str) -> int:
    return next(i for i, node in enumerate(module.body) if module.code_for_node(node).strip().startswith(text))


def test_needed_statements_follow_names_preludes_and_side_effects() -> None:
    module = cst.parse_module(SOURCE)
    needed = needed_statements(module, ["Client"])
    texts = [module.code_for_node(module.body[i]).strip().splitlines()[0] for i in needed]
    assert texts == [
        "import os", "import sys", "from adalflow.utils.lazy_import import safe_import",
        "sys.path.insert(0, os.path.dirname(__file__))", 'openai = safe_import("openai", "openai")',
        "from openai import OpenAI", "import logging", "log = logging.getLogger(__name__)",
        'logging.basicConfig(level="INFO")', 'TIMEOUT = int(os.getenv("TIMEOUT", "30"))',
        "def _timeout():", "class Client:",
    ]
    assert body_index(module, "if __name__") not in needed
    assert body_index(module, "UNUSED") not in needed


def test_several_classes_union_and_sorted() -> None:
    module = cst.parse_module(SOURCE)
    both = needed_statements(module, ["Client", "Other"])
    assert both == sorted(both)
    assert set(needed_statements(module, ["Client"])) < set(both)
    assert body_index(module, "UNUSED") in both and body_index(module, "def unrelated") in both


def test_try_except_import_block_is_needed_with_its_fallback() -> None:
    source = (
        "try:\n    import anthropic\nexcept ImportError:\n    anthropic = None\n"
        "import json\n\nclass C:\n    def chat(self):\n        return anthropic.Anthropic()\n"
    )
    module = cst.parse_module(source)
    assert needed_statements(module, ["C"]) == [0, 2]


def test_class_info_needs_equal_needed_statements(scan) -> None:
    result = scan({"api/client.py": SOURCE})
    module = cst.parse_module(SOURCE)
    for info in client(result, "api/client.py").classes:
        assert info.needs == needed_statements(module, [info.name])


def test_statement_kinds_and_defines(scan) -> None:
    statements = client(scan({"api/client.py": SOURCE}), "api/client.py").statements
    kinds = {s.line: (s.kind, s.defines) for s in statements}
    assert kinds[1] == ("docstring", [])
    assert kinds[2] == ("import", ["os"])
    assert kinds[5] == ("import-prelude", [])
    assert kinds[6] == ("import-prelude", ["openai"])
    assert kinds[10] == ("assign", ["log"])
    assert kinds[11] == ("side-effect", [])
    assert kinds[21] == ("class", ["Client"])
    assert kinds[30] == ("main-guard", [])
    assert [s.index for s in statements] == list(range(len(statements)))
