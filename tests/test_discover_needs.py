"""The module-level statements a class needs: names used transitively, import preludes, side effects."""

from __future__ import annotations

import libcst as cst
import pytest

from genmigrate.discover.analyze import build_graph, needed_statements
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


# (source, per top-level statement the statements it uses by name)
SCOPES = [
    # A class body's `x = x` reads the module's x; a module-level use of a name bound later reads nothing.
    ("x = 1\nclass C:\n    x = x\n", [set(), {0}]),
    ("y = Later\nclass Later:\n    pass\n", [set(), set()]),
    # A function body runs later: it reads a binding below it, and a local bound after the use is the
    # module's name at that use.
    ("def f():\n    return Later\nclass Later:\n    pass\n", [{1}, set()]),
    ("import a\nclass C:\n    def f(self):\n        print(a)\n        a = 2\n", [set(), {0}]),
    # `os.path.join` reads `import os.path` only; `os.getcwd` reads every binding of `os`.
    ("import os.path\nimport os\nos.path.join('a')\nos.getcwd()\n", [set(), set(), {0}, {0, 1}]),
    # Names in string annotations and in strings under typing subscripts are uses.
    ("from m import A\ndef f(x: 'A') -> None:\n    pass\n", [set(), {0}]),
    ("from typing import Optional\nfrom m import B\nHint = Optional['B']\n", [set(), set(), {0, 1}]),
    # `global` makes a function's binding a module-level one; `;`-joined statements are one statement.
    ("def setup():\n    global CLIENT\n    CLIENT = 1\nclass C:\n    def f(self):\n        return CLIENT\n",
     [set(), {0}]),
    ("x = 1; y = x\nclass C:\n    z = y\n", [set(), {0}]),
    # A decorator is used by the definition it decorates, not by the statement above it.
    ("import functools\nX = 1\n@functools.cache\ndef f():\n    pass\n", [set(), set(), {0}]),
]


@pytest.mark.parametrize(("source", "uses"), SCOPES)
def test_statement_graph_follows_scope_rules(source: str, uses: list[set[int]]) -> None:
    graph = build_graph(source)
    assert graph.uses == uses
    assert len(graph.statements) == len(cst.parse_module(source).body)


def test_global_binding_in_a_function_is_defined_by_that_function() -> None:
    graph = build_graph(SCOPES[7][0])
    assert [s.defines for s in graph.statements] == [["setup", "CLIENT"], ["C"]]
