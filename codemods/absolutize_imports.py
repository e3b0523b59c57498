"""Turn relative imports into absolute ones, so a module keeps working after it moves package.

`from .config import settings` in `api.openai_client` becomes `from api.config import settings`.
Only the module name of the import statement changes; everything else stays byte-identical, and
imports inside functions stay where they are.
"""

from __future__ import annotations

import argparse
import re

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import parse_template_expression

from genmigrate.codemods._source import CodemodError, parse

_RELATIVE = re.compile(r"\bfrom\s+\.")


def absolute_module(module_name: str, level: int, name: str | None, is_package: bool = False) -> str:
    """The absolute dotted module of `from <level dots><name> import ...` written in `module_name`."""
    parts = module_name.split(".")
    package = parts if is_package else parts[:-1]
    up = level - 1
    if up >= len(package):
        raise CodemodError(0, f"relative import beyond the top-level package in {module_name}")
    base = package[: len(package) - up]
    return ".".join([*base, *([name] if name else [])])


class AbsolutizeImportsCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Rewrite relative imports as absolute imports of the module's current package."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--module", required=True, help="dotted name of the module being rewritten")
        arg_parser.add_argument("--package", action="store_true", help="the module is a package __init__")

    def __init__(self, context: CodemodContext, module: str, package: bool = False) -> None:
        super().__init__(context)
        self.module_name = module
        self.is_package = package

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        level = len(updated_node.relative)
        if level == 0:
            return updated_node
        name = cst.helpers.get_full_name_for_node(updated_node.module) if updated_node.module else None
        target = absolute_module(self.module_name, level, name, self.is_package)
        module = parse_template_expression(target)
        assert isinstance(module, (cst.Name, cst.Attribute))
        return updated_node.with_changes(relative=(), module=module)


def absolutize_imports(source: str, module_name: str, is_package: bool = False) -> str:
    """Return `source` (the text of module `module_name`) with every relative import made absolute."""
    if not may_have_relative_imports(source):
        return source
    return absolutize_module(parse(source), module_name, is_package).code


def may_have_relative_imports(source: str) -> bool:
    """False when `source` certainly holds no relative import (the transformation is then a no-op)."""
    return _RELATIVE.search(source) is not None


def absolutize_module(module: cst.Module, module_name: str, is_package: bool = False) -> cst.Module:
    """Tree-level version of `absolutize_imports`."""
    return AbsolutizeImportsCommand(CodemodContext(), module_name, is_package).transform_module_impl(module)
