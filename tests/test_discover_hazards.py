"""Each hazard code on a minimal repository."""

from __future__ import annotations

import pytest

from tests.conftest import client

pytestmark = pytest.mark.unit

HEAD = "from openai import OpenAI\n"
USE = "    def chat(self):\n        return OpenAI().chat.completions.create()\n"
CLIENT = "api/openai_client.py"

CASES = [
    ("import-prelude", {CLIENT: "x = safe_import('openai')\n" + HEAD + "class C:\n" + USE}),
    ("import-prelude", {CLIENT: "import sys\nfor n in ('a',):\n    sys.modules[n] = None\n" + HEAD + "class C:\n" + USE}),
    ("import-prelude", {CLIENT: "try:\n    import openai\nexcept ImportError:\n    openai = None\n" + HEAD + "class C:\n" + USE}),
    ("import-prelude", {CLIENT: HEAD + "if OpenAI is None:\n    class OpenAI:\n        pass\nclass C:\n" + USE}),
    ("import-prelude", {CLIENT: HEAD + "CLIENT = OpenAI()\nclass C:\n" + USE}),
    ("in-function-import", {CLIENT: HEAD + "class C:\n" + USE + "    def cfg(self):\n        from api import config\n        return config\n",
                            "api/config.py": "from api.openai_client import C\n"}),
    ("side-effect", {CLIENT: HEAD + "import logging\nlogging.basicConfig()\nclass C:\n" + USE}),
    ("side-effect", {CLIENT: HEAD + "import os\nKEY = os.environ['KEY']\nclass C:\n" + USE}),
    ("side-effect", {CLIENT: HEAD + "import os\nos.makedirs('logs', exist_ok=True)\nclass C:\n" + USE}),
    ("decorator", {CLIENT: HEAD + "import backoff\nclass C:\n    @backoff.on_exception(backoff.expo, Exception)\n" + USE}),
    ("decorator", {CLIENT: HEAD + "from functools import lru_cache\nclass C:\n    @lru_cache\n" + USE}),
    ("classmethod", {CLIENT: HEAD + "class C:\n    @classmethod\n    def make(cls):\n        return cls()\n" + USE}),
    ("doc-attribute", {CLIENT: HEAD + "class C:\n    __doc__ = r'''Doc.'''\n" + USE}),
    ("mutable-class-attribute", {CLIENT: HEAD + "class C:\n    models = ['a']\n" + USE}),
    ("nested-async-generator", {CLIENT: HEAD + "class C:\n    async def chat(self):\n        async def gen():\n            yield OpenAI().chat.completions.create()\n        return gen()\n"}),
    ("same-name-helper", {CLIENT: HEAD + "def helper():\n    return 1\nclass C:\n" + USE,
                          "api/other_client.py": HEAD + "def helper():\n    return 2\nclass D:\n" + USE}),
    ("multiple-classes", {CLIENT: HEAD + "class C:\n" + USE + "class D:\n" + USE}),
    ("subclass-elsewhere", {CLIENT: HEAD + "class C:\n" + USE, "api/xai.py": "from api.openai_client import C\nclass X(C):\n    pass\n"}),
    ("incomplete-all", {CLIENT: HEAD + "__all__ = ['C']\ndef public():\n    pass\nclass C:\n" + USE}),
    ("all-runtime-object", {CLIENT: HEAD + "class C:\n" + USE + "__all__ = [C]\n"}),
    ("all-runtime-object", {CLIENT: HEAD + "client = OpenAI()\n__all__ = ['C', 'client']\nclass C:\n" + USE}),
    ("pickle-hooks", {CLIENT: HEAD + "class C:\n" + USE + "    def __getstate__(self):\n        return {}\n"}),
    ("duplicate-method", {CLIENT: HEAD + "class C:\n" + USE + USE}),
    ("docstring-old-import", {CLIENT: '"""Use:\n\n    from api.openai_client import C\n"""\n' + HEAD + "class C:\n" + USE}),
    ("main-block", {CLIENT: HEAD + "class C:\n" + USE + "if __name__ == '__main__':\n    C().chat()\n"}),
    ("name-compare", {CLIENT: HEAD + "class C:\n" + USE, "api/factory.py": "def f(c):\n    return type(c).__name__ == 'C'\n"}),
    ("config-class-string", {CLIENT: HEAD + "class C:\n" + USE, "settings/gen.json": '{"client_class": "C"}\n'}),
]


@pytest.mark.parametrize(("code", "files"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_hazard_is_reported(scan, code: str, files: dict[str, str]) -> None:
    hazards = client(scan(files), CLIENT).hazards
    assert code in {h.code for h in hazards}, [h.code for h in hazards]
    assert all(h.line >= 1 and h.message for h in hazards)


def test_plain_client_has_no_hazards(scan) -> None:
    assert client(scan({CLIENT: HEAD + "class C:\n" + USE}), CLIENT).hazards == []


def test_in_function_import_names_the_cycle(scan) -> None:
    files = dict(CASES[5][1])
    messages = [h.message for h in client(scan(files), CLIENT).hazards if h.code == "in-function-import"]
    assert messages and "cycle: api.config" in messages[0]


def test_same_helper_with_identical_bodies_is_not_a_hazard(scan) -> None:
    body = HEAD + "def helper():\n    return 1\nclass C:\n" + USE
    result = scan({CLIENT: body, "api/other_client.py": body})
    assert "same-name-helper" not in {h.code for h in client(result, CLIENT).hazards}


def test_hazards_are_sorted_by_line(scan) -> None:
    hazards = client(scan(CASES[22][1] | {CLIENT: CASES[22][1][CLIENT] + "if __name__ == '__main__':\n    pass\n"}), CLIENT).hazards
    assert [h.line for h in hazards] == sorted(h.line for h in hazards)
