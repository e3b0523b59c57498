"""The command line starts light: importing it loads no test framework, LibCST, Jinja2 or SDK."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from genmigrate.discover.providers import SDK_MODULES

pytestmark = pytest.mark.unit

HEAVY = ("pytest", "_pytest", "syrupy", "libcst", "jinja2", "openai", "anthropic", "boto3", "botocore", "httpx")


def test_importing_the_cli_loads_no_heavy_module() -> None:
    code = "import json, sys, genmigrate.cli; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stdout))
    assert "genmigrate" in loaded and "click" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_parity_names_still_load_on_first_use() -> None:
    from genmigrate import parity

    assert parity.ParityTarget.__name__ == "ParityTarget"
    with pytest.raises(AttributeError):
        parity.no_such_name  # noqa: B018


def test_the_cli_loads_neither_the_engine_nor_any_catalogued_sdk() -> None:
    code = "import json, sys, genmigrate.cli; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stdout))
    deferred = {"genmigrate.engine", "genmigrate.config", "genmigrate.write", "genmigrate.parity.tests_render"}
    assert "genmigrate.cli_migrate" in loaded
    assert sorted(loaded & deferred) == []
    assert sorted(loaded & SDK_MODULES) == []
