"""A safe evaluator for the capacity formulas: arithmetic over named inputs, never `eval`.

Every Estimate carries a formula such as ``writes_per_day / seconds_per_day`` and the inputs it
used; code (and the verifier of a model's output) recomputes the value with `evaluate`.
Allowed: numbers, names, + - * / ** (and unary -/+), parentheses and the functions below.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping

# The only callables a formula may use; anything else (attributes, subscripts, lambdas,
# comprehensions, unknown functions) is rejected before anything is computed.
FUNCTIONS: dict[str, Callable[..., float]] = {
    "ceil": lambda x: float(math.ceil(x)),
    "floor": lambda x: float(math.floor(x)),
    "max": lambda *xs: float(max(xs)),
    "min": lambda *xs: float(min(xs)),
    "log2": math.log2,
    "log": math.log,
    "round": lambda x, digits=0: float(round(x, int(digits))),
}

_MAX_FORMULA_CHARS = 2000
_MAX_EXPONENT = 1000.0  # keeps ** from building astronomically large numbers

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _power(base: float, exponent: float) -> float:
    if abs(exponent) > _MAX_EXPONENT:
        raise ValueError(f"exponent {exponent:g} is too large")
    result = base**exponent
    if isinstance(result, complex):
        raise ValueError("power of a negative number gives a complex result")
    return float(result)


def _eval(node: ast.AST, inputs: Mapping[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _eval(node.body, inputs)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"only numbers are allowed, not {node.value!r}")
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in inputs:
            raise ValueError(f"formula uses '{node.id}' which is not among its inputs")
        return float(inputs[node.id])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _eval(node.operand, inputs)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, inputs), _eval(node.right, inputs)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        operation = _BINARY.get(type(node.op))
        if operation is None:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed")
        try:
            return operation(left, right)
        except ZeroDivisionError:
            raise ValueError("division by zero") from None
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ValueError("only plain function calls are allowed (no attributes)")
        function = FUNCTIONS.get(node.func.id)
        if function is None:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ValueError(f"unknown function '{node.func.id}' (allowed: {allowed})")
        if node.keywords:
            raise ValueError("keyword arguments are not allowed")
        args = [_eval(arg, inputs) for arg in node.args]
        try:
            return float(function(*args))
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"{node.func.id}(): {exc}") from None
    raise ValueError(f"{type(node).__name__} is not allowed in a formula")


def evaluate(formula: str, inputs: Mapping[str, float]) -> float:
    """The value of `formula` with each name taken from `inputs`.

    Raises ValueError (with the reason) for a syntax error, a missing input, a forbidden
    construct (attribute access, subscripts, unknown functions, strings) or division by zero.
    """
    if len(formula) > _MAX_FORMULA_CHARS:
        raise ValueError(f"formula is longer than {_MAX_FORMULA_CHARS} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"formula is not valid arithmetic: {formula!r} ({exc.msg})") from None
    missing = sorted(
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        - set(inputs)
        - {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
    )
    if missing:
        raise ValueError(f"formula uses {', '.join(repr(m) for m in missing)} missing from inputs")
    value = _eval(tree, inputs)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"formula {formula!r} does not give a finite number")
    return value
