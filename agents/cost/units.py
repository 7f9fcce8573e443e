"""Number formatting shared by the cost analyst and the reviewer (decimal units, as billed)."""

from __future__ import annotations

import math

GB = 1e9  # providers bill storage and transfer in decimal gigabytes


def fmt_num(value: float) -> str:
    """12345.6 -> '12,346'; 3.14159 -> '3.14'; 0.0042 -> '0.0042'."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{round(value):,}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    if abs(value) < 0.1:
        return f"{value:.2g}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_usd(value: float) -> str:
    """Dollars: '$1,234' from $100 up, '$12.34' below."""
    if abs(value) >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def fmt_price(value: float) -> str:
    """A unit price with the digits it needs: '$0.085', '$0.0125', '$1.25'."""
    if value == 0:
        return "$0"
    digits = max(2, 1 - math.floor(math.log10(abs(value))) + 2)
    text = f"{value:.{min(digits, 8)}f}".rstrip("0")
    if text.endswith("."):
        text += "00"
    elif len(text.split(".")[1]) < 2:
        text += "0"
    return f"${text}"


def fmt_rate(value: float) -> str:
    """Requests per second: '1,160/s'."""
    return f"{fmt_num(value)}/s"


def fmt_bytes(value: float) -> str:
    """Decimal units: 2.1e12 -> '2.1 TB'."""
    size = float(value)
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(size) < 1000 or unit == "PB":
            text = f"{size:,.0f}" if abs(size) >= 100 else f"{size:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        size /= 1000
    return f"{value} B"  # pragma: no cover - the loop always returns


def fmt_pct(fraction: float) -> str:
    """A utilisation or share: 0.876 -> '88%'; 1.4 -> '140%'."""
    return f"{fraction * 100:.0f}%"


def fmt_availability(fraction: float) -> str:
    """An availability with the digits that matter: 0.99985 -> '99.985%', 0.999 -> '99.9%'."""
    if fraction >= 1:
        return "100%"
    if fraction <= 0:
        return "0%"
    nines = -math.log10(1 - fraction)
    decimals = min(8, max(1, math.ceil(nines - 1e-9) - 1))
    if round(fraction * 100, decimals) >= 100:
        return "≈100%"
    text = f"{fraction * 100:.{decimals}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_availability_below(fraction: float, target: float) -> str:
    """`fraction` with enough digits to show it is below `target` (99.989% < 99.99%)."""
    text = fmt_availability(fraction)
    shown = text.lstrip("≈").rstrip("%")
    if float(shown) < target * 100 - 1e-12:
        return text
    target_text = fmt_availability(target).rstrip("%")
    first = len(target_text.split(".")[1]) + 1 if "." in target_text else 1
    for decimals in range(first, 10):
        shown = f"{math.floor(fraction * 100 * 10**decimals) / 10**decimals:.{decimals}f}"
        if float(shown) < target * 100 - 1e-12:
            return f"{shown}%"
    return text


def fmt_target_pct(percent: float) -> str:
    """A stated percentage target as given: 99.999999999 -> '99.999999999%'."""
    return f"{percent:.12g}%"


def downtime_minutes_per_month(fraction: float, hours_per_month: float = 730) -> float:
    """Minutes of downtime a month that an availability allows."""
    return (1 - fraction) * hours_per_month * 60
