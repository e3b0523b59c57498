"""Find every dependent of the client modules across the listed files (prefiltered, then parsed)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from genmigrate import runcache
from genmigrate.discover.configrefs import config_form, config_refs
from genmigrate.discover.names import is_package
from genmigrate.discover.prefilter import words_pattern
from genmigrate.discover.pyrefs import Target, python_refs
from genmigrate.model import Dependent, SourceError

PYTHON_SUFFIXES = frozenset({".py", ".pyi"})


def is_text_candidate(path: str) -> bool:
    return PurePosixPath(path).suffix in PYTHON_SUFFIXES or config_form(path) is not None


def find_dependents(
    texts: Mapping[str, bytes],
    targets: Sequence[Target],
    module_of: Callable[[str], str],
    trees: dict[str, ast.Module],
    errors: dict[str, SourceError],
) -> dict[str, list[Dependent]]:
    """Client module -> its dependents. `trees` caches parses; unparsable files land in `errors`."""
    result: dict[str, list[Dependent]] = {t.module: [] for t in targets}
    words = [w for t in targets for w in (t.module, t.module.rsplit(".", 1)[-1], *t.classes)]
    pattern = words_pattern(words)
    if pattern is None:
        return result
    for path, data in texts.items():
        if not pattern.search(data):
            continue
        for owner, dependent in _refs(path, data, targets, module_of, trees, errors):
            result[owner].append(dependent)
    return result


def _refs(
    path: str,
    data: bytes,
    targets: Sequence[Target],
    module_of: Callable[[str], str],
    trees: dict[str, ast.Module],
    errors: dict[str, SourceError],
) -> Iterable[tuple[str, Dependent]]:
    if PurePosixPath(path).suffix not in PYTHON_SUFFIXES:
        return config_refs(path, data.decode("utf-8", "replace"), targets)
    tree = trees.get(path) or parse_python(path, data, errors)
    if tree is None:
        return ()
    trees[path] = tree
    text = data.decode("utf-8", "replace")
    return python_refs(path, module_of(path), is_package(path), tree, text, targets)


def parse_python(path: str, data: bytes, errors: dict[str, SourceError], fatal: bool = False) -> ast.Module | None:
    """`ast` parse, recording one SourceError per unparsable file."""
    try:
        return runcache.parse_ast(path, data)
    except SyntaxError as exc:
        message, line = f"syntax error: {exc.msg}", exc.lineno or 1
    except (ValueError, UnicodeDecodeError) as exc:
        message, line = f"cannot decode: {exc}", 1
    if path not in errors or fatal:
        errors[path] = SourceError(path, line, message, fatal=fatal)
    return None
