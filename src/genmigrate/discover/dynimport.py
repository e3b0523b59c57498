"""Imports that are calls: the SDK a call like `safe_import("ollama", ...)` brings in.

Recognised: `safe_import("ollama", ...)`, `importlib.import_module("openai")`, `__import__("boto3")`,
lazy registries `LazyImport("openai.OpenAI")`, and helpers that take an enum member naming the
package (`safe_import(OptionalPackages.OLLAMA.value[0], ...)`). The same rule serves the
confirmation and the analysis.
"""

from __future__ import annotations

import ast

from genmigrate.discover.providers import SDK_MODULES, sdk_for_word

IMPORT_HELPERS = frozenset({"safe_import", "import_module", "__import__", "LazyImport", "lazy_import",
                            "optional_import", "try_import", "import_optional_dependency"})


def target(helper: str, literal: str | None, words: list[str]) -> str | None:
    """The SDK module a call of `helper` imports, given its first argument as a string literal or as
    the identifiers of a dotted expression (`OptionalPackages.OLLAMA.value[0]` -> those names)."""
    if helper not in IMPORT_HELPERS:
        return None
    if literal is not None:
        for sdk in sorted(SDK_MODULES, key=len, reverse=True):
            if literal == sdk or literal.startswith(sdk + "."):
                return sdk
        return None
    for word in words:
        sdk = sdk_for_word(word)
        if sdk is not None:
            return sdk
    return None


def ast_target(node: ast.Call) -> str | None:
    func = node.func
    helper = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if helper not in IMPORT_HELPERS or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant):
        return target(helper, first.value, []) if isinstance(first.value, str) else None
    words = [n.attr for n in ast.walk(first) if isinstance(n, ast.Attribute)]
    words += [n.id for n in ast.walk(first) if isinstance(n, ast.Name)]
    return target(helper, None, words)
