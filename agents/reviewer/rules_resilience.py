"""Resilience rules: single points of failure, composed availability, durability, split brain,
retries without idempotency."""

from __future__ import annotations

import math

from ..artefacts import Component, Finding
from ..cost.units import (
    downtime_minutes_per_month,
    fmt_availability,
    fmt_availability_below,
    fmt_num,
    fmt_target_pct,
    fmt_usd,
)
from ..regions import (
    MULTI_REGION_SLO_PCT,
    STEERING_FEATURE,
    compose,
    is_global,
    is_steering,
    weakness,
)
from .context import ReviewContext, listing

BUDGET_TOLERANCE = 0.01  # composed downtime may exceed the error budget by 1% (rounding)
DURABLE_NINES_BLOCKER = 99.999999  # a durability NFR this strict makes a weak store a blocker
# Stores whose loss loses data (search indexes and caches are rebuilt from them).
DURABLE_KINDS = (
    "sql_db",
    "kv_store",
    "document_db",
    "object_store",
    "time_series_db",
    "graph_db",
    "data_warehouse",
)
IDEMPOTENT_SINKS = ("idempotency_keys",)


def _what_it_holds(ctx: ReviewContext, comp: Component) -> str:
    entities = ctx.entities_in(comp)
    return f"holds every {listing(entities)} record" if entities else "holds the system's data"


def _affected(ctx: ReviewContext, comp: Component) -> str:
    """What stops when the component stops: its FRs, else the critical path."""
    frs = ctx.frs_of(comp)
    if frs:
        return listing(frs)
    return "the critical path" if comp.id in ctx.critical_ids else "what it serves"


def _stop(ctx: ReviewContext, comp: Component) -> str:
    affected = _affected(ctx, comp)
    plural = len(ctx.frs_of(comp)) > 1
    return f"{affected} {'stop' if plural else 'stops'}"


def no_spof(ctx: ReviewContext) -> list[Finding]:
    """A critical component with one instance, or a stateful one without a replica and
    automatic failover, takes its requirements down with one node."""
    findings = []
    for comp in ctx.arch.components:
        if comp.managed or comp.kind == "external" or comp.instances == 0:
            continue
        critical = comp.id in ctx.critical_ids or bool(ctx.frs_of(comp)) or comp.stateful
        if not critical:
            continue
        failover = ctx.has(comp, "automatic_failover")
        if comp.instances == 1:
            what = _what_it_holds(ctx, comp) if comp.stateful else "runs alone"
            message = (
                f"{comp.id} has 1 instance and {what}: a single point of failure "
                f"for {_affected(ctx, comp)}; one node loss stops it (node availability "
                f"{fmt_availability(ctx.availability(comp))} vs target "
                f"{fmt_availability(ctx.availability_target)})."
            )
            if comp.stateful:
                fix = (
                    f"Run {max(2, ctx.redundancy_min)} nodes (primary + synchronous replica in "
                    "another zone) with automatic failover; replication ≥ 2."
                )
            else:
                fix = (
                    f"Run at least {max(2, ctx.redundancy_min)} instances across zones behind "
                    "the load balancer, with health checks."
                )
            findings.append(
                ctx.finding("no-spof", comp.id, message, fix, 0 if comp.stateful else -1)
            )
        elif comp.stateful and (comp.replication < 2 or not failover):
            gaps = []
            if comp.replication < 2:
                gaps.append(f"replication {comp.replication}")
            if not failover:
                gaps.append("no automatic failover")
            message = (
                f"{comp.id} runs {comp.instances} nodes but has {' and '.join(gaps)}: when the "
                f"node holding a shard or the primary dies, {_stop(ctx, comp)} until "
                "someone restores or promotes by hand."
            )
            fix = "Replicate every shard ≥ 2 (3 across zones) and enable automatic failover."
            findings.append(ctx.finding("no-spof", comp.id, message, fix))
    return findings


def _raise_advice(comp: Component, regions: int = 1) -> str:
    """How to lift one weak link of the critical path."""
    if comp.kind in ("object_store", "cdn"):
        return "serve it through a cache/CDN with stale-if-error, or mark the link non-critical"
    if comp.kind == "external":
        return "call it asynchronously with a queue and a fallback"
    if comp.managed or comp.instances == 0:
        region = "a second region" if regions == 1 else "another region"
        return f"a tier with a higher SLA, {region}, or a fallback off the request path"
    return "more replicas across zones with automatic failover"


