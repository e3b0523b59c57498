"""keep_logger_names: a moved module keeps logging under the logger name it had before."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from genmigrate.codemods.keep_logger_names import keep_logger_names
from servers.migrated import provider_module

pytestmark = pytest.mark.integration

OLD = "api.openai_client"
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "import logging\nlogger = logging.getLogger(__name__)\n",
            'import logging\nlogger = logging.getLogger("api.openai_client")\n',
        ),
        (
            "from logging import getLogger\nlog = getLogger(name=__name__)  # module log\n",
            'from logging import getLogger\nlog = getLogger(name="api.openai_client")  # module log\n',
        ),
        (
            "import logging as lg\n\ndef f():\n    return lg.getLogger(__name__).info('x')\n",
            "import logging as lg\n\ndef f():\n    return lg.getLogger(\"api.openai_client\").info('x')\n",
        ),
    ],
    ids=["module-attribute", "imported-name-keyword", "aliased-in-function"],
)
def test_get_logger_of_dunder_name_gets_the_old_module_name(before: str, after: str) -> None:
    assert keep_logger_names(before, OLD) == after


@pytest.mark.parametrize(
    "source",
    [
        'import logging\nlogger = logging.getLogger("app.custom")\n',
        "import logging\nlogger = logging.getLogger(__name__ + '.sub')\n",
        "import logging\nlogger = logging.getLogger()\n",
        "import logging\nif __name__ == '__main__':\n    logging.basicConfig()\n",
        "def getLoggerish(x):\n    return x\ny = getLoggerish(__name__)\n",
    ],
)
def test_other_calls_and_names_are_left_byte_identical(source: str) -> None:
    assert keep_logger_names(source, OLD) == source


def test_runs_on_its_own_through_the_libcst_runner(tmp_path: Path) -> None:
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    target = tmp_path / "moved.py"
    target.write_bytes(b"import logging\r\nlog = logging.getLogger(__name__)\r\n")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "libcst.tool", "codemod", "keep_logger_names.KeepLoggerNamesCommand"),
            *("--no-format", "-j", "1", "moved.py", "--old-module", OLD),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == b'import logging\r\nlog = logging.getLogger("api.openai_client")\r\n'


def test_the_migrated_app_logs_under_the_legacy_module_names(migrated_app: Any) -> None:
    openai = provider_module("openai")
    assert openai.__name__ == "api.components.generator.providers.openai_generator"
    assert openai.log is logging.getLogger("api.openai_client")
    assert provider_module("bedrock").logger is logging.getLogger("api.bedrock_client")
