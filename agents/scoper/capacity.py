"""The capacity chain: assumptions -> rates -> storage -> bandwidth -> cache (-> extras).

Every Estimate is computed by evaluating its own formula over named inputs with
`agents.formula.evaluate`, so the value shown is exactly what the formula gives. A month is
30 days and a year 365 days. Archetype-specific links are added when the system needs them:
media storage and egress, realtime connections, feed fan-out, short-key space, location updates.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from ..artefacts import Estimate, EstimateUnit
from ..formula import evaluate
from . import display
from .inputs import AssumptionSet

# period of a stated total -> formula converting it to per day
_TO_PER_DAY: dict[str, Callable[[str], str]] = {
    "second": lambda n: f"{n} * seconds_per_day",
    "minute": lambda n: f"{n} * 1440",
    "hour": lambda n: f"{n} * 24",
    "day": lambda n: n,
    "week": lambda n: f"{n} / 7",
    "month": lambda n: f"{n} / days_per_month",
    "year": lambda n: f"{n} / days_per_year",
}

_DISPLAY: dict[str, Callable[[float], str]] = {
    "req/s": display.rate,
    "bytes/s": display.bandwidth,
    "count": display.count,
    "USD/month": lambda v: f"{display.money(v)}/month",
    "per_day": lambda v: f"{display.count(v)}/day",
    "per_month": lambda v: f"{display.count(v)}/month",
    "seconds": display.duration,
}


def _names(formula: str) -> list[str]:
    tree = ast.parse(formula, mode="eval")
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - calls)


@dataclass
class Chain:
    """Builds the estimates in derivation order over a growing environment of values."""

    env: dict[str, float]
    estimates: list[Estimate]

    def add(
        self,
        name: str,
        label: str,
        formula: str,
        unit: EstimateUnit,
        note: str,
        suffix: str = "",
    ) -> float:
        """Evaluate `formula`, record the Estimate `name`, and make it usable downstream."""
        inputs = {n: self.env[n] for n in _names(formula)}
        value = evaluate(formula, inputs)
        shown = (display.size(value) if unit == "bytes" else _DISPLAY[unit](value)) + suffix
        self.estimates.append(
            Estimate(
                name=name,
                label=label,
                value=value,
                unit=unit,
                display=shown,
                formula=formula,
                inputs=inputs,
                note=note,
            )
        )
        self.env[name] = value
        return value


def _total_per_day(a: AssumptionSet, kind: str) -> str:
    period = a.total_period[kind]
    return _TO_PER_DAY[period](f"stated_{kind}_per_{period}")


def _writes_formula(a: AssumptionSet) -> tuple[str, str]:
    src = a.writes_source
    if src == "total":
        return _total_per_day(a, "writes"), "the stated total wins"
    if src == "peak":
        return f"{_total_per_day(a, 'peak_writes')} / peak_factor", "stated peak / peak factor"
    if src == "requests":
        return (
            f"{_total_per_day(a, 'requests')} / (1 + reads_per_write)",
            "the write share of the stated requests",
        )
    if src == "peak_requests":
        return (
            f"{_total_per_day(a, 'peak_requests')} / peak_factor / (1 + reads_per_write)",
            "the write share of the stated peak requests",
        )
    if src == "reads":
        return "reads_per_day / reads_per_write", "the stated reads / the read:write ratio"
    return "dau * writes_per_user_per_day", "active users x writes per user"


def _reads_formula(a: AssumptionSet) -> tuple[str, str]:
    src = a.reads_source
    if src == "total" or (src == "reads" and "reads" in a.total_period):
        return _total_per_day(a, "reads"), "the stated total"
    if src == "peak" or src == "reads":
        return f"{_total_per_day(a, 'peak_reads')} / peak_factor", "stated peak / peak factor"
    if src == "requests":
        return (
            f"{_total_per_day(a, 'requests')} * reads_per_write / (1 + reads_per_write)",
            "the read share of the stated requests",
        )
    if src == "peak_requests":
        return (
            f"{_total_per_day(a, 'peak_requests')} / peak_factor * reads_per_write / "
            "(1 + reads_per_write)",
            "the read share of the stated peak requests",
        )
    if src == "per_user":
        return "dau * reads_per_user_per_day", "active users x reads per user"
    return "writes_per_day * reads_per_write", "writes x the read:write ratio"


def _rates(c: Chain, a: AssumptionSet, write_noun: str, read_noun: str) -> None:
    wn, rn = display.plural(write_noun), display.plural(read_noun)
    steps = [
        ("writes_per_day", f"new {wn} per day", *_writes_formula(a)),
        ("reads_per_day", f"{rn} per day", *_reads_formula(a)),
    ]
    if a.writes_source == "reads":  # writes follow from the stated reads
        steps.reverse()
    for name, label, formula, note in steps:
        c.add(name, label, formula, "per_day", note)
    c.add(
        "write_qps_avg",
        "average write rate",
        "writes_per_day / seconds_per_day",
        "req/s",
        "a day has 86,400 s",
    )
    c.add(
        "read_qps_avg",
        "average read rate",
        "reads_per_day / seconds_per_day",
        "req/s",
        "a day has 86,400 s",
    )
    c.add(
        "write_qps_peak",
        "peak write rate",
        "write_qps_avg * peak_factor",
        "req/s",
        "the peak, not the average, sizes the write path",
    )
    c.add(
        "read_qps_peak",
        "peak read rate",
        "read_qps_avg * peak_factor",
        "req/s",
        "sizes the read path, caches and replicas",
    )


def _storage(c: Chain, a: AssumptionSet, write_noun: str) -> None:
    wn = display.plural(write_noun)
    c.add(
        "storage_per_day",
        f"new {wn} stored per day",
        "writes_per_day * (object_bytes + metadata_bytes)",
        "bytes",
        "content plus metadata, before replication",
        "/day",
    )
    c.add(
        "storage_per_month",
        "new content per month",
        "storage_per_day * days_per_month",
        "bytes",
        "a month is 30 days",
        "/month",
    )
    c.add(
        "storage_per_year",
        "new content per year",
        "storage_per_day * days_per_year",
        "bytes",
        "growth to plan capacity for",
        "/year",
    )
    c.add(
        "storage_total",
        "data kept over the retention period",
        "storage_per_day * retention_days",
        "bytes",
        "before replication; multiply by the store's replication factor for raw disk",
    )
    media = "media" in a.features
    # what one read delivers of the media: the streamed part when estimated, else the file
    per_read = "media_bytes"
    if media and "watch_minutes_per_view" in c.env and "delivered_bitrate_bps" in c.env:
        per_read = "bytes_per_view"
        c.add(
            "bytes_per_view",
            "media bytes delivered per view",
            "watch_minutes_per_view * 60 * delivered_bitrate_bps / 8",
            "bytes",
            "minutes watched × delivered bitrate; not the uploaded file",
        )
    ingress = (
        "write_qps_peak * (object_bytes + media_share * media_bytes)"
        if media
        else "write_qps_peak * object_bytes"
    )
    c.add("ingress_bandwidth", "peak ingress", ingress, "bytes/s", "upload bandwidth at peak")
    c.add(
        "egress_bandwidth",
        "peak egress (API responses)",
        "read_qps_peak * object_bytes",
        "bytes/s",
        "response bandwidth at peak" + ("; media is counted separately" if media else ""),
    )
    monthly = (
        f"reads_per_day * (object_bytes + media_share * {per_read}) * days_per_month"
        if media
        else "reads_per_day * object_bytes * days_per_month"
    )
    c.add(
        "egress_per_month",
        "egress per month (average traffic)",
        monthly,
        "bytes",
        "what the egress/CDN bill is based on",
        "/month",
    )
    c.add(
        "cache_memory",
        "cache memory for the hot set",
        "min(cache_hot_fraction * reads_per_day * (object_bytes + metadata_bytes), storage_total)",
        "bytes",
        "hot fraction of a day's read working set (80/20 rule), capped at all data",
    )


def _extras(c: Chain, a: AssumptionSet) -> None:
    if "media" in a.features:
        c.add(
            "media_storage_per_day",
            "new media per day",
            "writes_per_day * media_share * media_bytes",
            "bytes",
            "object storage growth; originals before transcoding copies",
            "/day",
        )
        c.add(
            "media_storage_total",
            "media kept over the retention period",
            "media_storage_per_day * retention_days",
            "bytes",
            "object storage at the end of the retention period",
        )
        if c.env.get("media_share", 0) > 0:
            # only the writes that attach a file hit the object store with a PUT
            c.add(
                "media_uploads_per_sec",
                "media uploads per second (average)",
                "write_qps_avg * media_share",
                "req/s",
                "object-store PUTs and transcode jobs: only media_share of writes carry a file",
            )
            c.add(
                "media_uploads_peak_per_sec",
                "media uploads per second at peak",
                "write_qps_peak * media_share",
                "req/s",
                "sizes the upload path and the media workers at peak",
            )
        c.add(
            "media_egress",
            "peak media egress",
            "read_qps_peak * media_share * "
            + ("bytes_per_view" if "bytes_per_view" in c.env else "media_bytes"),
            "bytes/s",
            "served from a CDN; sizes the origin and the CDN bill",
        )
    if "realtime" in a.features:
        c.add(
            "concurrent_connections",
            "concurrent connections at peak",
            "dau * concurrent_share",
            "count",
            "open WebSocket/long-poll connections the gateways hold",
        )
    if "feed" in a.features:
        c.add(
            "fanout_writes_per_sec",
            "feed fan-out writes at peak",
            "write_qps_peak * avg_followers",
            "req/s",
            "fan-out on write: each post is copied to every follower's feed",
        )
    if "geo" in a.features:
        c.add(
            "location_updates_per_sec",
            "location updates per second",
            "dau * tracked_share / location_update_interval_s",
            "req/s",
            "each online device reports its position every few seconds",
        )
    if "keys" in a.features:
        c.add(
            "keys_needed",
            "unique keys over the retention period",
            "max(writes_per_day * retention_days, 2)",
            "count",
            "every key ever issued while its data is kept must stay unique",
        )
        c.add(
            "key_length",
            "key length in base62 characters",
            "ceil(log(keys_needed) / log(62))",
            "count",
            "shortest base62 key that can number every key (add one for headroom)",
        )


def _events(c: Chain, a: AssumptionSet) -> None:
    """Other stated events ('1M rides a day'): their average rate, for the roles that need it."""
    for ident, period in a.events.items():
        per_day = _TO_PER_DAY[period](f"stated_{ident}_per_{period}")
        label = f"average {ident.replace('_', ' ')} per second"
        note = "a stated event rate besides the main reads and writes"
        c.add(f"{ident}_per_sec", label, f"{per_day} / seconds_per_day", "req/s", note)


def capacity_chain(a: AssumptionSet, write_noun: str, read_noun: str) -> list[Estimate]:
    """The estimates for these assumptions, in derivation order."""
    chain = Chain(env=dict(a.values), estimates=[])
    _rates(chain, a, write_noun, read_noun)
    _storage(chain, a, write_noun)
    _extras(chain, a)
    _events(chain, a)
    return chain.estimates
