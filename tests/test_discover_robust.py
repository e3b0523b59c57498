"""Discovery never crashes on valid Python: the standard library and generated modules."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.discover.analyze import build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.discover.hazards import local_hazards

pytestmark = pytest.mark.integration

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Full LibCST analysis costs about a second per thousand lines: a varied sample, not the whole library.
SAMPLE = ["json/decoder.py", "concurrent/futures/_base.py", "http/client.py", "functools.py", "collections/__init__.py"]


def test_scan_of_the_standard_library_finishes_with_sane_counts() -> None:
    result = discover(STDLIB, Config(exclude=("site-packages/*",)))
    assert result.files_listed > 1000
    assert result.parsed <= result.files_listed and result.candidates <= result.files_listed
    assert all(not error.fatal for error in result.errors)
    assert all(c.classes for c in result.clients)


def test_module_analysis_runs_on_standard_library_modules() -> None:
    for rel in SAMPLE:
        data = (STDLIB / rel).read_bytes()
        module = cst.parse_module(data)
        graph = build_graph(data)
        classes = describe_classes(graph)
        hazards = local_hazards(graph, rel.removesuffix(".py").replace("/", "."), False, set(), set())
        assert len(graph.statements) == len(module.body), rel
        for info in classes:
            assert info.needs == sorted(set(info.needs)) and all(0 <= i < len(module.body) for i in info.needs)
            assert info.line <= info.end_line
        assert all(h.line >= 1 for h in hazards)


SNIPPETS = [
    "import openai", "from anthropic import Anthropic", "import boto3", "import os", "import sys",
    "try:\n    import dashscope\nexcept ImportError:\n    dashscope = None",
    "for n in ('x',):\n    sys.modules.setdefault(n, None)",
    "log = print", "KEY = os.environ.get('K')", "print('side effect')",
    "def helper(x):\n    return openai.OpenAI(x)",
    "class A:\n    def chat(self):\n        return helper(1)",
    "class B(A):\n    items = []\n    @classmethod\n    def make(cls):\n        return cls()",
    "class C:\n    def call(self):\n        return Anthropic()\n    def call(self):\n        return boto3.client('s3')",
    "class D:\n    async def stream(self):\n        async def g():\n            yield 1\n        return g()",
    "__all__ = ['A', helper]", "if __name__ == '__main__':\n    A().chat()", "x = 'from mod import A'",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=12))
def test_generated_modules_never_crash(make_repo, snippets: list[str]) -> None:
    source = "\n".join(snippets) + "\n"
    root = make_repo({"pkg/mod_client.py": source, "pkg/use.py": "from pkg.mod_client import *\n"})
    result = discover(root, Config())
    module = cst.parse_module(source)
    assert result.errors == []
    for found in result.clients:
        assert found.path == "pkg/mod_client.py" and found.classes
        assert len(found.statements) == len(module.body)
        assert all(0 <= i < len(module.body) for c in found.classes for i in c.needs)
