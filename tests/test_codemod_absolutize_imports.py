"""Relative imports of a moved module become absolute, in place, byte-faithful elsewhere."""

from __future__ import annotations

import pytest

from genmigrate.codemods._source import CodemodError
from genmigrate.codemods.absolutize_imports import absolute_module, absolutize_imports

pytestmark = pytest.mark.unit


def test_every_relative_form() -> None:
    source = (
        "from . import config\n"
        "from .config import x  # keep me\n"
        "import os\n"
        "def f():\n"
        "    from ..other import y  # cycle breaker stays in the function\n"
        "    return y\n"
    )
    assert absolutize_imports(source, "api.sub.openai_client") == (
        "from api.sub import config\n"
        "from api.sub.config import x  # keep me\n"
        "import os\n"
        "def f():\n"
        "    from api.other import y  # cycle breaker stays in the function\n"
        "    return y\n"
    )


def test_crlf_and_absolute_imports_untouched() -> None:
    source = "import api.config\r\nfrom .config import x\r\n"
    assert absolutize_imports(source, "api.m") == "import api.config\r\nfrom api.config import x\r\n"


def test_no_relative_import_returns_source_unchanged() -> None:
    source = "from api import config\n"
    assert absolutize_imports(source, "api.m") is source


def test_package_init_resolves_against_itself() -> None:
    assert absolute_module("api.sub", 1, "config", is_package=True) == "api.sub.config"
    assert absolute_module("api.sub", 2, None, is_package=True) == "api"


def test_beyond_top_level_is_a_codemod_error() -> None:
    with pytest.raises(CodemodError, match="beyond the top-level package"):
        absolutize_imports("from ..x import y\n", "api.m")
