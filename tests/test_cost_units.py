"""Formatting of the figures the cost and review texts show."""

from __future__ import annotations

import pytest

from agents.cost.units import (
    downtime_minutes_per_month,
    fmt_availability,
    fmt_availability_below,
    fmt_bytes,
    fmt_price,
    fmt_target_pct,
    fmt_usd,
)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.999, "99.9%"),
        (0.99985, "99.985%"),
        (0.995, "99.5%"),
        (0.9999999999999, "≈100%"),
        (1.0, "100%"),
    ],
)
def test_availability_shows_the_digits_that_matter(fraction: float, text: str) -> None:
    assert fmt_availability(fraction) == text


@pytest.mark.parametrize(
    ("fraction", "target", "text"),
    [(0.99989, 0.9999, "99.989%"), (0.99899, 0.999, "99.89%"), (0.9998, 0.9999, "99.98%")],
)
def test_a_composed_figure_shows_enough_digits_to_differ(
    fraction: float, target: float, text: str
) -> None:
    assert fmt_availability_below(fraction, target) == text


@pytest.mark.parametrize(
    ("value", "text"), [(0.085, "$0.085"), (0.0125, "$0.0125"), (1.25, "$1.25"), (2.0, "$2.00")]
)
def test_unit_prices_keep_their_digits(value: float, text: str) -> None:
    assert fmt_price(value) == text


def test_money_bytes_targets_and_downtime() -> None:
    assert (fmt_usd(1234.5), fmt_usd(12.345)) == ("$1,234", "$12.35")
    assert (fmt_bytes(1.825e12), fmt_bytes(2e10)) == ("1.8 TB", "20 GB")
    assert fmt_target_pct(99.999999999) == "99.999999999%"
    assert downtime_minutes_per_month(0.999) == pytest.approx(43.8)