def _best_reachable(ctx: ReviewContext, comp: Component, current: float) -> float:
    """The highest availability a revision can give `comp` inside one region: more nodes for
    what we run, a self-run tier for a stateless managed one, else the best managed SLA of
    its kind (a stateful managed store or a provider cannot be out-built)."""
    if comp.kind == "external" or is_steering(comp):
        return current
    if not comp.managed and comp.instances > 0:
        return 1.0
    if not comp.stateful and comp.kind not in ("cdn", "object_store"):
        return 1.0
    kind = ctx.kb.kinds.get(comp.kind)
    slas = [
        (o.sla_pct or 0) / 100
        for o in (kind.options if kind else [])
        if o.managed and STEERING_FEATURE not in o.features
    ]
    return max([current, *slas])


def _single_region_cap(
    ctx: ReviewContext, figures: list[tuple[Component, float]]
) -> tuple[float, list[Component]]:
    """(best availability one region can reach, the components that cap it). Hops the main
    read path does not use can be taken off the critical path, so only the read path's count."""
    read = next((f for f in ctx.arch.flows if f.path == "read"), None)
    used = {x for s in read.steps for x in (s.source, s.target)} if read else set()
    kept = [(c, a) for c, a in figures if not used or c.id in used]
    best = [(c, _best_reachable(ctx, c, a)) for c, a in kept]
    capping = [c for c, b in best if b < 1.0]
    return math.prod(b for _, b in best), capping


def _second_region_cost(ctx: ReviewContext) -> str:
    """', for about +$X/month …': a second region bills every regional node, disk and cache
    again; a stated budget it breaks is named (the SLO and the budget then conflict)."""
    global_ids = {c.id for c in ctx.arch.components if is_global(c)}
    extra = sum(
        item.monthly_usd
        for item in ctx.cost.items
        if item.component not in global_ids
        and (
            item.category in ("compute", "storage")
            or (item.category == "managed" and item.unit == "GB-month")
        )
    )
    if extra <= 0:
        return ""
    text = f", for about +{fmt_usd(extra)}/month (its nodes, storage and memory billed again)"
    budget = ctx.cost.budget_monthly_usd
    if budget is not None and ctx.cost.total_monthly_usd + extra > budget:
        text += (
            f", which breaks the {fmt_usd(budget)}/month budget: the availability target and "
            "the budget conflict, so one of them has to give"
        )
    return text


def availability_composition(ctx: ReviewContext) -> list[Finding]:
    """Serial components multiply, and n active regions are in parallel behind the global
    steering: A = A_global × (1 − (1 − A_region)^n). The result must meet the SLO."""
    if not ctx.has_availability_nfr or not ctx.critical_path:
        return []
    regions = max(1, ctx.arch.regions)
    path = [*ctx.steering, *ctx.critical_path]
    figures = [(c, ctx.availability(c)) for c in path]
    composition = compose(figures, regions, fmt_availability)
    composed = composition.value
    target = ctx.availability_target
    # A shortfall within 1% of the error budget is rounding, not a design flaw.
    if (1 - composed) <= (1 - target) * (1 + BUDGET_TOLERANCE):
        return []
    hours = ctx.kb.prices.hours_per_month
    allowed = downtime_minutes_per_month(target, hours)
    actual = downtime_minutes_per_month(composed, hours)
    own = {c.id: a for c, a in figures}
    weakest = [(c, own[c.id]) for c, _ in weakness(figures, regions) if not is_steering(c)][:2]
    where = (
        f"over {regions} active regions ({composition.formula})"
        if regions > 1
        else f"along the critical path ({composition.formula})"
    )
    message = (
        f"composed availability {fmt_availability_below(composed, target)} < SLO "
        f"{fmt_availability(target)} {where}: {fmt_num(actual)} "
        f"min/month of downtime against {fmt_num(allowed)} allowed."
    )
    fix = (
        "Raise the weakest links: "
        + "; ".join(
            f"{c.id} ({fmt_availability(a)}) → {_raise_advice(c, regions)}" for c, a in weakest
        )
        + "; or take non-essential hops off the critical path (async, fallbacks)."
    )
    if regions == 1 and target * 100 >= MULTI_REGION_SLO_PCT - 1e-9:
        cap, capping = _single_region_cap(ctx, figures)
        if cap < target:
            two = 1 - (1 - composed) ** 2
            message += (
                f" One region cannot reach it: the managed services in series "
                f"({listing([c.id for c in capping])}) cap it at {fmt_availability(cap)}."
            )
            fix += (
                f" Go multi-region: 2 active regions behind global DNS steering give "
                f"1 − (1 − {fmt_availability(composed)})² = {fmt_availability(two)}"
                + _second_region_cost(ctx)
                + "."
            )
    shift = 1 if (1 - composed) > 2 * (1 - target) else 0
    return [ctx.finding("availability-composition", None, message, fix, shift)]


