"""Human formatting of durations in the document."""

from __future__ import annotations

import pytest

from agents.writer.fmt import duration

YEAR = 365 * 86400


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (YEAR, "1 year"),
        (3 * YEAR, "3 years"),
        (1.5 * YEAR, "1.5 years"),
        (86400, "1 day"),
        (30 * 86400, "1 month"),
        (2 * 86400, "2 days"),
        (90, "1.5 min"),
    ],
)
def test_duration_is_singular_for_one_unit(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown
