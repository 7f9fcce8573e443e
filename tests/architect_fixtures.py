"""Hand-built Scopes for the architect tests (independent of the scoper's heuristics).

`make_scope` derives the capacity chain the way the scoper does (contract estimate names and base
units), so the architect can be tested on several systems with known numbers.
"""

from __future__ import annotations

from typing import Any

from agents.artefacts import Assumption, Estimate, Requirement, Scope
from agents.kb import KnowledgeBase

SECONDS_PER_DAY = 86400.0


def _fmt(value: float, unit: str) -> str:
    if unit == "bytes" or unit == "bytes/s":
        size, shown = value, "B"
        for suffix in ("B", "KB", "MB", "GB", "TB", "PB"):
            shown = suffix
            if size < 1000:
                break
            size /= 1000
        return f"{size:.1f} {shown}" + ("/s" if unit == "bytes/s" else "")
    if unit == "req/s":
        return f"{value:,.0f}/s"
    return f"{value:,.0f}"


def _assumption(name: str, value: float, unit: str = "count") -> Assumption:
    return Assumption(
        name=name,
        label=name.replace("_", " "),
        value=value,
        unit=unit,
        display=_fmt(value, unit if unit == "bytes" else "count"),
        provenance="assumed",
        why="test fixture",
    )


def make_scope(
    kb: KnowledgeBase,
    archetype: str,
    *,
    dau: float,
    writes_per_user_per_day: float,
    reads_per_write: float,
    object_bytes: float,
    retention_days: float,
    metadata_bytes: float = 300,
    peak_factor: float = 3.0,
    availability: float | None = 99.9,
    p99_ms: float | None = 200,
    budget: float | None = None,
    durability: float | None = None,
    media_bytes: float = 0.0,
    media_share: float = 0.0,
    fanout: float = 0.0,
    connections_share: float = 0.0,
    extra_capabilities: tuple[str, ...] = (),
    summary: str = "",
) -> Scope:
    arch = kb.archetypes[archetype]
    caps = list(dict.fromkeys([*arch.capabilities, *extra_capabilities]))
    functional: list[Requirement] = []
    for text in arch.functional:
        functional.append(Requirement(id=f"FR-{len(functional) + 1}", kind="functional", text=text))
    for cap_id in caps:
        for text in kb.capabilities[cap_id].functional:
            functional.append(
                Requirement(
                    id=f"FR-{len(functional) + 1}", kind="functional", text=text, capability=cap_id
                )
            )
    nfrs: list[Requirement] = []

    def nfr(metric: str, target: float, unit: str, text: str) -> None:
        nfrs.append(
            Requirement(
                id=f"NFR-{len(nfrs) + 1}",
                kind="non_functional",
                text=text,
                metric=metric,
                target=target,
                unit=unit,
            )
        )

    if availability is not None:
        nfr("availability", availability, "percent", f"{availability}% available")
    if p99_ms is not None:
        nfr("latency_p99", p99_ms / 1000, "seconds", f"p99 under {p99_ms} ms")
    if durability is not None:
        nfr("durability", durability, "percent", f"durability {durability}%")
    if budget is not None:
        nfr("budget", budget, "USD/month", f"budget ${budget:,.0f}/month")
    assumptions = [
        _assumption("dau", dau),
        _assumption("writes_per_user_per_day", writes_per_user_per_day),
        _assumption("reads_per_write", reads_per_write, "ratio"),
        _assumption("object_bytes", object_bytes, "bytes"),
        _assumption("metadata_bytes", metadata_bytes, "bytes"),
        _assumption("retention_days", retention_days, "days"),
        _assumption("peak_factor", peak_factor, "ratio"),
        _assumption("seconds_per_day", SECONDS_PER_DAY, "seconds"),
        _assumption("cache_hot_fraction", 0.2, "ratio"),
    ]
    if media_bytes:
        assumptions += [
            _assumption("media_bytes", media_bytes, "bytes"),
            _assumption("media_share", media_share, "ratio"),
        ]
    estimates: list[Estimate] = []

    def est(name: str, value: float, unit: str, formula: str, inputs: dict[str, float]) -> float:
        estimates.append(
            Estimate(
                name=name,
                label=name.replace("_", " "),
                value=value,
                unit=unit,
                display=_fmt(value, unit),
                formula=formula,
                inputs=inputs,
            )
        )
        return value

    wpd = est(
        "writes_per_day",
        dau * writes_per_user_per_day,
        "per_day",
        "dau * writes_per_user_per_day",
        {"dau": dau, "writes_per_user_per_day": writes_per_user_per_day},
    )
    rpd = est(
        "reads_per_day",
        wpd * reads_per_write,
        "per_day",
        "writes_per_day * reads_per_write",
        {"writes_per_day": wpd, "reads_per_write": reads_per_write},
    )
    wavg = est(
        "write_qps_avg",
        wpd / SECONDS_PER_DAY,
        "req/s",
        "writes_per_day / seconds_per_day",
        {"writes_per_day": wpd, "seconds_per_day": SECONDS_PER_DAY},
    )
    ravg = est(
        "read_qps_avg",
        rpd / SECONDS_PER_DAY,
        "req/s",
        "reads_per_day / seconds_per_day",
        {"reads_per_day": rpd, "seconds_per_day": SECONDS_PER_DAY},
    )
    est(
        "write_qps_peak",
        wavg * peak_factor,
        "req/s",
        "write_qps_avg * peak_factor",
        {"write_qps_avg": wavg, "peak_factor": peak_factor},
    )
    est(
        "read_qps_peak",
        ravg * peak_factor,
        "req/s",
        "read_qps_avg * peak_factor",
        {"read_qps_avg": ravg, "peak_factor": peak_factor},
    )
    record = object_bytes + metadata_bytes
    spd = est(
        "storage_per_day",
        wpd * record,
        "bytes",
        "writes_per_day * (object_bytes + metadata_bytes)",
        {"writes_per_day": wpd, "object_bytes": object_bytes, "metadata_bytes": metadata_bytes},
    )
    est("storage_per_year", spd * 365, "bytes", "storage_per_day * 365", {"storage_per_day": spd})
    est(
        "storage_total",
        spd * retention_days,
        "bytes",
        "storage_per_day * retention_days",
        {"storage_per_day": spd, "retention_days": retention_days},
    )
    est(
        "ingress_bandwidth",
        wavg * peak_factor * record,
        "bytes/s",
        "write_qps_peak * (object_bytes + metadata_bytes)",
        {},
    )
    est(
        "egress_bandwidth",
        ravg * peak_factor * object_bytes,
        "bytes/s",
        "read_qps_peak * object_bytes",
        {},
    )
    est(
        "cache_memory",
        rpd * object_bytes * 0.2,
        "bytes",
        "reads_per_day * object_bytes * cache_hot_fraction",
        {},
    )
    if media_bytes:
        mpd = est(
            "media_storage_per_day",
            wpd * media_share * media_bytes,
            "bytes",
            "writes_per_day * media_share * media_bytes",
            {},
        )
        est(
            "media_egress",
            mpd * reads_per_write / SECONDS_PER_DAY * peak_factor,
            "bytes/s",
            "media_storage_per_day * reads_per_write / seconds_per_day * peak_factor",
            {},
        )
    if fanout:
        est(
            "fanout_writes_per_sec",
            wavg * peak_factor * fanout,
            "req/s",
            "write_qps_peak * fanout",
            {},
        )
    if connections_share:
        est(
            "concurrent_connections",
            dau * connections_share,
            "count",
            "dau * connections_share",
            {},
        )
    return Scope(
        system_name=arch.name,
        summary=summary or f"A {arch.name}.",
        archetype=archetype,
        archetype_score=1.0,
        capabilities=caps,
        functional=functional,
        non_functional=nfrs,
        assumptions=assumptions,
        estimates=estimates,
    )


