"""The lexical layer of `agents.quantities`: numbers with magnitudes, units, periods, clauses.

Sizes are decimal (1 KB = 1,000 bytes; KiB = 1,024); a month is 30 days, a year 365 days.
"""

from __future__ import annotations

import re

from .quantity_words import PERIOD_WORDS

# ---------------------------------------------------------------- numbers

CORE = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?(?:\s*[x×*]\s*10\s*\^\s*[-−]?\d+|\s*\^\s*\d+|[eE][+-]?\d+)?"
    r"|\.\d+)"
)
MAG = r"(?:(?P<mag1>[kmbt])(?![a-z0-9])|\s*(?P<mag2>thousand|million|billion|trillion|mn|bn)\b)?"
WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    "thirty|forty|fifty|hundred"
)
NUMBER_RE = re.compile(
    rf"(?<![\w.,^:/\-−])(?P<neg>[-−])?(?P<core>{CORE})"
    rf"(?:\s*(?:-|–|to)\s*(?P<hi>{CORE})(?![\d.]))?{MAG}"
    rf"|(?<![\w-])(?P<word>{WORDS})(?:\s+(?P<wmag>thousand|million|billion|trillion))?\b"
    rf"|(?<![\w-])an?\s+(?P<amag>thousand|million|billion|trillion|hundred)\b",
    re.IGNORECASE,
)
WORD_VALUES = {
    w: float(v)
    for w, v in zip(WORDS.split("|"), [*range(1, 13), 15, 20, 30, 40, 50, 100], strict=True)
}
MAGNITUDES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "hundred": 1e2,
}


def core_value(core: str) -> float:
    core = core.replace(",", "").replace("−", "-").replace(" ", "")
    mantissa = re.match(r"([\d.]+)[x×*]10\^(-?\d+)$", core)
    if mantissa:
        return float(mantissa.group(1)) * 10.0 ** int(mantissa.group(2))
    power = re.match(r"([\d.]+)\^(\d+)$", core)
    if power:
        exponent = min(int(power.group(2)), 300)  # 10^400 is absurd either way
        return float(power.group(1)) ** exponent
    return float(core)


def number_value(m: re.Match[str]) -> float:
    if m.group("amag"):
        return MAGNITUDES[m.group("amag").lower()]
    if m.group("word"):
        scale = MAGNITUDES[m.group("wmag").lower()] if m.group("wmag") else 1.0
        return WORD_VALUES[m.group("word").lower()] * scale
    value = core_value(m.group("core"))
    if m.group("hi"):  # a range "1-2 KB": use its midpoint
        value = (value + core_value(m.group("hi"))) / 2
    mag = m.group("mag1") or m.group("mag2")
    if mag:
        value *= MAGNITUDES[mag.lower()]
    return -value if m.group("neg") else value


# ---------------------------------------------------------------- units after a number

