"""The `ClassInfo` of one class of a file, for `genmigrate parity --legacy` when discovery did not list it.

Built by discovery's own builder (`genmigrate.discover.classes.describe_classes`), so a class has the
same protocol, methods and needs here as in `scan` and `apply`.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from genmigrate.discover.analyze import build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.model import ClassInfo


class ClassInfoError(Exception):
    """The class cannot be found or its module cannot be parsed; str() is `path:line: message`."""


def class_info(path: Path, class_name: str) -> ClassInfo:
    """The ClassInfo of the top-level class `class_name` in the file at `path`."""
    try:
        data = path.read_bytes()
        module = cst.parse_module(data)
    except OSError as exc:
        raise ClassInfoError(f"{path}:1: cannot read: {exc.strerror or exc}") from None
    except cst.ParserSyntaxError as exc:
        raise ClassInfoError(f"{path}:{exc.raw_line}: cannot parse: {exc.message}") from None
    try:
        graph = build_graph(module.code)
    except SyntaxError as exc:
        raise ClassInfoError(f"{path}:{exc.lineno or 1}: cannot parse: {exc.msg}") from None
    for info in describe_classes(graph):
        if info.name == class_name:
            return info
    raise ClassInfoError(f"{path}:1: no top-level class {class_name}")
