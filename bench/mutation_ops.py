"""Mechanical mutation operators over a Python module, with LibCST.

`sites(code, skip_classes)` lists every place an operator applies, as (operator, n) pairs in
source order; `mutate(code, operator, n, skip_classes)` returns the module with the n-th site
of that operator changed. Nothing is chosen by hand: every literal, dict entry, comparison,
statement, default value, except clause, return value, condition, boolean and arithmetic
operator in the legacy code is a site.

Left out, as equivalent by construction (parity compares behaviour, not text): docstrings,
type annotations, imports, `__all__`-style dunder assignments, `if __name__ == "__main__":`
blocks (never run on import), and logging / print calls (debug and info text is not recorded; a
logger's name and records at the levels loggers are configured for are).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

OPERATORS = (
    "constant",
    "dict_entry",
    "comparison",
    "statement",
    "default_arg",
    "except_type",
    "return_value",
    "condition",
    "boolean",
    "arithmetic",
)
_LOGGING = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
_LOGGERS = {"logger", "log", "logging", "LOGGER", "_logger", "_log"}
_COMPARISON_SWAP: dict[type, type] = {
    cst.Equal: cst.NotEqual,
    cst.NotEqual: cst.Equal,
    cst.LessThan: cst.GreaterThanEqual,
    cst.GreaterThanEqual: cst.LessThan,
    cst.GreaterThan: cst.LessThanEqual,
    cst.LessThanEqual: cst.GreaterThan,
    cst.In: cst.NotIn,
    cst.NotIn: cst.In,
    cst.Is: cst.IsNot,
    cst.IsNot: cst.Is,
}
_ARITHMETIC_SWAP: dict[type, type] = {
    cst.Add: cst.Subtract,
    cst.Subtract: cst.Add,
    cst.Multiply: cst.Add,
    cst.Divide: cst.Multiply,
    cst.Power: cst.Multiply,
}


def _changed_literal(node: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(node, cst.SimpleString):
        quote = node.quote
        return node.with_changes(value=node.value[: -len(quote)] + "_mutant" + quote)
    if isinstance(node, cst.Integer):
        return node.with_changes(value=str(int(node.evaluated_value) + 1))
    if isinstance(node, cst.Float):
        return node.with_changes(value=repr(float(node.evaluated_value) * 2 + 0.5))
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.with_changes(value="False" if node.value == "True" else "True")
    return None


def _is_logging(node: cst.Call) -> bool:
    func = node.func
    if isinstance(func, cst.Name):
        return func.value == "print"
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in _LOGGING
        and isinstance(func.value, cst.Name)
        and func.value.value in _LOGGERS
    )


def _is_docstring(node: cst.SimpleStatementLine) -> bool:
    return (
        len(node.body) == 1
        and isinstance(node.body[0], cst.Expr)
        and isinstance(node.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _is_dunder(statement: cst.BaseSmallStatement) -> bool:
    """`__all__ = [...]` and the like: names for tools, not behaviour."""
    targets = statement.targets if isinstance(statement, cst.Assign) else []
    return any(isinstance(t.target, cst.Name) and t.target.value.startswith("__") for t in targets)


class _Mutator(cst.CSTTransformer):
    """Counts the sites of every operator in source order; changes the `target`-th of `operator`."""

    def __init__(self, operator: str | None, target: int, skip_classes: Sequence[str]) -> None:
        self.operator, self.target = operator, target
        self.skip_classes = set(skip_classes)
        self.counts = dict.fromkeys(OPERATORS, 0)
        self.skipped = 0  # depth inside a part that is never mutated
        self.in_default = 0
        self.in_function = 0
        self.done = False

    def _hit(self, operator: str) -> bool:
        """Whether this site is the one to change (every eligible site is counted)."""
        if self.skipped:
            return False
        index = self.counts[operator]
        self.counts[operator] += 1
        return operator == self.operator and index == self.target

    # parts never mutated
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.skipped += node.name.value in self.skip_classes

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.skipped -= original.name.value in self.skip_classes
        return updated

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self.skipped += 1

    def leave_Annotation(self, original: cst.Annotation, updated: cst.Annotation) -> cst.Annotation:
        self.skipped -= 1
        return updated

    def visit_If(self, node: cst.If) -> bool:
        """`if __name__ == "__main__":` never runs when the module is imported: equivalent."""
        return "__main__" not in cst.Module([]).code_for_node(node.test)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.skipped += _is_logging(node)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        self.skipped -= _is_logging(original)
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.in_function += 1

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self.in_function -= 1
        return updated

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return not (
            _is_docstring(node) or any(isinstance(s, cst.Import | cst.ImportFrom) or _is_dunder(s) for s in node.body)
        )

    # operators
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if not self.in_function or _is_docstring(original) or isinstance(original.body[0], cst.Pass):
            return updated
        if any(
            isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and _is_logging(s.value) for s in original.body
        ):
            return updated
        if self._hit("statement"):
            return updated.with_changes(body=[cst.Pass()])
        return updated

    def visit_Param(self, node: cst.Param) -> None:
        self.in_default += node.default is not None

    def leave_Param(self, original: cst.Param, updated: cst.Param) -> cst.Param:
        if original.default is None:
            return updated
        self.in_default -= 1
        changed = _changed_literal(original.default)
        if changed is None and isinstance(original.default, cst.Name) and original.default.value == "None":
            changed = cst.SimpleString('"mutant"')
        if changed is not None and self._hit("default_arg"):
            return updated.with_changes(default=changed)
        return updated

    def _literal(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        if self.in_default:
            return updated
        changed = _changed_literal(original)
        if changed is not None and self._hit("constant"):
            return changed
        return updated

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.BaseExpression:
        return self._literal(original, updated)

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.BaseExpression:
        return self._literal(original, updated)

    def leave_Float(self, original: cst.Float, updated: cst.Float) -> cst.BaseExpression:
        return self._literal(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self._literal(original, updated) if original.value in ("True", "False") else updated

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.BaseExpression:
        for i in range(len(original.elements)):
            if self._hit("dict_entry"):
                elements = [e for j, e in enumerate(updated.elements) if j != i]
                if elements:
                    elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return updated.with_changes(elements=elements)
        return updated

    def leave_ComparisonTarget(
        self, original: cst.ComparisonTarget, updated: cst.ComparisonTarget
    ) -> cst.ComparisonTarget:
        swap = _COMPARISON_SWAP.get(type(original.operator))
        if swap is not None and self._hit("comparison"):
            return updated.with_changes(operator=swap())
        return updated

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        if original.type is not None and self._hit("except_type"):
            return updated.with_changes(type=cst.Name("ZeroDivisionError"))
        return updated

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        is_none = isinstance(original.value, cst.Name) and original.value.value == "None"
        if original.value is not None and not is_none and self._hit("return_value"):
            return updated.with_changes(value=cst.Name("None"))
        return updated

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.BaseStatement:
        if self._hit("condition"):
            negated = updated.test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return updated.with_changes(test=cst.UnaryOperation(cst.Not(), negated))
        return updated

    def leave_BooleanOperation(
        self, original: cst.BooleanOperation, updated: cst.BooleanOperation
    ) -> cst.BaseExpression:
        if self._hit("boolean"):
            operator = cst.Or() if isinstance(original.operator, cst.And) else cst.And()
            return updated.with_changes(operator=operator)
        return updated

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation) -> cst.BaseExpression:
        swap = _ARITHMETIC_SWAP.get(type(original.operator))
        if swap is not None and self._hit("arithmetic"):
            return updated.with_changes(operator=swap())
        return updated


def sites(code: str, skip_classes: Sequence[str] = ()) -> list[tuple[str, int]]:
    """Every (operator, n) that `mutate` accepts for this module."""
    counter = _Mutator(None, -1, skip_classes)
    cst.parse_module(code).visit(counter)
    return [(op, n) for op in OPERATORS for n in range(counter.counts[op])]


def mutate(code: str, operator: str, n: int, skip_classes: Sequence[str] = ()) -> str:
    return cst.parse_module(code).visit(_Mutator(operator, n, skip_classes)).code