SIZE_UNITS = {
    "b": 1.0,
    "byte": 1.0,
    "bytes": 1.0,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "pb": 1e15,
    "kib": 1024.0,
    "mib": 1024.0**2,
    "gib": 1024.0**3,
    "tib": 1024.0**4,
    "kilobyte": 1e3,
    "megabyte": 1e6,
    "gigabyte": 1e9,
    "terabyte": 1e12,
    "petabyte": 1e15,
}
SIZE_RE = re.compile(
    r"\s*(?P<u>[kmgtp]i?b|bytes?|b|(?:kilo|mega|giga|tera|peta)bytes?)(?![a-z])", re.I
)
BITRATE_RE = re.compile(r"\s*(?P<u>[kmg])(?:bps|bit/s)\b", re.I)
TIME_UNITS = {
    "ms": 1e-3,
    "msec": 1e-3,
    "millisecond": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "microsecond": 1e-6,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "wk": 604800.0,
    "week": 604800.0,
    "mo": 2592000.0,
    "month": 2592000.0,
    "y": 31536000.0,
    "yr": 31536000.0,
    "year": 31536000.0,
}
TIME_RE = re.compile(
    r"\s*(?P<u>ms|msecs?|milliseconds?|µs|us|microseconds?|secs?|seconds?|s|mins?|minutes?"
    r"|hrs?|hours?|h|days?|d|wks?|weeks?|mos?|months?|yrs?|years?|y)(?![a-z])",
    re.I,
)
PERIOD_RE = re.compile(
    r"\s*(?:(?:/\s*|\bper\s+|\ba\s+|\ban\s+|\beach\s+|\bevery\s+|\bin\s+a\s+)"
    r"(?P<unit>seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wk|months?|mo"
    r"|years?|yrs?|yr|y)\b|(?P<adv>hourly|daily|weekly|monthly|yearly|annually)\b"
    r"|(?P<qps>qps|rps|tps|ops/s|req/s)\b)",
    re.I,
)
EVERY_N_RE = re.compile(
    r"\s*every\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<u>seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|"
    r"days?|d|weeks?|months?|years?)\b",
    re.I,
)
PER_USER_RE = re.compile(
    r"\s*(?:(?:per|/|a|an|each|every|for\s+each)\s+(?:active\s+|daily\s+)?"
    r"(?:user|customer|rider|driver|member|person|account|device|player|dau)\b|each\b)",
    re.I,
)
PERCENT_RE = re.compile(r"\s*(?:%|percent\b|per\s*cent\b)", re.I)
NINES_RE = re.compile(r"\s*(?:nines|9s)\b", re.I)
MULT_RE = re.compile(r"\s*(?:x|×|times)(?![a-z0-9])", re.I)
MONEY_BEFORE_RE = re.compile(r"(?:\$|US\$|USD|€|£)\s*$", re.I)
MONEY_AFTER_RE = re.compile(r"\s*(?:usd|dollars|eur|euros)\b", re.I)
WORD_RE = re.compile(r"\s*(?P<w>[A-Za-z][A-Za-z'-]*)")
# sentence ends, blank lines and list items end a clause; a wrapped line does not
BOUNDARY_RE = re.compile(r"[.;!?](?:\s|$)|\n\s*\n|\n(?=\s*(?:[-*+#|]|\d+[.)])\s)")
RATIO_RE = re.compile(
    r"(?<![\w.:])(?P<a>\d+(?:\.\d+)?)\s*(?::|\bto\b)\s*(?P<b>\d+(?:\.\d+)?)(?![\d:.]*\d)"
)
PERCENTILE_RE = re.compile(
    r"\bp(?P<p>\d{2,3}(?:\.\d+)?)\b|(?P<q>\d{2})(?:th|rd|nd)\s+percentile", re.I
)
LATENCY_WORDS = re.compile(
    r"\bp\d{2}|latenc|respon|load|return|render|match|deliver|within|under|below|<|≤|fast|"
    r"take|lookup|redirect|round.?trip|rtt",
    re.I,
)
RETENTION_WORDS = re.compile(
    r"keep|kept|retain|retention|stor(?:e|ed|ing)|expir|delet|purg|ttl|histor|archiv|\bfor\s*$|"
    r"lifetime|\blast|older than|hold",
    re.I,
)
AVAILABILITY_WORDS = re.compile(r"avail|uptime|\bsla\b|\bslo\b|\bup\b|nines", re.I)
BUDGET_WORDS = re.compile(r"budget|spend|cost|afford|cap\b|limit|infra|bill|under|within", re.I)
MAX_WORDS = re.compile(r"up to|\bmax|at most|limit|no more than|\bcap\b|largest|as large as", re.I)
AVG_WORDS = re.compile(r"aver|avg|mean|typical|about|around|roughly|~|approx", re.I)
PEAK_WORDS = re.compile(r"\bpeak", re.I)


def clause_before(text: str, start: int, limit: int = 80) -> str:
    window = text[max(0, start - limit) : start]
    cuts = list(BOUNDARY_RE.finditer(window))
    return window[cuts[-1].end() :] if cuts else window


def clause_after(text: str, end: int, limit: int = 100) -> str:
    window = text[end : end + limit]
    cut = BOUNDARY_RE.search(window)
    return window[: cut.start()] if cut else window


def period_of(m: re.Match[str]) -> str:
    if m.group("qps"):
        return "second"
    word = (m.group("unit") or m.group("adv")).lower()
    return PERIOD_WORDS[word]
