"""The typed result of `agents.quantities`: a Quantity in base units, and its sanity checks.

`parse_value` reads the structured numbers of YAML front matter (`dau: 10M`, `budget: $5k/month`)
into the same type, so stated numbers from prose and from front matter are handled alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import ImplausibleNumberError
from .quantity_units import (
    MONEY_AFTER_RE,
    NINES_RE,
    NUMBER_RE,
    PERCENT_RE,
    PERIOD_RE,
    RATIO_RE,
    SIZE_RE,
    SIZE_UNITS,
    TIME_RE,
    TIME_UNITS,
    number_value,
    period_of,
)
from .quantity_words import PERIOD_SECONDS

QuantityKind = Literal[
    "users", "dau", "mau", "rate", "size", "duration", "percent", "money", "ratio", "count"
]

MAX_USERS = 1e10  # more than people on earth
MAX_RATE_PER_SECOND = 1e9
MAX_RETENTION_SECONDS = 100 * PERIOD_SECONDS["year"]


@dataclass(frozen=True)
class Quantity:
    """One number found in the requirements, in base units.

    value: users/dau/mau/count -> count; rate -> events per `period`; size -> bytes (per
    `period` when one is given: bandwidth or growth); duration -> seconds; percent -> percent;
    money -> USD per month; ratio -> a/b (reads per write for role 'read_write').
    """

    kind: QuantityKind
    value: float
    phrase: str
    noun: str | None = None  # singular head noun: 'paste', 'user', 'video', 'region'
    role: str | None = None  # read/write/request, latency/retention, availability, budget, ...
    period: str | None = None  # second/minute/hour/day/week/month/year
    per_user: bool = False
    bound: Literal["avg", "max", "peak"] | None = None
    percentile: float | None = None
    start: int = 0
    end: int = 0

    @property
    def per_second(self) -> float:
        """A rate (or size per period) converted to per second."""
        return self.value / PERIOD_SECONDS[self.period] if self.period else self.value

    @property
    def per_day(self) -> float:
        """A rate (or size per period) converted to per day."""
        return self.per_second * PERIOD_SECONDS["day"]


def money_per_month_factor(period: str) -> float:
    """Multiplier from money per `period` to per month (a year of budget is 12 months)."""
    if period == "year":
        return 1 / 12
    return PERIOD_SECONDS["month"] / PERIOD_SECONDS[period]


def implausible(phrase: str, reason: str) -> ImplausibleNumberError:
    return ImplausibleNumberError(f'implausible number "{phrase.strip()}": {reason}')


def check_plausible(q: Quantity) -> None:
    """Raise ImplausibleNumberError when `q` cannot be true."""
    if q.kind in ("users", "dau", "mau"):
        if q.value < 0:
            raise implausible(q.phrase, "a number of users cannot be negative")
        if q.value > MAX_USERS:
            raise implausible(q.phrase, "that is more users than people on earth (8 billion)")
        if q.value < 1:
            raise implausible(q.phrase, "a system needs at least one active user")
    elif q.kind == "rate":
        if q.value < 0:
            raise implausible(q.phrase, "a rate cannot be negative")
        if q.per_second > MAX_RATE_PER_SECOND:
            raise implausible(
                q.phrase, f"{q.per_second:.3g} per second is beyond any real system (limit 10^9/s)"
            )
    elif q.kind == "percent":
        if q.role in ("availability", "durability") and not 0 < q.value <= 100:
            raise implausible(q.phrase, f"{q.role} must be between 0% and 100%")
    elif q.kind == "size":
        if q.value < 0:
            raise implausible(q.phrase, "a size cannot be negative")
        if q.value == 0 and q.role in ("object", "media"):
            raise implausible(q.phrase, "stored objects cannot be 0 bytes")
    elif q.kind == "duration":
        if q.value < 0:
            raise implausible(q.phrase, "a duration cannot be negative")
        if q.role == "retention" and q.value > MAX_RETENTION_SECONDS:
            raise implausible(q.phrase, "retention longer than 100 years")
        if q.role == "latency" and q.value == 0:
            raise implausible(q.phrase, "no request can take 0 seconds")
    elif q.kind == "money" and q.role == "budget" and q.value <= 0:
        raise implausible(q.phrase, "a budget must be more than $0")
    elif q.kind == "ratio" and q.role == "peak" and q.value < 1:
        raise implausible(q.phrase, "the peak cannot be below the average (peak factor >= 1)")
    elif q.kind == "ratio" and q.value < 0:
        raise implausible(q.phrase, "a ratio cannot be negative")
    elif q.kind == "count" and q.value < 0:
        raise implausible(q.phrase, "a count cannot be negative")


ValueKind = Literal[
    "users",
    "dau",
    "mau",
    "concurrent",
    "count",
    "rate",
    "size",
    "retention",
    "latency",
    "percent",
    "money",
    "ratio",
]


def _split_number(raw: str) -> tuple[float, str]:
    """The first number of `raw` (with its magnitude) and the text after it."""
    if NINES_RE.search(raw):
        m = NUMBER_RE.search(raw)
        if m and 1 <= number_value(m) <= 9:
            return round(100 * (1 - 10 ** -number_value(m)), 10), "%"
    m = NUMBER_RE.search(raw)
    if m is None:
        raise ValueError(f"no number in {raw!r}")
    value = number_value(m)
    if raw[: m.start()].strip().startswith("-"):
        value = -value
    return value, raw[m.end() :]


def parse_value(
    kind: ValueKind, raw: object, key: str, *, role: str | None = None, period: str = "day"
) -> Quantity:
    """A structured front-matter value as a Quantity: `dau: 10M`, `availability: 99.99%`,
    `budget: $5k/month`, `retention: 3 years`, `read_write_ratio: 100:1`, `object_size: 1 KB`.

    Bare numbers take the natural unit of the key: bytes, days (retention), ms (latency),
    percent (a fraction below 1 is read as a share: 0.999 -> 99.9%), USD per month, `period`.
    Raises ValueError when the value is not a number of that kind; ImplausibleNumberError when
    it is impossible.
    """
    phrase = f"{key}: {raw}"
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"{key} must be a number or a string like '10M', not {raw!r}")
    text = str(raw).strip()
    if isinstance(raw, str) and kind == "ratio" and (ratio := RATIO_RE.search(text)):
        a, b = float(ratio.group("a")), float(ratio.group("b"))
        if b == 0:
            raise implausible(phrase, "a ratio cannot have 0 as its second term")
        value, rest = a / b, ""
    else:
        value, rest = (float(raw), "") if not isinstance(raw, str) else _split_number(text)
    q: Quantity
    if kind in ("users", "dau", "mau", "concurrent", "count"):
        user_kind: QuantityKind = "users" if kind == "concurrent" else kind
        q = Quantity(
            user_kind, value, phrase, role=role or ("concurrent" if kind == "concurrent" else None)
        )
    elif kind == "rate":
        per = PERIOD_RE.match(rest)
        q = Quantity("rate", value, phrase, role=role, period=period_of(per) if per else period)
    elif kind == "size":
        size = SIZE_RE.match(rest)
        unit = size.group("u").lower() if size else "b"
        unit = "b" if unit in ("byte", "bytes") else unit
        q = Quantity(
            "size",
            value * SIZE_UNITS.get(unit, SIZE_UNITS.get(unit.rstrip("s"), 1.0)),
            phrase,
            role=role or "object",
        )
    elif kind in ("retention", "latency"):
        tm = TIME_RE.match(rest)
        unit = tm.group("u").lower() if tm else ("d" if kind == "retention" else "ms")
        unit = unit if unit in TIME_UNITS else unit.rstrip("s")
        q = Quantity(
            "duration",
            value * TIME_UNITS[unit],
            phrase,
            role=kind,
            percentile=99.0 if kind == "latency" else None,
        )
    elif kind == "percent":
        pct = value * 100 if (not PERCENT_RE.match(rest) and 0 < value < 1) else value
        q = Quantity("percent", pct, phrase, role=role or "availability")
    elif kind == "money":
        per = PERIOD_RE.match(MONEY_AFTER_RE.sub("", rest, count=1))
        unit = period_of(per) if per else "month"
        q = Quantity(
            "money",
            value * money_per_month_factor(unit),
            phrase,
            role="budget",
            period="month",
        )
    else:
        q = Quantity("ratio", value, phrase, role=role or "read_write")
    check_plausible(q)
    return q
