"""Numbers as people write them, read into typed quantities in base units."""

from __future__ import annotations

import pytest

from agents.errors import ImplausibleNumberError
from agents.quantities import Quantity, extract_quantities, parse_value


def one(text: str) -> Quantity:
    found = extract_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("10M DAU", "dau", 10e6),
        ("10 million daily active users", "dau", 10e6),
        ("30M daily users", "dau", 30e6),
        ("300M MAU", "mau", 300e6),
        ("5M riders", "users", 5e6),
        ("a million users", "users", 1e6),
        ("3x10^6 users", "users", 3e6),
        ("20 cities", "count", 20),
        ("two regions", "count", 2),
    ],
)
def test_users_and_counts(text: str, kind: str, value: float) -> None:
    q = one(text)
    assert (q.kind, q.value) == (kind, value)
    assert q.phrase == text


def test_count_nouns_are_attached() -> None:
    assert one("20 cities").noun == "city"
    assert one("two regions").noun == "region"
    assert one("5M riders").noun == "rider"
    assert one("1M concurrent users").role == "concurrent"


@pytest.mark.parametrize(
    ("text", "role", "noun", "value", "period", "per_second"),
    [
        ("1.5 billion requests a day", "request", "request", 1.5e9, "day", 1.5e9 / 86400),
        ("100k writes/s", "write", "write", 1e5, "second", 1e5),
        ("10M new pastes a month", "write", "paste", 1e7, "month", 1e7 / 2_592_000),
        ("100M reads per month", "read", "read", 1e8, "month", 1e8 / 2_592_000),
        ("100M paste views a month", "read", "view", 1e8, "month", 1e8 / 2_592_000),
        ("50k QPS", "request", "request", 5e4, "second", 5e4),
        ("10B requests per day", "request", "request", 1e10, "day", 1e10 / 86400),
    ],
)
def test_rates(
    text: str, role: str, noun: str, value: float, period: str, per_second: float
) -> None:
    q = one(text)
    assert q.kind == "rate"
    assert (q.role, q.noun, q.value, q.period) == (role, noun, value, period)
    assert q.per_second == pytest.approx(per_second)


def test_a_rate_shares_its_clause_period() -> None:
    pastes, reads, size = extract_quantities(
        "A pastebin with 10M new pastes and 100M reads a month, ~1 KB each."
    )
    assert (pastes.role, pastes.period, pastes.noun) == ("write", "month", "paste")
    assert (reads.role, reads.period) == ("read", "month")
    assert (size.kind, size.value, size.noun) == ("size", 1000, "paste")


def test_per_user_rates() -> None:
    q = one("Users post 2 tweets a day on average")
    assert (q.per_user, q.value, q.period, q.role) == (True, 2, "day", "write")
    assert one("5 notifications each a day").per_user
    assert not one("10M new pastes a month").per_user


def test_peak_rate() -> None:
    assert one("50k read QPS at peak").bound == "peak"


@pytest.mark.parametrize(
    ("text", "value", "role", "noun"),
    [
        ("1 KB per paste", 1000, "object", "paste"),
        ("average video 50 MB", 50e6, "media", "video"),
        ("500B of metadata", 500, "metadata", "metadata"),
        ("2 GiB", 2 * 1024**3, "object", None),
        ("1-2 KB", 1500, "object", None),
    ],
)
def test_sizes_are_decimal_bytes(text: str, value: float, role: str, noun: str | None) -> None:
    q = one(text)
    assert (q.kind, q.value, q.role, q.noun) == ("size", value, role, noun)


def test_size_bounds_and_periods() -> None:
    biggest, typical = extract_quantities("pastes up to 10 MB, average 1 KB")
    assert (biggest.bound, biggest.value) == ("max", 10e6)
    assert (typical.bound, typical.value) == ("avg", 1e3)
    growth = one("10 GB per day")
    assert (growth.role, growth.period, growth.per_day) == ("growth", "day", 10e9)
    assert one("ingest 100 Mbps").value == 12.5e6


@pytest.mark.parametrize(
    ("text", "seconds", "role", "percentile"),
    [
        ("keep for 3 years", 3 * 365 * 86400, "retention", None),
        ("retain 90 days", 90 * 86400, "retention", None),
        ("p99 < 200 ms", 0.2, "latency", 99.0),
        ("p99 match under 2 s", 2.0, "latency", 99.0),
        ("p95 latency below 150ms", 0.15, "latency", 95.0),
        ("reach everyone within 10 minutes", 600, "window", None),
    ],
)
def test_durations(text: str, seconds: float, role: str, percentile: float | None) -> None:
    q = one(text)
    assert q.kind == "duration"
    assert q.value == pytest.approx(seconds)
    assert (q.role, q.percentile) == (role, percentile)


