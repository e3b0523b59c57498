"""`genmigrate scan`: human output, --json, exit codes, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from genmigrate.cli import main
from genmigrate.model import ScanResult

pytestmark = pytest.mark.unit

CLIENT = "from openai import OpenAI\n\nclass OpenAIClient:\n    def chat(self):\n        return OpenAI().chat.completions.create()\n"
FILES = {"api/openai_client.py": CLIENT, "api/use.py": "from api.openai_client import OpenAIClient\n"}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["scan", *args])


def test_human_output_table_details_and_summary(make_repo) -> None:
    result = invoke(str(make_repo(FILES)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["module", "provider", "classes", "needs", "hazards", "dependents"]
    assert lines[1].split()[:2] == ["api/openai_client.py", "openai"]
    assert any("import api/use.py:1 api.openai_client.OpenAIClient" in line for line in lines)
    assert lines[-1] == "1 client module (1 class), 1 dependent, 0 hazards in 2 files (2 parsed), 0 errors"
    assert "\x1b[" not in result.stdout


def test_summary_states_zero_counts_when_nothing_found(make_repo) -> None:
    result = invoke(str(make_repo({"a.py": "x = 1\n"})))
    assert result.exit_code == 0
    assert result.stdout.strip() == "0 client modules (0 classes), 0 dependents, 0 hazards in 1 file (0 parsed), 0 errors"


def test_json_output_is_the_scan_result_with_relative_posix_paths(make_repo) -> None:
    result = invoke("--json", str(make_repo(FILES)))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    scan = ScanResult.from_dict(data)
    assert scan.to_json() == result.stdout
    assert [c.path for c in scan.clients] == ["api/openai_client.py"]
    assert scan.clients[0].dependents[0].path == "api/use.py"


def test_missing_path_is_a_usage_error(tmp_path) -> None:
    result = invoke(str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope'}:0: no such directory"


def test_unparsable_client_module_exits_2_with_one_line_per_error(make_repo) -> None:
    broken_user = "from api.openai_client import OpenAIClient\n(\n"
    root = make_repo({**FILES, "api/bad_client.py": "import openai\nclass C(:\n", "app/user.py": broken_user})
    result = invoke(str(root))
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith("api/bad_client.py:2: ") and errors[1].startswith("app/user.py:")
    assert "Traceback" not in result.output


def test_unparsable_non_client_keeps_exit_0(make_repo) -> None:
    result = invoke(str(make_repo({**FILES, "app/user.py": "import api.openai_client\n(\n"})))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].endswith("1 error")


def test_bad_config_table_exits_2(make_repo) -> None:
    root = make_repo({**FILES, "pyproject.toml": "[tool.genmigrate]\nshim = 'copy'\n"})
    result = invoke(str(root))
    assert result.exit_code == 2
    assert "pyproject.toml:1: shim must be" in result.stderr


def test_config_exclude_is_honoured(make_repo) -> None:
    root = make_repo({**FILES, "pyproject.toml": "[tool.genmigrate]\nexclude = ['api/openai_client.py']\n"})
    result = invoke(str(root))
    assert result.stdout.startswith("0 client modules")


def test_python_dash_m_entry_point(make_repo) -> None:
    root = make_repo(FILES)
    proc = subprocess.run([sys.executable, "-m", "genmigrate", "scan", "--json", str(root)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["clients"][0]["module"] == "api.openai_client"
