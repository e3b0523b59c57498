"""`[tool.genmigrate]`: every bad input is one `path:line: message` error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from genmigrate.config import Config, ConfigError, load_config

pytestmark = pytest.mark.unit


def _load(tmp_path: Path, body: bytes | str) -> Config:
    (tmp_path / "pyproject.toml").write_bytes(body if isinstance(body, bytes) else body.encode())
    return load_config(tmp_path)


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_values_are_read(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.genmigrate]\noutput = "api/llm"\nshim = "reexport"\n'
        'exclude = ["legacy/**"]\nproviders = { "api.grok_client" = "xai" }\n',
    )
    assert config == Config(output="api/llm", shim="reexport", exclude=("legacy/**",), providers={"api.grok_client": "xai"})


def test_flags_beat_the_file(tmp_path: Path) -> None:
    config = _load(tmp_path, '[tool.genmigrate]\nshim = "reexport"\noutput = "a"\n')
    assert config.merged(shim="alias", output=None) == Config(output="a", shim="alias")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('[project]\nname = "x"\n\n[tool.genmigrate]\nshim = "copy"\n', 4, "shim must be 'alias' or 'reexport'"),
        ("[tool.genmigrate]\nsims = 1\n", 1, "unknown [tool.genmigrate] key(s): sims"),
        ('[tool.genmigrate]\nexclude = "x"\n', 1, "exclude must be a list"),
        ('[tool.genmigrate]\nshim = "alias"\ninclude = ["a", 3]\n', 3, "include must be a list of module names"),
        ("[tool.genmigrate]\nproviders = { a = 1 }\n", 1, "providers must map"),
        ("[tool.genmigrate]\noutput = 3\n", 1, "output must be a path string"),
        ("tool = 3\n", 1, "[tool.genmigrate] must be a table"),
        ("[tool]\ngenmigrate = [1]\n", 1, "[tool.genmigrate] must be a table"),
        ('x = 1\n[tool.genmigrate\n', 2, "invalid TOML"),
        (b"\xff\xfe[tool]\n", 1, "not UTF-8 text"),
    ],
)
def test_bad_config_is_one_line_with_file_and_line(tmp_path: Path, body: str | bytes, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, body)
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'pyproject.toml'}:{line}: "), text
    assert message in text
    assert "\n" not in text
