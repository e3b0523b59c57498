"""Keep a moved module logging under its old logger name.

`logging.getLogger(__name__)` in `api.openai_client` names the logger `api.openai_client`;
once the code moves to `api.components.generator.providers.openai_generator` the same line
would name a different logger, and a logging configuration that names the old one (levels,
handlers, filters) silently stops applying. The call is rewritten to the old dotted name:
`logging.getLogger("api.openai_client")`. Any `getLogger` spelling is covered
(`logging.getLogger`, `from logging import getLogger`, `import logging as log`); calls
whose argument is anything but `__name__` are left alone.
"""

from __future__ import annotations

import argparse
import json

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

from ._source import parse, transform_statements


class KeepLoggerNamesCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Rewrite getLogger(__name__) in a moved module to the module's old name."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--old-module",
            required=True,
            help="dotted name the module had before it moved",
        )

    def __init__(self, context: CodemodContext, old_module: str) -> None:
        super().__init__(context)
        self.old_module = old_module

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not _is_get_logger(updated_node.func) or len(updated_node.args) != 1:
            return updated_node
        arg = updated_node.args[0]
        if arg.keyword is not None and arg.keyword.value != "name":
            return updated_node
        if not (isinstance(arg.value, cst.Name) and arg.value.value == "__name__"):
            return updated_node
        name = cst.SimpleString(json.dumps(self.old_module))
        return updated_node.with_changes(args=[arg.with_changes(value=name)])


def _is_get_logger(func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Name):
        return func.value == "getLogger"
    return isinstance(func, cst.Attribute) and func.attr.value == "getLogger"


def may_name_a_logger(source: str) -> bool:
    """False when `source` certainly has no `getLogger(__name__)` (a no-op then)."""
    return "getLogger" in source and "__name__" in source


def keep_logger_names(source: str, old_module: str) -> str:
    """Return `source` (a module once named `old_module`) logging under the old name."""
    if not may_name_a_logger(source):
        return source
    return keep_logger_names_module(parse(source), old_module).code


def keep_logger_names_module(module: cst.Module, old_module: str) -> cst.Module:
    """Tree-level version of `keep_logger_names`. Only the top-level statements whose code may name a
    logger are transformed: rebuilding the whole tree would cost most of a module's rendering."""
    command = KeepLoggerNamesCommand(CodemodContext(), old_module)
    return transform_statements(module, command, may_name_a_logger)
