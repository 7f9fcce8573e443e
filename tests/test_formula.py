"""The safe formula evaluator: arithmetic over named inputs, nothing else."""

from __future__ import annotations

import math

import pytest

from agents.formula import evaluate


def test_arithmetic_precedence_and_parentheses() -> None:
    assert evaluate("2 + 3 * 4", {}) == 14
    assert evaluate("(2 + 3) * 4", {}) == 20
    assert evaluate("2 ** 10", {}) == 1024
    assert evaluate("-x + 1", {"x": 3}) == -2
    assert evaluate("+x", {"x": 3}) == 3


def test_names_come_from_inputs() -> None:
    value = evaluate(
        "writes_per_day / seconds_per_day", {"writes_per_day": 864_000, "seconds_per_day": 86_400}
    )
    assert value == 10


def test_allowed_functions() -> None:
    inputs = {"keys": 62.0**7}
    assert evaluate("ceil(log(keys) / log(62))", inputs) == 7
    assert evaluate("floor(2.7) + ceil(2.1)", {}) == 5
    assert evaluate("max(a, b, 3) - min(a, b)", {"a": 1, "b": 2}) == 2
    assert evaluate("log2(1024)", {}) == 10
    assert evaluate("round(2.567, 2)", {}) == pytest.approx(2.57)
    assert math.isclose(evaluate("log(100)", {}), math.log(100))


def test_missing_input_is_named() -> None:
    with pytest.raises(ValueError, match="'dau'"):
        evaluate("dau * writes_per_user", {"writes_per_user": 2})


def test_attribute_access_is_rejected() -> None:
    with pytest.raises(ValueError, match="attributes"):
        evaluate("math.pi.__class__()", {"math": 1})
    with pytest.raises(ValueError, match="Attribute"):
        evaluate("x.real", {"x": 1})


def test_unknown_function_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown function 'exec'"):
        evaluate("exec(1)", {})
    with pytest.raises(ValueError, match="unknown function '__import__'"):
        evaluate("__import__(1)", {})


@pytest.mark.parametrize(
    "formula",
    ["'a' * 3", "x[0]", "[1, 2]", "lambda: 1", "x if x else 1", "x < 2", "True + 1", "x % 2"],
)
def test_other_constructs_are_rejected(formula: str) -> None:
    with pytest.raises(ValueError):
        evaluate(formula, {"x": 1})


def test_syntax_error_and_division_by_zero() -> None:
    with pytest.raises(ValueError, match="not valid arithmetic"):
        evaluate("2 +", {})
    with pytest.raises(ValueError, match="division by zero"):
        evaluate("a / b", {"a": 1, "b": 0})


def test_huge_exponent_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        evaluate("10 ** 100000", {})
