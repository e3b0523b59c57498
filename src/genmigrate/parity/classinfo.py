"""Build the `ClassInfo` of one class with LibCST (used by `genmigrate parity --legacy`)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from genmigrate.model import ClassInfo, MethodInfo, Protocol

_MODEL_CLIENT_METHODS = {"call", "acall", "convert_inputs_to_api_kwargs"}


class ClassInfoError(Exception):
    """The class cannot be found or its module cannot be parsed; str() is `path:line: message`."""


class _YieldFinder(cst.CSTVisitor):
    """Finds a `yield` in a function body, not counting nested functions or lambdas."""

    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _params(node: cst.FunctionDef) -> list[str]:
    p = node.params
    names = [x.name.value for x in (*p.posonly_params, *p.params)]
    if isinstance(p.star_arg, cst.Param):
        names.append("*" + p.star_arg.name.value)
    names += [x.name.value for x in p.kwonly_params]
    if p.star_kwarg is not None:
        names.append("**" + p.star_kwarg.name.value)
    return names


def _method(node: cst.FunctionDef, line: int, module: cst.Module) -> MethodInfo:
    finder = _YieldFinder()
    for statement in node.body.children:
        statement.visit(finder)
    return MethodInfo(
        name=node.name.value, line=line, params=_params(node), is_async=node.asynchronous is not None,
        is_generator=finder.found, decorators=[module.code_for_node(d.decorator) for d in node.decorators],
    )


def _protocol(bases: list[str], methods: list[MethodInfo]) -> Protocol:
    if any(b.split(".")[-1] == "ModelClient" for b in bases):
        return "modelclient"
    if _MODEL_CLIENT_METHODS <= {m.name for m in methods}:
        return "modelclient"
    return "chat-wrapper" if any(not m.name.startswith("_") for m in methods) else "unknown"


def class_info(path: Path, class_name: str) -> ClassInfo:
    """The ClassInfo of the top-level class `class_name` in the file at `path` (`needs` left empty)."""
    try:
        module = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError as exc:
        raise ClassInfoError(f"{path}:{exc.raw_line}: cannot parse: {exc.message}") from None
    wrapper = MetadataWrapper(module)
    positions = wrapper.resolve(PositionProvider)
    for node in wrapper.module.body:
        if isinstance(node, cst.ClassDef) and node.name.value == class_name:
            bases = [wrapper.module.code_for_node(a.value) for a in node.bases]
            methods = [
                _method(item, positions[item].start.line, wrapper.module)
                for item in node.body.body
                if isinstance(item, cst.FunctionDef)
            ]
            span = positions[node]
            return ClassInfo(name=class_name, line=span.start.line, end_line=span.end.line, bases=bases,
                             protocol=_protocol(bases, methods), methods=methods, needs=[])
    raise ClassInfoError(f"{path}:1: no top-level class {class_name}")