def pastebin(kb: KnowledgeBase, **overrides: Any) -> Scope:
    """10M users, reads 5:1, 10 KB pastes, one year, 99.9%, p99 200 ms, $3k/month."""
    params: dict[str, Any] = dict(
        dau=2_000_000,
        writes_per_user_per_day=0.5,
        reads_per_write=5,
        object_bytes=10_000,
        retention_days=365,
        availability=99.9,
        p99_ms=200,
        budget=3000,
    )
    params.update(overrides)
    return make_scope(kb, "pastebin", **params)


def chat(kb: KnowledgeBase, **overrides: Any) -> Scope:
    """50M DAU, 40 messages a day, fan-out to 5 devices/members, 99.99%, p99 500 ms."""
    params: dict[str, Any] = dict(
        dau=50_000_000,
        writes_per_user_per_day=40,
        reads_per_write=2,
        object_bytes=200,
        retention_days=1825,
        availability=99.99,
        p99_ms=500,
        media_bytes=200_000,
        media_share=0.05,
        fanout=5,
        connections_share=0.3,
    )
    params.update(overrides)
    return make_scope(kb, "chat", **params)


def url_shortener(kb: KnowledgeBase, **overrides: Any) -> Scope:
    """100M DAU, 100:1 reads, 99.99%, p99 50 ms."""
    params: dict[str, Any] = dict(
        dau=100_000_000,
        writes_per_user_per_day=0.33,
        reads_per_write=100,
        object_bytes=500,
        retention_days=1825,
        availability=99.99,
        p99_ms=50,
        peak_factor=5,
    )
    params.update(overrides)
    return make_scope(kb, "url_shortener", **params)
