"""Number formatting for the document: thousands separators and human units (decimal, 1 KB =
1,000 B, as in the capacity chain)."""

from __future__ import annotations

import math
from collections.abc import Sequence

_SIZES = [(1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
_COUNTS = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
_DURATIONS = [
    (365 * 86400, "years"),
    (30 * 86400, "months"),
    (86400, "days"),
    (3600, "h"),
    (60, "min"),
]


def number(value: float) -> str:
    """12345.6 -> '12,346'; 11.57 -> '11.6'; 0.125 -> '0.125'; thousands separators."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    if magnitude >= 0.01:
        return f"{value:.3g}"
    return f"{value:.2g}"


def _scaled(value: float, table: Sequence[tuple[float, str]], sep: str) -> str | None:
    """value in the largest unit it reaches, one decimal at most: '912.5 GB', '10M'."""
    for factor, suffix in table:
        if abs(value) >= factor:
            text = f"{value / factor:,.1f}".rstrip("0").rstrip(".")
            return f"{text}{sep}{suffix}"
    return None


def count(value: float) -> str:
    """10e6 -> '10M'; 3472 -> '3,472'; 1.5e9 -> '1.5B' (counts below 100k keep all digits)."""
    if abs(value) < 1e5:
        return number(round(value, 2) if abs(value) < 10 else round(value))
    return _scaled(value, _COUNTS, "") or number(value)


def size(value: float) -> str:
    """Bytes, decimal units: 912.5e9 -> '912.5 GB'."""
    return _scaled(value, _SIZES, " ") or f"{number(round(value))} B"


def duration(seconds: float) -> str:
    """Seconds for people: 0.1 -> '100 ms', 90 -> '90 s', 157680000 -> '5 years'."""
    if seconds < 1:
        return f"{number(round(seconds * 1000, 1))} ms"
    scaled = _scaled(seconds, _DURATIONS, " ")
    if scaled is not None and scaled.split(" ")[0] == "1" and scaled.endswith("s"):
        scaled = scaled[:-1]  # '1 year', '1 month', '1 day'
    return scaled or f"{number(round(seconds, 1))} s"


def usd(value: float) -> str:
    """Dollars: '$1,524' from $100 up, '$12.50' below, '$0.0123' below one dollar."""
    if abs(value) >= 100:
        return f"${value:,.0f}"
    if abs(value) >= 1 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.3g}"


def percent(value: float) -> str:
    """99.95 -> '99.95%'; keeps every significant nine: 99.999999999 -> '99.999999999%'."""
    text = f"{value:.9f}".rstrip("0").rstrip(".")
    return f"{text}%"


def nines(pct: float) -> str:
    """An availability in percent with as many decimals as it takes not to round up to 100%:
    99.99999 -> '99.99999%', 99.95 -> '99.95%'."""
    for decimals in range(2, 9):
        text = f"{pct:.{decimals}f}"
        if float(text) < 100 or pct >= 100:
            return text.rstrip("0").rstrip(".") + "%"
    return f"{pct}%"


def in_unit(value: float, unit: str) -> str:
    """A value in one of the base units of the artefacts, for people."""
    unit = unit.strip()
    if unit in ("bytes", "B"):
        return size(value)
    if unit in ("bytes/s", "B/s"):
        return f"{size(value)}/s"
    if unit in ("req/s", "/s", "per_second"):
        return f"{count(value)}/s"
    if unit == "per_day":
        return f"{count(value)}/day"
    if unit == "per_month":
        return f"{count(value)}/month"
    if unit in ("seconds", "s"):
        return duration(value)
    if unit in ("USD/month", "usd_month"):
        return f"{usd(value)}/month"
    if unit in ("percent", "%"):
        return percent(value)
    if unit == "days":
        return f"{number(value)} days"
    if unit == "ratio":
        return number(value)
    return count(value)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is 0."""
    return numerator / denominator if denominator else None
