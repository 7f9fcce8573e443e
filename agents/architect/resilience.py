"""Resilient and scalable: the 'kill one node: what happens, is data safe?' table (computed
from instances, replication and features) and what breaks at 10x and 100x."""

from __future__ import annotations

from ..artefacts import Component, FailureMode, Link, ScalingStep
from ..kb import KnowledgeBase, TechOption
from ._common import (
    ENTRY_KINDS,
    NODELESS_KINDS,
    PRIMARY_STORE_KINDS,
    SINGLE_PRIMARY_KINDS,
    UTILISATION,
    Ctx,
    ceil_div,
    fmt_bytes,
    fmt_num,
    fmt_pct,
    fmt_rate,
    is_read_cache,
    option_for,
)
from .sizing import node_capacity, peak_load

TIER_KINDS = frozenset(
    {
        "load_balancer",
        "api_gateway",
        "service",
        "worker",
        "websocket_gateway",
        "stream_processor",
        "batch_compute",
        "scheduler",
    }
)
STORE_LATENCY_S = 0.005  # normal p99 of one store call, for the slowdown arithmetic


def _util_after_loss(comp: Component, opt: TechOption | None, ctx: Ctx) -> str:
    load = peak_load(comp, ctx)
    per_node = node_capacity(comp, opt, ctx)  # the role's own per-node work, as sized
    if per_node <= 0 or load <= 0 or comp.instances < 2:
        return ""
    util = load / ((comp.instances - 1) * per_node)
    verdict = "overloaded until autoscaling adds a node" if util > 1 else "within capacity"
    return (
        f"; the other {comp.instances - 1} run at {util:.0%} of their capacity at peak ({verdict})"
    )


def _tier_row(comp: Component, opt: TechOption | None, ctx: Ctx) -> FailureMode:
    n = comp.instances
    if comp.managed or n == 0:
        effect = f"the provider replaces the failed node; SLA {fmt_pct(comp.availability)}"
        return FailureMode(
            scenario=f"a {comp.name} node fails",
            component=comp.id,
            effect=effect,
            mitigation="managed service across zones",
            data_safe=True,
            data_note="stateless: no data on the node",
            recovery="provider-managed, seconds",
        )
    if comp.kind == "websocket_gateway":
        per_node = peak_load(comp, ctx) / max(n, 1)
        effect = (
            f"its ~{fmt_num(per_node)} connections drop; clients reconnect with backoff "
            f"to the other {n - 1} nodes"
            if n > 1
            else "every client is disconnected"
        )
        return FailureMode(
            scenario=f"one of {n} {comp.name} nodes dies",
            component=comp.id,
            effect=effect + _util_after_loss(comp, opt, ctx),
            mitigation="clients resume from the last message id they saw",
            data_safe=True,
            data_note="messages are persisted before they "
            "are pushed; missed pushes are re-read on reconnect",
            recovery="reconnect storm ~10-30 s",
        )
    if comp.kind == "worker":
        idem = "idempotency_keys" in comp.features
        return FailureMode(
            scenario=f"one of {n} {comp.name} dies mid-batch",
            component=comp.id,
            effect="its un-acknowledged messages are redelivered to another worker after the "
            "visibility timeout / rebalance" + _util_after_loss(comp, opt, ctx),
            mitigation="idempotency keys make redelivery harmless"
            if idem
            else "at-least-once redelivery; no idempotency keys yet, so redone work can repeat",
            data_safe=True,
            data_note="the queue keeps messages until they are acknowledged",
            recovery="rebalance ~10 s",
        )
    if n < 2:
        return FailureMode(
            scenario=f"the only {comp.name} instance dies",
            component=comp.id,
            effect="the tier is down: every request fails until it restarts",
            mitigation="process supervisor restarts it",
            data_safe=True,
            data_note="stateless: no data on the node",
            recovery="2-5 min",
        )
    return FailureMode(
        scenario=f"one of {n} {comp.name} instances dies",
        component=comp.id,
        effect="health checks remove it in ~10 s; its in-flight requests fail and clients retry"
        + _util_after_loss(comp, opt, ctx),
        mitigation="load balancer health checks; autoscaling replaces the instance"
        if "autoscaling" in comp.features
        else "load balancer health checks",
        data_safe=True,
        data_note="stateless: no data on the node",
        recovery="~10 s",
    )


