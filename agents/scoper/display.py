"""Human displays of base-unit numbers: '10M', '3.9/s', '12.7 GB/month', '3 years', '$5k'.

Sizes are decimal (1 KB = 1,000 bytes), like the figures in the requirements.
"""

from __future__ import annotations

import math
from collections.abc import Callable

Formatter = Callable[[float], str]

_COUNT_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_BYTE_UNITS = ((1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB"))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def small_number(x: float) -> str:
    """A number below 1,000 with sensible precision: 38.6, 3.86 -> '3.9', 0.042."""
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return _trim(f"{x:.1f}")
    digits = max(1, 1 - math.floor(math.log10(abs(x))))
    return _trim(f"{x:.{digits}f}")


def count(x: float) -> str:
    """'10M', '333.3K', '2.5B', '38.6', '1,736'."""
    for scale, suffix in _COUNT_SUFFIXES:
        if abs(x) >= scale * 0.9995 and not (suffix == "K" and abs(x) < 10_000):
            return _trim(f"{x / scale:.1f}") + suffix
    return small_number(x)


def rate(x: float) -> str:
    """Per-second rate: '3.9/s', '38.6/s', '1,736/s', '50K/s'."""
    return f"{count(x)}/s"


def size(x: float) -> str:
    """Bytes: '500 B', '1 KB', '12.7 GB', '1.2 TB'."""
    for scale, unit in _BYTE_UNITS:
        if abs(x) >= scale * 0.9995:
            return _trim(f"{x / scale:.1f}") + f" {unit}"
    return f"{small_number(x)} B"


def bandwidth(x: float) -> str:
    """Bytes per second: '1.3 MB/s'."""
    return f"{size(x)}/s"


def duration(seconds: float) -> str:
    """'200 ms', '2 s', '10 min', '90 days', '1 year', '3 years'."""
    if seconds < 1:
        return f"{small_number(seconds * 1000)} ms"
    if seconds < 60:
        return f"{small_number(seconds)} s"
    if seconds < 3600:
        return f"{small_number(seconds / 60)} min"
    if seconds < 86400:
        return f"{small_number(seconds / 3600)} h"
    days_value = seconds / 86400
    return days(days_value)


def days(n_days: float) -> str:
    """'90 days', '1 year', '3 years', '18 months'."""
    if n_days >= 365 and (n_days % 365 == 0 or n_days >= 3650):
        years = n_days / 365
        return f"{small_number(years)} year" + ("" if years == 1 else "s")
    if n_days >= 60 and n_days % 30 == 0:
        return f"{small_number(n_days / 30)} months"
    return f"{small_number(n_days)} day" + ("" if n_days == 1 else "s")


def money(usd: float) -> str:
    """'$5,000', '$40k', '$1.2M'."""
    if usd >= 1e6:
        return f"${_trim(f'{usd / 1e6:.1f}')}M"
    if usd >= 10_000:
        return f"${_trim(f'{usd / 1e3:.1f}')}k"
    return f"${usd:,.0f}" if usd >= 100 else f"${small_number(usd)}"


def percent(x: float) -> str:
    """'99.99%', '20%'."""
    return f"{float(f'{x:.12g}'):.12g}%"


def plural(noun: str) -> str:
    """English plural of a noun phrase: 'paste' -> 'pastes', 'short link' -> 'short links'."""
    words = noun.split(" ")
    for i, word in enumerate(words[1:], start=1):  # "page read by the indexer"
        if word in ("by", "of", "for", "from", "in", "on", "with", "per"):
            return " ".join([plural(" ".join(words[:i])), *words[i:]])
    if not noun or noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("ch", "sh", "x")):
        return noun + "es"
    return noun + "s"
