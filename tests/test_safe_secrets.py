"""Traces mask every credential-shaped value, not only the planted fake secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate.parity.canned import Request
from genmigrate.parity.secrets import is_secret_name, mask_text, token
from genmigrate.parity.trace import Normaliser, request_trace, scrub
from tests import safe_repo
from tests.servers.offline import seed_tiktoken_cache

pytestmark = pytest.mark.integration

KEY = "sk-live-9f8e7d6c5b4a3210fedcba98"
AWS_ID = "AKIAQWERTYUIOPASDFGH"


def test_key_shaped_literals_are_masked_with_a_stable_hash() -> None:
    text = f"key {KEY} id {AWS_ID} auth Bearer abcdefgh12345678"
    masked = mask_text(text)
    assert KEY not in masked and AWS_ID not in masked and "abcdefgh12345678" not in masked
    assert masked == mask_text(text)  # stable
    assert token(KEY) in masked and token(KEY) != token(KEY + "x")
    assert mask_text("<secret:OPENAI_API_KEY> and gpt-4o-mini") == "<secret:OPENAI_API_KEY> and gpt-4o-mini"


def test_credential_names() -> None:
    for name in ("api_key", "apiKey", "token", "access_token", "aws_secret_access_key", "password", "credentials",
                 "x-api-key", "auth"):
        assert is_secret_name(name), name
    for name in ("max_tokens", "tokenizer", "model", "keyword", "monkey", "author"):
        assert not is_secret_name(name), name


def test_headers_fields_and_object_state_are_masked() -> None:
    request = Request("POST", "https://api.example.com/v1/chat?api_key=plainvalue",
                      [("authorization", "Bearer shorttok"), ("x-api-key", "abc"), ("api-key", "<secret:AZURE>"),
                       ("content-type", "application/json")],
                      b'{"password": "hunter22", "max_tokens": 5, "model": "m"}')
    trace = request_trace(request)
    assert trace["headers"]["authorization"] == f"Bearer {token('shorttok')}"
    assert trace["headers"]["x-api-key"] == token("abc")
    assert trace["headers"]["api-key"] == "<secret:AZURE>"
    assert trace["query"] == [["api_key", token("plainvalue")]]
    assert trace["body"] == {"password": token("hunter22"), "max_tokens": 5, "model": "m"}
    assert scrub({"token": "t0k3n", "text": f"uses {KEY}"}) == {"token": token("t0k3n"), "text": f"uses {token(KEY)}"}

    class Client:
        def __init__(self) -> None:
            self.api_key = "hardcoded"
            self.model = "gpt"

    state = Normaliser(("m",), lambda s: []).value(Client())
    assert state["api_key"] == token("hardcoded") and state["model"] == "gpt"


def test_a_key_hard_coded_in_a_client_reaches_no_written_snapshot(tmp_path: Path) -> None:
    seed_tiktoken_cache()
    content = safe_repo.files()
    source = content["app/openai_client.py"]
    source = source.replace('api_key: str | None = None) -> None:', f'api_key: str | None = "{KEY}") -> None:')
    source = source.replace("        self.model = model\n", f'        self.model = model\n        self.api_key = api_key\n        self.aws = "{AWS_ID}"\n')
    assert KEY in source and AWS_ID in source
    content["app/openai_client.py"] = source
    root = safe_repo.make(tmp_path / "repo", content)
    apply = safe_repo.run("apply", ".", cwd=root)
    assert apply.returncode == 0, apply.stderr
    snapshots = sorted((root / "tests" / "parity").rglob("*.ambr"))
    assert snapshots
    text = "".join(p.read_text() for p in snapshots)
    assert token(KEY) in text  # the key was in the traces, masked
    written = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
    holding = sorted(p.relative_to(root).as_posix() for p in written if KEY.encode() in p.read_bytes())
    # Only the moved source itself keeps the literal (moved verbatim); no trace, test or snapshot does.
    assert holding == ["app/components/generator/providers/openai_generator.py"]
    assert KEY not in apply.stdout + apply.stderr
