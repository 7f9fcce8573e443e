"""Number formatting: thousands separators and human units."""

from __future__ import annotations

import pytest

from agents.writer import fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345.6, "12,346"), (1234567, "1,234,567"), (11.57, "11.6"), (0.125, "0.125"), (3.0, "3")],
)
def test_number(value: float, expected: str) -> None:
    assert fmt.number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10e6, "10M"), (3472.2, "3,472"), (1.5e9, "1.5B"), (347222, "347.2K"), (0.1, "0.1")],
)
def test_count(value: float, expected: str) -> None:
    assert fmt.count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(500, "500 B"), (912.5e9, "912.5 GB"), (1.7e6, "1.7 MB"), (2.7e12, "2.7 TB")],
)
def test_size(value: float, expected: str) -> None:
    assert fmt.size(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "100 ms"),
        (30, "30 s"),
        (2592, "43.2 min"),
        (5 * 365 * 86400, "5 years"),
        (365 * 86400, "1 year"),  # singular for exactly one unit
        (1.5 * 365 * 86400, "1.5 years"),
        (86400, "1 day"),
        (2 * 86400, "2 days"),
    ],
)
def test_duration(value: float, expected: str) -> None:
    assert fmt.duration(value) == expected


def test_money_and_percent() -> None:
    assert fmt.usd(1523.99) == "$1,524"
    assert fmt.usd(12.5) == "$12.50"
    assert fmt.usd(0.0123) == "$0.0123"
    assert fmt.percent(99.95) == "99.95%"
    assert fmt.percent(99.999999999) == "99.999999999%"
    assert fmt.in_unit(1.7e6, "bytes/s") == "1.7 MB/s"
    assert fmt.in_unit(1e8, "per_day") == "100M/day"


def test_nines_never_rounds_up_to_a_hundred() -> None:
    assert fmt.nines(99.99999) == "99.99999%"
    assert fmt.nines(99.95) == "99.95%"
    assert fmt.nines(100.0) == "100%"