def _store_row(comp: Component, arch_comps: list[Component], ctx: Ctx) -> FailureMode:
    n, rf = comp.instances, comp.replication
    failover = "automatic_failover" in comp.features
    backups = "backups" in comp.features
    if n == 0:
        multi = "multi_az" in comp.features or comp.kind == "object_store"
        return FailureMode(
            scenario=f"{comp.name} loses a node, a disk or a zone",
            component=comp.id,
            effect="none visible: the provider serves from other copies"
            if multi
            else "requests to it fail until the provider recovers",
            mitigation=f"managed service, SLA {fmt_pct(comp.availability)}",
            data_safe=True,
            data_note="the provider keeps copies in several zones"
            if multi
            else "the provider keeps redundant copies",
            recovery="provider-managed",
        )
    if comp.kind == "cache":
        return _cache_row(comp, arch_comps, ctx)
    if comp.kind in SINGLE_PRIMARY_KINDS:
        scenario = f"the {comp.name} primary dies"
        if failover and n >= 2:
            effect = "a replica is promoted in ~30 s; writes fail during the switch, reads go on"
            recovery = "~30 s"
        elif n >= 2:
            effect = (
                "writes fail until an operator promotes a replica (no automatic "
                "failover); reads continue from replicas"
            )
            recovery = "manual promotion, 15-60 min"
        else:
            effect = "every request that touches it fails until the node is rebuilt"
            recovery = "restore from backup, hours" if backups else "rebuild, data lost"
    else:
        scenario = f"one of {n} {comp.name} nodes dies"
        effect = (
            f"its partitions are served by the other replicas (RF {rf}); quorum reads "
            "and writes continue"
            if rf >= 2 and n >= 2
            else "the partitions it owned are unavailable"
        )
        recovery = "re-replication in the background" if rf >= 2 else "restore from backup"
    safe = rf >= 2 and n >= 2
    note = (
        f"{rf} copies: every acknowledged write is on another node"
        if safe
        else "one copy: writes since the last backup are lost"
        if backups
        else "a single copy and no backups: acknowledged data is lost"
    )
    mitigation = (
        ", ".join(
            f for f in ("automatic_failover", "backups", "multi_az", "quorum") if f in comp.features
        )
        or "none beyond replication"
    )
    return FailureMode(
        scenario=scenario,
        component=comp.id,
        effect=effect,
        mitigation=mitigation,
        data_safe=safe,
        data_note=note,
        recovery=recovery,
    )


