"""alias_shim: the old dotted name becomes the new module object."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from genmigrate.codemods.alias_shim import alias_shim

pytestmark = pytest.mark.unit

NEW = "app.components.generator.providers.openai_generator"
LEGACY = textwrap.dedent('''\
    """Legacy client."""
    import os


    def get_key():
        return os.environ.get("KEY", "default")


    class OpenAIClient:
        def __init__(self, model="gpt"):
            self.model = model

        def key(self):
            return get_key()


    if __name__ == "__main__":
        print("demo", OpenAIClient().model)
    ''')


def _tree(tmp_path: Path) -> Path:
    package = tmp_path / "app"
    providers = package / "components" / "generator" / "providers"
    providers.mkdir(parents=True)
    for folder in (package, package / "components", package / "components" / "generator", providers):
        (folder / "__init__.py").write_text("")
    (providers / "openai_generator.py").write_text(LEGACY)
    (package / "openai_client.py").write_text(alias_shim(LEGACY, NEW, "app/openai_client.py"))
    return tmp_path


def _run(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_shim_text_keeps_cookie_and_newlines() -> None:
    source = "#!/usr/bin/env python\r\n# -*- coding: latin-1 -*-\r\nX = 'caf\xe9'\r\n".encode("latin-1")
    out = alias_shim(source, NEW, "app/openai_client.py")
    assert isinstance(out, bytes)
    text = out.decode("latin-1")
    assert text.startswith("#!/usr/bin/env python\r\n# -*- coding: latin-1 -*-\r\n# genmigrate: shim")
    assert "\n" not in text.replace("\r\n", "")
    assert NEW in text and "X = " not in text
    assert alias_shim(out, NEW, "app/openai_client.py") == out


def test_import_identity_patch_and_pickle(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = _run(
        tmp_path,
        f"""
        import pickle
        from unittest import mock
        import app.openai_client
        import {NEW} as new
        from app import openai_client
        from app.openai_client import OpenAIClient
        assert app.openai_client is new is openai_client
        assert OpenAIClient is new.OpenAIClient
        assert OpenAIClient.__module__ == "{NEW}"
        with mock.patch("app.openai_client.get_key", return_value="patched"):
            assert new.OpenAIClient().key() == "patched"
        assert new.OpenAIClient().key() == "default"
        for obj in (OpenAIClient("a"), new.OpenAIClient("b")):
            back = pickle.loads(pickle.dumps(obj))
            assert type(back) is new.OpenAIClient and back.model == obj.model
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_pickle_written_before_the_move_still_loads(tmp_path: Path) -> None:
    legacy_root = tmp_path / "before"
    (legacy_root / "app").mkdir(parents=True)
    (legacy_root / "app" / "__init__.py").write_text("")
    (legacy_root / "app" / "openai_client.py").write_text(LEGACY)
    dumped = _run(
        legacy_root,
        "import pickle, sys; from app.openai_client import OpenAIClient;"
        " sys.stdout.write(pickle.dumps(OpenAIClient('old')).hex())",
    )
    assert dumped.returncode == 0, dumped.stderr
    _tree(tmp_path / "after")
    loaded = _run(
        tmp_path / "after",
        f"import pickle; obj = pickle.loads(bytes.fromhex('{dumped.stdout}')); print(type(obj).__module__, obj.model)",
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [NEW, "old"]


def test_running_old_module_runs_the_demo_block(tmp_path: Path) -> None:
    _tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "app.openai_client"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "demo gpt"
