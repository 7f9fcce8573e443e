"""Observable, secure, maintainable: SLIs/SLOs/dashboards (alerts come from review), security
measures, service boundaries and the design patterns applied."""

from __future__ import annotations

from ..artefacts import Component, Endpoint, Entity, Link, Observability
from ._common import (
    ENTRY_KINDS,
    PRIMARY_STORE_KINDS,
    Ctx,
    fmt_num,
    fmt_percent,
    fmt_rate,
    is_read_cache,
)

MINUTES_PER_30_DAYS = 30 * 24 * 60
DEFAULT_QUEUE_SLO_S = 60


def _names(comps: list[Component]) -> str:
    return ", ".join(c.id for c in comps)


def build_slos(ctx: Ctx, comps: list[Component]) -> list[str]:
    """Objectives tied to the NFR targets (availability, latency, durability, throughput)."""
    noun = ctx.archetype.write_noun if ctx.archetype else "record"
    slos: list[str] = []
    avail = ctx.scope.nfr("availability")
    pct = ctx.availability_pct
    budget_min = (1 - pct / 100) * MINUTES_PER_30_DAYS
    ref = f"{avail.id}: " if avail else "assumed: "
    slos.append(
        f"{ref}{fmt_percent(pct)}% of requests succeed (non-5xx) over 30 days; error budget "
        f"{budget_min:,.1f} min/month"
    )
    lat = ctx.scope.nfr("latency_p99")
    if lat is not None and lat.target:
        slos.append(
            f"{lat.id}: 99% of requests complete within {fmt_num(lat.target * 1000)} ms "
            "at the entry, over 30 days"
        )
    dur = ctx.scope.nfr("durability")
    if dur is not None and dur.target:
        slos.append(
            f"{dur.id}: no acknowledged {noun} is lost (durability {fmt_percent(dur.target)}%)"
        )
    thr = ctx.scope.nfr("throughput")
    if thr is not None and thr.target:
        slos.append(f"{thr.id}: sustain {fmt_rate(thr.target)} without breaching the latency SLO")
    if any(c.kind in ("queue", "stream_processor") for c in comps):
        slos.append(
            f"assumed: 95% of asynchronous events processed within "
            f"{DEFAULT_QUEUE_SLO_S} s of the write"
        )
    return slos


def build_observability(
    ctx: Ctx, comps: list[Component], endpoints: list[Endpoint]
) -> Observability:
    entry = next((c for c in comps if c.kind in ENTRY_KINDS), comps[0])
    services = [c for c in comps if c.kind in ("service", "websocket_gateway", "worker")]
    stores = [
        c
        for c in comps
        if c.kind in PRIMARY_STORE_KINDS or c.kind in ("search_index", "time_series_db", "graph_db")
    ]
    caches = [c for c in comps if is_read_cache(c)]
    queues = [c for c in comps if c.kind in ("queue", "stream_processor")]
    reads = [e for e in endpoints if e.method == "GET"][:1]
    writes = [e for e in endpoints if e.method != "GET"][:1]
    slis = [
        f"availability: share of non-5xx responses at {entry.id}",
        "latency: p99 at "
        + entry.id
        + " of "
        + ", ".join(f"{e.method} {e.path}" for e in writes + reads),
    ]
    if stores:
        slis.append(f"store latency and replication lag: {_names(stores)}")
    if caches:
        slis.append(f"cache hit ratio of {_names(caches)} (hot set {ctx.display('cache_memory')})")
    if queues:
        slis.append(f"consumer lag (age of the oldest unprocessed event) of {_names(queues)}")
    if any(c.kind == "websocket_gateway" for c in comps):
        slis.append("connected clients and push delivery latency at the websocket gateway")
    dashboards = [
        f"golden signals per tier ({_names([entry, *services])}): rate, errors, "
        "duration, saturation",
        f"capacity: peak load vs sized capacity per component (read peak "
        f"{fmt_rate(ctx.read_peak)}, write peak {fmt_rate(ctx.write_peak)})",
    ]
    if stores:
        dashboards.append(
            f"data tier ({_names(stores)}): query p99, replication lag, disk used "
            f"vs storage_total {ctx.display('storage_total')}"
        )
    if caches:
        dashboards.append(f"cache ({_names(caches)}): hit ratio, evictions, memory used")
    if queues:
        dashboards.append(f"async ({_names(queues)}): depth, consumer lag, redeliveries")
    front = [c for c in services if c.kind != "worker"][:2]
    store_ids = ", ".join(c.id for c in stores[:3])
    tracing = (
        f"OpenTelemetry: a trace id starts at {entry.id} and propagates through "
        f"{_names(front)}{' to ' + store_ids if store_ids else ''} and across the queue "
        "as a message header; sample 1% of requests and every error"
    )
    return Observability(
        slis=slis, slos=build_slos(ctx, comps), dashboards=dashboards, alerts=[], tracing=tracing
    )