def durability(ctx: ReviewContext) -> list[Finding]:
    """Acknowledged data must survive a disk, a node and an operator: 3 copies and backups."""
    target = ctx.nfr_target("durability")
    strict = target is not None and target >= DURABLE_NINES_BLOCKER
    findings = []
    for comp in ctx.arch.components:
        if comp.kind not in DURABLE_KINDS or (comp.kind == "object_store" and comp.managed):
            continue
        what = listing(ctx.entities_in(comp)) if ctx.entities_in(comp) else "its data"
        gaps = []
        if comp.replication < 3:
            copies = f"{comp.replication} cop{'y' if comp.replication == 1 else 'ies'}"
            gaps.append(f"keeps {copies} of {what}")
        if not ctx.has(comp, "backups", "point_in_time_recovery"):
            gaps.append("has no backups" if gaps else f"has no backups of {what}")
        if not gaps:
            continue
        goal = f" (durability NFR {fmt_target_pct(target)})" if target else ""
        message = (
            f"{comp.id} {' and '.join(gaps)}{goal}: a disk failure or a bad migration loses "
            "acknowledged writes."
        )
        fix = (
            "Replicate 3 ways across zones (synchronous or quorum acks) and take daily snapshots "
            "plus point-in-time recovery, restored in a drill every quarter."
        )
        findings.append(ctx.finding("durability", comp.id, message, fix, 1 if strict else 0))
    return findings


def split_brain(ctx: ReviewContext) -> list[Finding]:
    """Automatic failover without quorum or fencing can leave two primaries accepting writes."""
    findings = []
    for comp in ctx.arch.components:
        if not comp.stateful or comp.managed or not ctx.has(comp, "automatic_failover"):
            continue
        if ctx.has(comp, "quorum", "fencing_tokens"):
            continue
        written = [lk.source for lk in ctx.incoming(comp.id) if ctx.is_write(lk) and lk.critical]
        message = (
            f"{comp.id} fails over automatically across {comp.instances} nodes with neither a "
            "quorum nor fencing tokens: during a network partition the old primary can keep "
            "accepting writes"
            + (f" from {listing(written)}" if written else "")
            + " while a new one is promoted; the two histories diverge."
        )
        fix = (
            "Elect the primary through a quorum (odd number of voters, e.g. 3 via etcd/ZooKeeper "
            "or Raft) and fence the old one with monotonically increasing tokens checked on write."
        )
        findings.append(ctx.finding("split-brain", comp.id, message, fix, 0 if written else -1))
    return findings


def _handlers(ctx: ReviewContext, target: Component) -> list[Component]:
    """Who actually applies a write: a queue's consumers, else the target itself."""
    if target.kind in ("queue", "stream_processor"):
        consumers = [ctx.comp(lk.target) for lk in ctx.outgoing(target.id)]
        found = [c for c in consumers if c is not None]
        return found or [target]
    return [target]


def _idempotent(ctx: ReviewContext, comp: Component) -> bool:
    """Whether repeating a write to `comp` is harmless: it dedupes by key, writes
    conditionally, or overwrites by key (object PUT, cache SET)."""
    if ctx.has(comp, "idempotency_keys") or comp.kind in ("object_store", "cache"):
        return True
    return comp.kind in DURABLE_KINDS and ctx.has(comp, "conditional_writes")


def retry_idempotency(ctx: ReviewContext) -> list[Finding]:
    """A retry after a timeout repeats a write that may have succeeded: the handler must
    recognise the repeat."""
    findings: dict[str, Finding] = {}
    for source in ctx.arch.components:
        if not ctx.has(source, "retries_with_backoff"):
            continue
        for link in ctx.outgoing(source.id):
            target = ctx.comp(link.target)
            if target is None or not ctx.is_write(link):
                continue
            queue_ok = target.kind == "queue" and ctx.has(target, "idempotency_keys")
            for handler in _handlers(ctx, target):
                if handler.id in findings or queue_ok or _idempotent(ctx, handler):
                    continue
                rate = ctx.peak(handler)
                load = f" at up to {fmt_num(rate.value)}/s" if rate.known else ""
                via = f" via {target.id}" if handler.id != target.id else ""
                message = (
                    f"{source.id} retries with backoff and its writes '{link.label}'{via} reach "
                    f"{handler.id}{load} without idempotency keys: a retry after a timeout "
                    "applies the write twice (duplicate record, double charge, double send)."
                )
                fix = (
                    f"Send an idempotency key with every write from {source.id}; {handler.id} "
                    "stores it with the result (unique constraint, TTL ≥ the retry window) and "
                    "returns the stored result on a repeat."
                )
                findings[handler.id] = ctx.finding("retry-idempotency", handler.id, message, fix)
    return list(findings.values())
