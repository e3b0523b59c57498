"""Unparsable files: one SourceError each, the scan goes on; fatal only for would-be client modules."""

from __future__ import annotations

import pytest

from genmigrate.config import Config
from genmigrate.discover import discover
from tests.conftest import client

pytestmark = pytest.mark.unit

GOOD = "from openai import OpenAI\nclass C:\n    def chat(self):\n        return OpenAI().chat.completions.create()\n"


def test_syntax_error_in_sdk_importing_candidate_is_fatal_and_scan_goes_on(scan) -> None:
    result = scan({"bad_client.py": "import openai\nclass C(:\n    pass\n", "good_client.py": GOOD})
    assert [c.path for c in result.clients] == ["good_client.py"]
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.path, error.line, error.fatal) == ("bad_client.py", 2, True)
    assert str(error).startswith("bad_client.py:2: ")


def test_file_that_only_names_a_provider_is_not_parsed(scan) -> None:
    result = scan({"notes.py": "# openai notes\nx = (\n"})
    assert (result.candidates, result.parsed, result.errors) == (1, 0, [])


def test_syntax_error_in_http_wrapper_candidate_is_not_fatal(scan) -> None:
    result = scan({"router.py": "import requests\nURL = 'https://openrouter.ai/api'\nclass C(:\n"})
    assert [(e.path, e.line, e.fatal) for e in result.errors] == [("router.py", 3, False)]


def test_undecodable_bytes_are_one_error(scan) -> None:
    result = scan({"latin.py": b"import openai\nNAME = '\xe9'\n"})
    assert len(result.errors) == 1 and result.errors[0].path == "latin.py"
    assert result.errors[0].fatal


def test_unparsable_dependent_is_reported_not_fatal(scan) -> None:
    result = scan({"api/openai_client.py": GOOD, "app/use.py": "from api.openai_client import C\ndef f(:\n"})
    assert client(result, "api/openai_client.py").dependents == []
    assert [(e.path, e.line, e.fatal) for e in result.errors] == [("app/use.py", 2, False)]


def test_overlay_is_seen_instead_of_disk(make_repo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    result = discover(root, Config(), overlay={"a.py": GOOD.encode(), "b/new_client.py": GOOD.encode()})
    assert [c.path for c in result.clients] == ["a.py", "b/new_client.py"]
    assert (root / "a.py").read_text() == "x = 1\n"
