"""The command line starts without loading what only a migration or a parity run needs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from genmigrate.discover.providers import SDK_MODULES

pytestmark = pytest.mark.unit

HEAVY = ("syrupy", "pytest", "_pytest", "libcst", "jinja2", "genmigrate.engine", "genmigrate.parity.tests_render")


def _loaded_after(code: str) -> set[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(proc.stdout.splitlines()[-1]))


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importing_the_cli_loads_no_engine_template_or_test_library() -> None:
    loaded = _loaded_after("import genmigrate.cli")
    assert "click" in loaded  # the probe sees what the import pulled in
    assert sorted(name for name in HEAVY if name in loaded) == []
    sdks = {sdk.split(".")[0] for sdk in SDK_MODULES}
    assert sorted(sdks & _roots(loaded)) == []


def test_the_lazy_parity_names_still_resolve() -> None:
    loaded = _loaded_after("from genmigrate.parity import ParityTarget, verify_parity, Difference")
    assert {"genmigrate.parity.tests_render", "genmigrate.parity.compare"} <= loaded
    with pytest.raises(AttributeError, match="no_such_name"):
        import genmigrate.parity

        genmigrate.parity.no_such_name  # noqa: B018


def test_every_exported_parity_name_has_a_home() -> None:
    import genmigrate.parity

    assert all(getattr(genmigrate.parity, name) is not None for name in genmigrate.parity.__all__)