def build_security(
    ctx: Ctx, comps: list[Component], endpoints: list[Endpoint], entities: list[Entity]
) -> list[str]:
    entry = next((c for c in comps if c.kind in ENTRY_KINDS), comps[0])
    stores = [c for c in comps if c.stateful and c.instances > 0]
    writes = [f"{e.method} {e.path}" for e in endpoints if e.method != "GET"][:3]
    out = [
        f"TLS 1.2+ terminates at {entry.id}; HTTP is redirected to HTTPS",
        f"authentication on writes ({', '.join(writes) or 'all mutating calls'}): OAuth2 "
        "bearer tokens or API keys, verified at the edge",
        "authorisation per resource: only the owner may modify or delete what they created",
        f"data components ({_names(stores)}) in private subnets; only the service tier's "
        "security group may connect"
        if stores
        else "managed data services reached through VPC endpoints with IAM roles, no public access",
        "secrets (database credentials, API keys) in a secret manager, rotated; none in "
        "images or environment files",
    ]
    if ctx.has("object_bytes"):
        out.append(
            f"request bodies validated and capped (typical {ctx.display('object_bytes')}"
            "); larger bodies rejected with 413"
        )
    if ctx.media:
        out.append(
            "uploads via short-lived signed URLs; content-type and malware scanning "
            "before objects are served"
        )
    if ctx.transactional:
        out.append(
            "append-only audit log of every money or inventory movement; card data stays "
            "with the payment provider (PCI scope kept out)"
        )
    if ctx.has("retention_days"):
        out.append(
            f"data deleted after the retention period ({ctx.display('retention_days')}); "
            "user deletion requests honoured"
        )
    pii = [
        e.name
        for e in entities
        if any(f.name in ("email", "phone", "name", "ip", "address") for f in e.fields)
    ]
    if pii:
        out.append(f"personal data in {', '.join(pii)}: minimised, access-logged")
    return out


def build_maintainability(
    ctx: Ctx, comps: list[Component], links: list[Link], endpoints: list[Endpoint]
) -> list[str]:
    out: list[str] = []
    by_id = {c.id: c for c in comps}
    for comp in comps:
        if comp.kind not in ("service", "worker", "websocket_gateway"):
            continue
        owns = [f"{e.method} {e.path}" for e in endpoints if e.component == comp.id]
        calls = sorted({by_id[lk.target].id for lk in links if lk.source == comp.id})
        out.append(
            f"service boundary {comp.id}: owns {', '.join(owns[:4]) or 'no public API'}; "
            f"depends on {', '.join(calls) or 'nothing'}"
        )
    for store in (c for c in comps if c.kind in PRIMARY_STORE_KINDS or c.kind == "object_store"):
        owners = sorted(
            {
                lk.source
                for lk in links
                if lk.target == store.id and by_id[lk.source].kind in ("service", "worker")
            }
        )
        if owners:
            out.append(
                f"{store.id} is owned by {', '.join(owners)}: other services go "
                "through their API, never to the data directly"
            )
    out.append("versioned public API (/v1): additive changes only; consumer contract tests in CI")
    if any(c.kind == "sql_db" for c in comps):
        out.append("schema migrations expand → migrate → contract, each step deployable alone")
    if any(c.kind in ("queue", "stream_processor") for c in comps):
        noun = ctx.archetype.write_noun if ctx.archetype else "record"
        out.append(
            f"event schema '{noun}.created' carries a version field; consumers ignore "
            "unknown fields"
        )
    out.append(
        "infrastructure as code; canary deploys of each service with automatic rollback on SLO burn"
    )
    return out


def _pattern_predicates(ctx: Ctx, comps: list[Component], links: list[Link]) -> dict[str, bool]:
    """Pattern id -> whether this design applies it (only ids the KB knows are reported)."""
    kinds = {c.kind for c in comps}
    features = {f for c in comps for f in c.features}
    by_id = {c.id: c for c in comps}
    store_fed_worker = any(
        by_id[lk.source].kind in PRIMARY_STORE_KINDS
        and by_id[lk.target].kind in ("worker", "stream_processor")
        for lk in links
    )
    rollups = any(
        by_id[lk.source].kind == "stream_processor" and by_id[lk.target].kind in PRIMARY_STORE_KINDS
        for lk in links
    )
    return {
        "cache_aside": any(is_read_cache(c) for c in comps),
        "sharding": any(c.kind in ("kv_store", "document_db") for c in comps),
        "consistent_hashing": any(
            c.kind in ("kv_store", "cache") and "quorum" in c.features for c in comps
        )
        or "websocket_gateway" in kinds,
        "read_replicas": "read_replicas" in features,
        "fan_out_on_write": ctx.value("fanout_writes_per_sec") > 0 and "worker" in kinds,
        "backpressure": "backpressure" in features,
        "idempotency_key": "idempotency_keys" in features,
        "circuit_breaker": "circuit_breaker" in features,
        "rate_limiting_token_bucket": "rate_limiting" in features
        or any("rate" in c.id for c in comps if c.kind == "cache"),
        "leader_election": any(
            c.stateful and "quorum" in c.features and "automatic_failover" in c.features
            for c in comps
        ),
        "change_data_capture": store_fed_worker,
        "materialized_view": rollups,
        "presigned_upload": ctx.media and "object_store" in kinds,
    }


def build_patterns(ctx: Ctx, comps: list[Component], links: list[Link]) -> list[str]:
    """KB pattern ids applied: the capabilities' own, plus those the design implies."""
    ids: list[str] = [p for cap in ctx.capabilities for p in cap.patterns if p in ctx.kb.patterns]
    ids += [
        pid
        for pid, applied in _pattern_predicates(ctx, comps, links).items()
        if applied and pid in ctx.kb.patterns
    ]
    return list(dict.fromkeys(ids))
