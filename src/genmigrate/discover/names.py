"""Package and test-file tests on paths, and resolution of relative imports (dotted names: importroot.py)."""

from __future__ import annotations

from pathlib import PurePosixPath


def is_package(path: str) -> bool:
    return PurePosixPath(path).name == "__init__.py"


def resolve_relative(current: str, package: bool, level: int, name: str) -> str:
    """Absolute dotted name of `from <level dots><name> import ...` written in module `current`."""
    if level == 0:
        return name
    parts = current.split(".") if current else []
    if not package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: max(0, len(parts) - (level - 1))]
    if name:
        parts.append(name)
    return ".".join(parts)


def is_test_file(path: str) -> bool:
    """pytest-style test modules and anything under a `tests`/`test` folder: dependents, never clients."""
    pure = PurePosixPath(path)
    name = pure.name
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or any(part in ("tests", "test") for part in pure.parts[:-1]))
