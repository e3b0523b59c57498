"""Turn a legacy module into a shim that makes its dotted name an alias of the new module.

After `import old.mod`, `sys.modules["old.mod"]` *is* the new module object, so
`mock.patch("old.mod.Name")` patches the name where the moved code looks it up, pickles made
under either name load, and identity checks hold. `python -m old.mod` runs the new module as
`__main__` instead.
"""

from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import Codemod, CodemodContext

from ._source import CodemodError, Source, parse, preamble_length, render, to_newline

SHIM_MARKER = "# genmigrate: shim"

_TEMPLATE = '''{marker}, the code of {old_path} moved to {new_module}
"""Moved to `{new_module}`.

This module is an alias of the new one: importing it returns the new module object itself.
"""

import sys

if __name__ == "__main__":
    import runpy

    runpy.run_module("{new_module}", run_name="__main__", alter_sys=True)
else:
    import importlib

    sys.modules[__name__] = importlib.import_module("{new_module}")
'''


def alias_shim(source: Source, new_module: str, old_path: str) -> Source:
    """Return the shim replacing `source` (the legacy module once at `old_path`)."""
    return render(alias_shim_module(parse(source), new_module, old_path), source)


def alias_shim_module(module: cst.Module, new_module: str, old_path: str) -> cst.Module:
    """Tree-level version of `alias_shim`; keeps the shebang, encoding cookie and newline style."""
    if not all(part.isidentifier() for part in new_module.split(".")):
        raise CodemodError(0, f"not a dotted module name: {new_module!r}")
    text = _TEMPLATE.format(marker=SHIM_MARKER, old_path=old_path.replace("\\", "/"), new_module=new_module)
    shim = parse(to_newline(text, module.default_newline))
    preamble = list(module.header[: preamble_length(module.header)])
    return shim.with_changes(header=[*preamble, *shim.header], encoding=module.encoding)


class AliasShimCommand(Codemod):
    DESCRIPTION = "Replace a legacy module with a sys.modules alias of the module its code moved to."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--new-module", required=True, help="dotted name of the module the code moved to"
        )
        arg_parser.add_argument(
            "--old-path", default=None, help="path named in the shim comment (default: the file)"
        )

    def __init__(self, context: CodemodContext, new_module: str, old_path: str | None = None) -> None:
        super().__init__(context)
        self.new_module = new_module
        self.old_path = old_path

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        old_path = self.old_path or self.context.filename or "the legacy module"
        return alias_shim_module(tree, self.new_module, old_path)
