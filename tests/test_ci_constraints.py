"""`.ci/constraints.txt` pins every dependency the README's test command installs, inside the ranges
pyproject declares, so CI's outcome cannot change with an upstream release."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, Version]:
    pins = {}
    for number, line in enumerate((ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep, f".ci/constraints.txt:{number}: {line!r} is not NAME==VERSION"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["test"]
    return [r for r in map(Requirement, lines) if r.marker is None or r.marker.evaluate()]


def test_every_declared_dependency_is_pinned_inside_its_range() -> None:
    pins = _pins()
    assert "genmigrate" not in pins  # the project itself is installed from the checkout
    missing = [str(r) for r in _declared() if canonicalize_name(r.name) not in pins]
    assert not missing, f"add to .ci/constraints.txt (see its header): {missing}"
    outside = {
        str(r): str(pins[canonicalize_name(r.name)])
        for r in _declared()
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    }
    assert not outside, f".ci/constraints.txt pins these outside pyproject's ranges: {outside}"