@pytest.mark.parametrize(
    ("text", "value"), [("99.99%", 99.99), ("four nines", 99.99), ("3 nines uptime", 99.9)]
)
def test_availability(text: str, value: float) -> None:
    q = one(text)
    assert (q.kind, q.role) == ("percent", "availability")
    assert q.value == pytest.approx(value)


def test_durability_and_other_percentages() -> None:
    assert one("99.999999999% durability").role == "durability"
    assert one("grow 150% a year").role == "share"


@pytest.mark.parametrize(
    ("text", "usd"),
    [
        ("$5k/month", 5000),
        ("budget of $40k per month", 40000),
        ("budget $60k a year", 5000),
        ("5000 USD monthly", 5000),
    ],
)
def test_money_per_month(text: str, usd: float) -> None:
    q = one(text)
    assert (q.kind, q.role, q.value) == ("money", "budget", usd)


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("read:write 100:1", 100),
        ("reads 10:1", 10),
        ("write:read 1:100", 100),
        ("10x more reads than writes", 10),
        ("each URL is clicked 100 times", 100),
    ],
)
def test_read_write_ratios(text: str, ratio: float) -> None:
    q = one(text)
    assert (q.kind, q.role, q.value) == ("ratio", "read_write", ratio)


def test_peak_factor_and_clock_times() -> None:
    q = one("peak traffic is 3x the average")
    assert (q.kind, q.role, q.value) == ("ratio", "peak", 3)
    assert extract_quantities("the batch starts at 10:30") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-5M users", "users cannot be negative"),
        ("we expect -100 writes per second", "rate cannot be negative"),
        ("10^30 QPS", "beyond any real system"),
        ("1e30 requests per second", "beyond any real system"),
        ("availability 150%", "availability must be between 0% and 100%"),
        ("20 billion users", "more users than people on earth"),
        ("objects of 0 KB each", "cannot be 0 bytes"),
        ("keep for 200 years", "longer than 100 years"),
        ("read:write 100:0", "0 as its second term"),
        ("0 DAU", "at least one active user"),
        ("peak traffic is 0.5x the average", "peak cannot be below the average"),
        ("a budget of $0/month", "more than $0"),
        ("p99 < 0 ms", "0 seconds"),
    ],
)
def test_implausible_numbers_name_the_phrase(text: str, problem: str) -> None:
    with pytest.raises(ImplausibleNumberError) as err:
        extract_quantities(text)
    message = str(err.value)
    assert problem in message
    assert message.startswith('implausible number "')
    assert "\n" not in message


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("dau", "10M", 10e6),
        ("dau", 2_000_000, 2e6),
        ("percent", "99.99%", 99.99),
        ("percent", 0.999, 99.9),
        ("percent", "four nines", 99.99),
        ("money", "$5k/month", 5000),
        ("money", "$60k/year", 5000),
        ("retention", "3 years", 3 * 365 * 86400),
        ("retention", 30, 30 * 86400),
        ("ratio", "100:1", 100),
        ("size", "1 KB", 1000),
        ("size", 512, 512),
        ("latency", "200 ms", 0.2),
        ("latency", 200, 0.2),
        ("count", 2, 2),
    ],
)
def test_front_matter_values(kind: str, raw: object, value: float) -> None:
    q = parse_value(kind, raw, "key")  # type: ignore[arg-type]
    assert q.value == pytest.approx(value)


def test_front_matter_rate_and_errors() -> None:
    q = parse_value("rate", "10M/month", "writes", role="write")
    assert (q.value, q.period, q.role) == (10e6, "month", "write")
    with pytest.raises(ValueError, match="no number"):
        parse_value("dau", "lots", "dau")
    with pytest.raises(ImplausibleNumberError, match="availability: 150%"):
        parse_value("percent", "150%", "availability")


def test_every_n_units_and_times_a_day() -> None:
    q = one("100 metrics every 10 seconds")
    assert (q.kind, q.value, q.period) == ("rate", 10, "second")
    posts, opens = extract_quantities(
        "Each user posts 2 times a day and opens their\nhome timeline 20 times a day."
    )
    assert (posts.role, posts.per_user, posts.value) == ("write", True, 2)
    assert (opens.role, opens.per_user, opens.value) == ("read", True, 20)


def test_reads_per_written_object_is_a_ratio() -> None:
    q = one("100 searches per reservation")
    assert (q.kind, q.role, q.value) == ("ratio", "read_write", 100)


def test_a_bullet_dash_is_not_a_minus_sign() -> None:
    q = one("- 1M reservations a day")
    assert (q.kind, q.value) == ("rate", 1e6)
