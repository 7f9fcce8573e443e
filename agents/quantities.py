"""Unit-aware extraction of the numbers people write in requirements.

"10M DAU", "1.5 billion requests a day", "100k writes/s", "1 KB per paste", "keep for 3 years",
"p99 < 200 ms", "four nines", "$5k/month", "read:write 100:1", "two regions" each become a typed
`Quantity` (base units, the source phrase, the noun it qualifies). Sizes are decimal: 1 KB =
1,000 bytes (KiB = 1,024). A month is 30 days, a year 365 days. Impossible numbers (negative
users, 10^30 QPS, 150% availability, ...) raise `ImplausibleNumberError` naming the phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .quantity_nouns import (
    NounPhrase,
    action_role,
    bound,
    noun_after,
    noun_role,
    size_noun,
    size_role,
    user_kind,
)
from .quantity_types import (
    MAX_RATE_PER_SECOND,
    MAX_USERS,
    Quantity,
    QuantityKind,
    ValueKind,
    check_plausible,
    implausible,
    money_per_month_factor,
    parse_value,
)
from .quantity_units import (
    AVAILABILITY_WORDS,
    BITRATE_RE,
    BUDGET_WORDS,
    EVERY_N_RE,
    LATENCY_WORDS,
    MONEY_AFTER_RE,
    MONEY_BEFORE_RE,
    MULT_RE,
    NINES_RE,
    NUMBER_RE,
    PEAK_WORDS,
    PER_USER_RE,
    PERCENT_RE,
    PERCENTILE_RE,
    PERIOD_RE,
    RATIO_RE,
    RETENTION_WORDS,
    SIZE_RE,
    SIZE_UNITS,
    TIME_RE,
    TIME_UNITS,
    WORD_RE,
    clause_after,
    clause_before,
    number_value,
    period_of,
)
from .quantity_words import (
    FILLER_WORDS,
    PERIOD_SECONDS,
    PERIOD_WORDS,
    USER_NOUNS,
    singular,
)

# ---------------------------------------------------------------- classification


@dataclass
class _Spot:
    """A number found in the text and the context around it."""

    text: str
    m: re.Match[str]
    value: float
    start: int
    end: int
    before: str
    after: str

    def make(self, kind: QuantityKind, value: float, stop: int, **kw: Any) -> Quantity:
        phrase = self.text[self.start : stop].strip()
        money = MONEY_BEFORE_RE.search(self.text[max(0, self.start - 4) : self.start])
        if kind == "money" and money:
            phrase = self.text[self.start - len(money.group(0)) : stop].strip()
        return Quantity(kind, value, phrase, start=self.start, end=stop, **kw)


def _money(s: _Spot) -> Quantity | None:
    """'$5k/month', 'budget of $40k per month', '5000 USD a month'."""
    money_after = MONEY_AFTER_RE.match(s.text, s.end)
    if not (MONEY_BEFORE_RE.search(s.text[max(0, s.start - 4) : s.start]) or money_after):
        return None
    stop = money_after.end() if money_after else s.end
    per = PERIOD_RE.match(s.text, stop)
    per_month = s.value
    if per and not per.group("qps"):
        per_month = s.value * money_per_month_factor(period_of(per))
        stop = per.end()
    budgety = bool(per) or bool(BUDGET_WORDS.search(s.before))
    return s.make("money", per_month, stop, role="budget" if budgety else "price", period="month")


def _percent(s: _Spot) -> Quantity | None:
    """'99.99%', 'four nines', 'durability 99.999999999%'."""
    if (nines := NINES_RE.match(s.text, s.end)) and 1 <= s.value <= 9:
        value = round(100 * (1 - 10**-s.value), 10)
        return s.make("percent", value, nines.end(), role="availability")
    pct = PERCENT_RE.match(s.text, s.end)
    if pct is None:
        return None
    context = s.before[-40:] + " " + s.after[: 30 + pct.end() - s.end]
    role = "share"
    if re.search(r"durab", context, re.I):
        role = "durability"
    elif AVAILABILITY_WORDS.search(context) or (
        90 <= s.value <= 100 and not re.match(r"\s*of\b", s.text[pct.end() :])
    ):
        role = "availability"
    return s.make("percent", s.value, pct.end(), role=role)


def _size(s: _Spot) -> Quantity | None:
    """'1 KB per paste', 'average video 50 MB', '10 GB per day', '100 Mbps', '500B'."""
    if bits := BITRATE_RE.match(s.text, s.end):
        bps = s.value * {"k": 1e3, "m": 1e6, "g": 1e9}[bits.group("u").lower()] / 8
        return s.make("size", bps, bits.end(), role="bandwidth", period="second")
    mag = (s.m.group("mag1") or "").lower()
    if mag == "b" and noun_after(s.text, s.end).head is None:
        # "500B" with no noun after it is bytes; "10B requests" is ten billion
        noun, _ = size_noun(s.text, s.start, s.end)
        return s.make("size", s.value / 1e9, s.end, noun=noun, role=size_role(noun, None))
    size = SIZE_RE.match(s.text, s.end)
    if size is None or (size.group("u") == "b" and not mag and noun_after(s.text, s.end).head):
        return None
    unit = size.group("u").lower()
    unit = "b" if unit in ("byte", "bytes") else unit.removesuffix("s")
    stop = size.end()
    per = PERIOD_RE.match(s.text, stop)
    noun, period = (None, period_of(per)) if per else size_noun(s.text, s.start, stop)
    stop = per.end() if per else stop
    return s.make(
        "size",
        s.value * SIZE_UNITS[unit],
        stop,
        noun=noun,
        role=size_role(noun, period),
        period=period,
        bound=bound(s.before),
    )


def _duration(s: _Spot) -> Quantity | None:
    """'p99 < 200 ms', 'p99 match under 2 s', 'keep for 3 years', 'within 10 minutes'."""
    tm = TIME_RE.match(s.text, s.end)
    if tm is None or PERIOD_RE.match(s.text, s.end):
        return None
    unit = tm.group("u").lower()
    unit = unit if unit in TIME_UNITS else unit.removesuffix("s")
    seconds = s.value * TIME_UNITS[unit]
    percentile = PERCENTILE_RE.search(s.before)
    role: str | None = None
    if (
        percentile
        or (unit in ("ms", "msec", "millisecond") and LATENCY_WORDS.search(s.before))
        or (
            LATENCY_WORDS.search(s.before[-25:])
            and seconds < 60
            and re.search(r"latenc|respon|p\d\d", s.before + s.after, re.I)
        )
    ):
        role = "latency"
    elif seconds >= 86400 and RETENTION_WORDS.search(s.before[-40:]):
        role = "retention"
    elif re.search(r"within|window", s.before[-20:], re.I):
        role = "window"
    rank: float | None = None
    if percentile:
        rank = float(percentile.group("p") or percentile.group("q"))
        rank = rank / 10 if rank > 100 else rank  # p999 -> 99.9
    return s.make("duration", seconds, tm.end(), role=role, percentile=rank)


def _multiplier(s: _Spot) -> Quantity | None:
    """'peak traffic is 3x the average', '10x more reads than writes', 'clicked 100 times'."""
    mult = MULT_RE.match(s.text, s.end)
    if mult is None:
        return None
    context = s.before[-40:] + s.text[s.end : mult.end() + 40]
    if PEAK_WORDS.search(context):
        return s.make("ratio", s.value, mult.end(), role="peak")
    rest = s.text[mult.end() : mult.end() + 40].lower()
    if re.match(r"\s*(?:more\s+)?reads?\s+(?:than|as)", rest) or re.search(
        r"\b(?:read|viewed|clicked|fetched|accessed|visited)\b", s.before[-40:], re.I
    ):
        return s.make("ratio", s.value, mult.end(), role="read_write")
    if re.match(r"\s*(?:more\s+)?writes?\s+(?:than|as)", rest) and s.value:
        return s.make("ratio", 1 / s.value, mult.end(), role="read_write")
    return None


def _classify(text: str, m: re.Match[str]) -> Quantity | None:
    value = number_value(m)
    spot = _Spot(
        text,
        m,
        value,
        m.start(),
        m.end(),
        clause_before(text, m.start()),
        clause_after(text, m.end()),
    )
    for classify in (_money, _percent, _size, _duration, _multiplier):
        found = classify(spot)
        if found is not None:
            return found
    return _classify_counted(text, m, value, spot.before)


def _classify_counted(text: str, m: re.Match[str], value: float, before: str) -> Quantity | None:
    """Numbers followed by a noun: users, rates ('10M new pastes a month'), counts."""
    start, end = m.start(), m.end()
    noun = noun_after(text, end)
    pos = noun.end
    period_m = PERIOD_RE.match(text, pos)
    if noun.head is None and period_m and period_m.group("qps"):
        noun = NounPhrase("request", noun.modifiers, pos)
    if noun.head is None:
        return None
    per_user = False
    if pu := PER_USER_RE.match(text, pos):
        per_user, pos = True, pu.end()
    # up to three filler words ("created", "are", "uploaded") before the period phrase
    verbs: list[str] = []
    scan = pos
    for _ in range(3):
        if PERIOD_RE.match(text, scan):
            break
        w = WORD_RE.match(text, scan)
        if w is None or w.group("w").lower() not in FILLER_WORDS:
            break
        verbs.append(w.group("w").lower())
        scan = w.end()
    if every := EVERY_N_RE.match(text, scan):  # "100 metrics every 10 seconds"
        unit = every.group("u").lower()
        period_name = PERIOD_WORDS.get(unit) or PERIOD_WORDS[unit.removesuffix("s")]
        value /= float(every.group("n"))
        scan = every.end()
        period_m = None
    else:
        period_name = None
    period_m = PERIOD_RE.match(text, scan) if period_name is None else None
    if period_m:
        pos = period_m.end()
        if not per_user and (pu := PER_USER_RE.match(text, pos)):
            per_user, pos = True, pu.end()
    period = period_of(period_m) if period_m else period_name
    if period_name:
        pos = scan
    if noun.head in USER_NOUNS or noun.head in ("dau", "mau"):
        kind, role = user_kind(noun, period, text[pos : pos + 30])
        return Quantity(
            kind, value, text[start:pos].strip(), noun=noun.head, role=role, start=start, end=pos
        )
    role = noun_role(NounPhrase(noun.head, noun.modifiers + verbs, pos))
    if noun.head == "time":  # "opens the timeline 20 times a day": the verb says what it is
        role = action_role(before) or role
    per_object = re.match(
        r"\s*(?:per|for each|for every)\s+(?:new\s+)?(?P<o>[a-z]+)", text[pos:], re.I
    )
    if (
        per_object
        and role == "read"
        and period is None
        and per_object.group("o").lower() not in PERIOD_WORDS
        and singular(per_object.group("o")) not in USER_NOUNS
    ):  # "100 searches per reservation": a read:write ratio
        stop = pos + per_object.end()
        return Quantity(
            "ratio",
            value,
            text[start:stop].strip(),
            noun=noun.head,
            role="read_write",
            start=start,
            end=stop,
        )
    if period is None and (role or noun.head in ("time",)):
        # "10M new pastes and 100M reads a month": share the clause's period
        rest = clause_after(text, pos, 80)
        later = PERIOD_RE.search(rest)
        if (
            later
            and (later.group("unit") or later.group("adv"))
            and not re.search(r"[(]|\bevery\b", rest[: later.start()])
        ):
            period = period_of(later)
    if period is None:
        return Quantity(
            "count", value, text[start:pos].strip(), noun=noun.head, role=role, start=start, end=pos
        )
    # a per-user rate: explicit ('per user', 'each') or a user subject with a small number
    if not per_user and noun.head == "time":
        per_user = value * PERIOD_SECONDS["day"] / PERIOD_SECONDS[period] <= 1000
    if not per_user and re.search(
        r"\b(?:users?|customers?|riders?|members?|people|players?|each|every\s+\w+|on average)"
        r"\b(?:\s+[a-z]+){0,3}\s*$",
        before,
        re.I,
    ):
        per_day = value * PERIOD_SECONDS["day"] / PERIOD_SECONDS[period]
        per_user = per_day <= 1000
    bound: Literal["peak"] | None = (
        "peak" if PEAK_WORDS.search(before[-25:] + text[pos : pos + 15]) else None
    )
    return Quantity(
        "rate",
        value,
        text[start:pos].strip(),
        noun=noun.head,
        role=role,
        period=period,
        per_user=per_user,
        bound=bound,
        start=start,
        end=pos,
    )


def _ratios(text: str) -> list[Quantity]:
    """Read:write ratios written as 'read:write 100:1', 'reads 10:1', '1:100 write to read'."""
    found: list[Quantity] = []
    for m in RATIO_RE.finditer(text):
        label = clause_before(text, m.start(), 40) + " | " + clause_after(text, m.end(), 30)
        low = label.lower()
        if not re.search(r"read|write|ratio|peak", low):
            continue
        a, b = float(m.group("a")), float(m.group("b"))
        phrase = text[m.start() : m.end()]
        if b == 0:
            raise implausible(phrase, "a ratio cannot have 0 as its second term")
        role = "read_write"
        ri, wi = low.find("read"), low.find("write")
        if "read" not in low and "write" not in low:
            role = "peak" if "peak" in low else "read_write"
        elif wi >= 0 and (ri < 0 or wi < ri):
            a, b = b, a  # "write:read 1:100" -> 100 reads per write
        found.append(
            Quantity("ratio", a / b, phrase.strip(), role=role, start=m.start(), end=m.end())
        )
    return found


def extract_quantities(text: str) -> list[Quantity]:
    """Every recognisable quantity in `text`, in order of appearance.

    Raises ImplausibleNumberError for the first impossible one.
    """
    found = _ratios(text)
    taken = [(q.start, q.end) for q in found]
    for m in NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if (m.group("word") or "").lower() in ("one",) and not re.match(
            r"\s+[a-z]", text[m.end() :], re.I
        ):
            continue
        q = _classify(text, m)
        if q is None:
            continue
        check_plausible(q)
        found.append(q)
        taken.append((q.start, q.end))
    return sorted(found, key=lambda q: q.start)


__all__ = [
    "MAX_RATE_PER_SECOND",
    "MAX_USERS",
    "PERIOD_SECONDS",
    "Quantity",
    "QuantityKind",
    "ValueKind",
    "check_plausible",
    "extract_quantities",
    "parse_value",
]