def _cache_row(comp: Component, arch_comps: list[Component], ctx: Ctx) -> FailureMode:
    n, rf = comp.instances, max(comp.replication, 1)
    shards = max(n // rf, 1)
    store = next((c for c in arch_comps if c.kind in PRIMARY_STORE_KINDS), None)
    target = store.id if store else "the store"
    load = peak_load(comp, ctx)
    if not is_read_cache(comp):
        return FailureMode(
            scenario=f"a {comp.name} node dies",
            component=comp.id,
            effect="the entries on it are lost: callers rebuild them (counters restart from "
            "zero, connections re-register on their next heartbeat)",
            mitigation="replica promoted"
            if "automatic_failover" in comp.features
            else "clients re-hash to the remaining nodes",
            data_safe=True,
            data_note="ephemeral by design: nothing in it is the record of anything",
            recovery="seconds to one heartbeat interval",
        )
    if rf >= 2 and "automatic_failover" in comp.features:
        effect = (
            f"its replica is promoted in seconds; the {fmt_rate(load / shards)} that shard "
            "serves at peak see errors or misses only during the switch"
        )
    elif n >= 2:
        share = "every" if shards == 1 else f"1/{shards} of the"
        effect = (
            f"{share} key{'s' if shards > 1 else ''} on that node miss"
            f"{'es' if shards == 1 else ''} until clients re-route: up to "
            f"{fmt_rate(load / shards)} extra reads on {target} at peak"
        )
    else:
        effect = f"every read misses: {fmt_rate(load)} fall through to {target}"
    return FailureMode(
        scenario=f"a {comp.name} node dies",
        component=comp.id,
        effect=effect,
        mitigation="reads fall back to the store; the cache refills on read",
        data_safe=True,
        data_note="a cache holds derived copies; the store of record has the data",
        recovery="refill over minutes",
    )


def _survives_zone(comp: Component) -> bool:
    if comp.managed or comp.instances == 0 or "multi_az" in comp.features:
        return True
    if not comp.stateful:
        return comp.instances >= 2
    if comp.kind in SINGLE_PRIMARY_KINDS:
        return comp.instances >= 2 and "automatic_failover" in comp.features
    return comp.instances >= 2 and comp.replication >= 2


def build_failure_modes(
    ctx: Ctx, comps: list[Component], links: list[Link], kb: KnowledgeBase
) -> list[FailureMode]:
    rows: list[FailureMode] = []
    for comp in comps:
        opt = option_for(kb, comp)
        if comp.kind in TIER_KINDS:
            rows.append(_tier_row(comp, opt, ctx))
        elif (
            comp.stateful
            or comp.kind in ("cdn", "object_store")
            or comp.kind in (PRIMARY_STORE_KINDS)
        ):
            rows.append(_store_row(comp, comps, ctx))
    critical = {lk.target for lk in links if lk.critical} | {
        c.id for c in comps if c.kind in ENTRY_KINDS
    }
    down = [c for c in comps if c.id in critical and not _survives_zone(c)]
    weakest = min(
        (c for c in comps if c.id in critical), key=lambda c: c.availability, default=comps[0]
    )
    stateful = [c for c in comps if c.stateful and c.kind != "cache"]
    rows.append(
        FailureMode(
            scenario="a whole availability zone goes down",
            component=(down or [weakest])[0].id,
            effect=(
                "stops: "
                + ", ".join(
                    f"{c.name} ({c.instances} node(s), "
                    f"{'no failover' if c.stateful else 'single zone'})"
                    for c in down
                )
            )
            if down
            else "capacity drops by a third; every critical component has a copy in another zone",
            mitigation="instances spread over zones; stateful tiers fail over"
            if not down
            else "none yet for the components listed",
            data_safe=all(c.replication >= 2 or c.instances == 0 for c in stateful),
            data_note="replicas live in other zones"
            if all(c.replication >= 2 or c.instances == 0 for c in stateful)
            else "single-copy stores lose the writes not yet backed up",
            recovery="minutes (failover) to hours (zone restore)",
        )
    )
    rows.append(_slowdown_row(ctx, comps))
    return rows


def _slowdown_row(ctx: Ctx, comps: list[Component]) -> FailureMode:
    store = next((c for c in comps if c.kind in PRIMARY_STORE_KINDS), comps[-1])
    service = next((c for c in comps if c.kind == "service"), comps[0])
    rate = ctx.read_peak + ctx.write_peak
    normal, slow = rate * STORE_LATENCY_S, rate * STORE_LATENCY_S * 10
    guards = [
        f
        for f in ("circuit_breaker", "retries_with_backoff", "rate_limiting")
        if f in service.features
    ]
    return FailureMode(
        scenario=f"{store.name} slows down: p99 5 ms → 50 ms (GC, noisy neighbour)",
        component=store.id,
        effect=(
            f"in-flight requests in {service.name} grow from {fmt_num(normal)} to "
            f"{fmt_num(slow)} (Little's law at {fmt_rate(rate)}); worker pools saturate and "
            "latency breaches the SLO"
            + ("" if "circuit_breaker" in guards else "; retries add load on the slow store")
        ),
        mitigation=", ".join(guards) or "none: no timeouts budget or circuit breaker yet",
        data_safe=True,
        data_note="slow, not lost: writes either commit or fail visibly",
        recovery="when the store recovers",
    )


_NEXT_STEP = {
    "sql_db": "shard {name} by {key} (or move its hottest table to a partitioned key-value "
    "store); read replicas for reads",
    "document_db": "shard {name} by {key}",
    "kv_store": "add nodes to {name} (linear); watch hot partitions on {key}; tier cold data",
    "cache": "shard the {name} cluster to {n} nodes; replicate hot keys",
    "queue": "add brokers and partitions to {name} ({n} brokers); more consumers",
    "stream_processor": "add partitions and task slots to {name}",
    "websocket_gateway": "{n} {name} nodes; shard the connection registry",
    "search_index": "more shards and replicas for {name}",
    "coordination": "keep {name} off the data path; larger ranges per claim",
}


def _bytes_cited(comp: Component, ctx: Ctx) -> float:
    total = 0.0
    for name in comp.estimates:
        est = ctx.scope.estimate(name)
        if est is not None and est.unit == "bytes":
            total += est.value
    return total


def _scaling_rows(
    comp: Component, opt: TechOption, ctx: Ctx, factor: int, key: str
) -> list[tuple[float, str, str]]:
    rows: list[tuple[float, str, str]] = []
    load = peak_load(comp, ctx) * factor
    stored = _bytes_cited(comp, ctx) * factor
    per_node = node_capacity(comp, opt, ctx)  # the role's own per-node work, as sized
    need_ops = ceil_div(load, per_node * UTILISATION) if per_node else 0
    need_disk = (
        ceil_div(stored * comp.replication, opt.per_node_storage_gb * 1e9)
        if (opt.per_node_storage_gb)
        else 0
    )
    need = max(need_ops, need_disk)
    step = _NEXT_STEP.get(comp.kind, "scale {name} out to {n} instances (linear)").format(
        name=comp.id, key=key, n=need
    )
    if comp.kind in ("sql_db", "document_db") and "write_qps_peak" in comp.estimates:
        writes = ctx.write_peak * factor
        limit = opt.per_node_ops * UTILISATION
        if writes > limit:
            rows.append(
                (
                    1e9 + writes,
                    f"{comp.id}: writes reach {fmt_rate(writes)} but one "
                    f"{comp.technology} primary takes {fmt_rate(limit)}; replicas add no "
                    "write capacity",
                    step,
                )
            )
    if (
        comp.kind in SINGLE_PRIMARY_KINDS
        and comp.kind != "cache"
        and opt.per_node_storage_gb
        and stored > opt.per_node_storage_gb * 1e9
    ):
        rows.append(
            (
                1e8 + stored / 1e9,
                f"{comp.id}: data reaches {fmt_bytes(stored)}, more "
                f"than one {comp.technology} node holds ({fmt_num(opt.per_node_storage_gb)} "
                "GB)",
                step,
            )
        )
    if need > max(comp.instances, 1):
        what = (
            f"{fmt_num(load)} connections"
            if comp.kind == "websocket_gateway"
            else f"{fmt_rate(load)}"
            if need == need_ops
            else f"{fmt_bytes(stored)} stored"
        )
        rows.append(
            (
                need / max(comp.instances, 1),
                f"{comp.id} grows from {comp.instances} to {need} nodes for {what}",
                step,
            )
        )
    return rows


def build_scaling(
    ctx: Ctx, comps: list[Component], kb: KnowledgeBase, keys: dict[str, str], regions: int = 1
) -> list[ScalingStep]:
    """What breaks first at 10x and 100x today's peak (limits crossed, then node growth);
    with several regions each one grows the same way, since each is sized for the full peak."""
    steps: list[ScalingStep] = []
    for factor in (10, 100):
        rows: list[tuple[float, str, str]] = []
        for comp in comps:
            opt = option_for(kb, comp)
            if comp.kind in NODELESS_KINDS or opt is None or comp.instances == 0:
                continue
            rows += _scaling_rows(comp, opt, ctx, factor, keys.get(comp.id, "its primary key"))
        rows.sort(key=lambda r: -r[0])
        managed = [c.id for c in comps if c.instances == 0 and c.kind not in NODELESS_KINDS]
        tail = (
            (f"; managed {', '.join(managed)} scale by themselves but bill {factor}× the requests")
            if managed
            else ""
        )
        if not rows:
            steps.append(
                ScalingStep(
                    factor=factor,
                    breaks="nothing: every sized tier keeps headroom at "
                    f"{fmt_rate((ctx.read_peak + ctx.write_peak) * factor)}{tail}",
                    next_step="watch cost, which grows linearly; re-run the sizing",
                )
            )
            continue
        breaks = "; ".join(r[1] for r in rows[:3]) + tail
        if regions > 1:
            breaks += f" (node counts per region, in each of the {regions} regions)"
        nxt = "; ".join(dict.fromkeys(r[2] for r in rows[:3]))
        if factor == 100 and regions == 1:
            nxt += "; consider a second region for latency and zone-independent failure"
        elif factor == 100:
            nxt += (
                f"; per-region SLIs show which of the {regions} regions saturates first: "
                "shift traffic weights before adding a region"
            )
        steps.append(ScalingStep(factor=factor, breaks=breaks, next_step=nxt))
    return steps
