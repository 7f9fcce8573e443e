"""Traffic rules: headroom at peak, rate limiting, queues (dead letters, backpressure),
unbounded fan-out, and the latency budget of the synchronous read path."""

from __future__ import annotations

import math

from ..artefacts import Component, Finding
from ..cost.load import (
    UTILISATION,
    average_load,
    held_bytes,
    nodes_needed,
    stored_bytes,
)
from ..cost.units import GB, fmt_bytes, fmt_num, fmt_pct, fmt_rate
from .context import ReviewContext, listing
from .hot_partitions import hot_partition
from .role_load import cached_bytes, role_peak, role_per_node

# Typical latency of one synchronous hop, ms (network included), by component kind.
HOP_MS: dict[str, float] = {
    "cdn": 5,
    "load_balancer": 1,
    "api_gateway": 5,
    "websocket_gateway": 2,
    "service": 5,
    "worker": 5,
    "cache": 1,
    "sql_db": 10,
    "kv_store": 5,
    "document_db": 10,
    "object_store": 50,
    "search_index": 20,
    "graph_db": 15,
    "time_series_db": 10,
    "geo_index": 10,
    "queue": 5,
    "stream_processor": 10,
    "coordination": 5,
    "scheduler": 5,
    "external": 100,
    "data_warehouse": 1000,
    "batch_compute": 1000,
}
PUBLIC_KINDS = ("api_gateway", "load_balancer", "websocket_gateway")
FANOUT_WORDS = ("fanout", "fan_out", "fan-out", "fan out")


def headroom(ctx: ReviewContext) -> list[Finding]:
    """Peak load over (instances x per-node capacity) above 70% leaves no room for a spike or
    a node loss; the same for stored bytes per node."""
    stored, _ = stored_bytes(ctx.arch, ctx.scope)
    findings = []
    for comp in ctx.arch.components:
        option = ctx.option(comp)
        if option is None:
            continue
        problems, fixes = [], []
        hot = hot_partition(ctx, comp, option)
        if hot is not None:
            problems.append(hot.problem)
            fixes.append(hot.fix)
        if comp.instances <= 0:
            if problems:
                message = f"{comp.id} " + problems[0] + ": one viral key away from throttling."
                findings.append(
                    ctx.finding("headroom", comp.id, message, fixes[0].capitalize() + ".")
                )
            continue
        load = role_peak(ctx, comp)
        per_node = role_per_node(ctx, comp, option, load)
        if load.known and per_node > 0:
            util = load.value / (comp.instances * per_node)
            if util > UTILISATION:
                needed = nodes_needed(load.value, per_node, ctx.redundancy_min)
                problems.append(
                    f"peaks at {fmt_num(load.value)}{load.unit} ({load.formula}) on "
                    f"{comp.instances} × {fmt_num(per_node)}{load.unit} "
                    f"({option.name}) = {fmt_pct(util)} utilisation > {fmt_pct(UTILISATION)}"
                )
                fixes.append(
                    f"grow to max(ceil({fmt_num(load.value)} / ({fmt_num(per_node)} × "
                    f"{UTILISATION})), {ctx.redundancy_min}) = {needed} instances, or autoscale "
                    "before 70%"
                )
        data = cached_bytes(ctx, comp, held_bytes(comp, ctx.scope, stored))
        if data is not None and option.per_node_storage_gb:
            per_node_bytes = data.value * comp.replication / comp.instances
            fill = per_node_bytes / (option.per_node_storage_gb * GB)
            if fill > UTILISATION:
                shards = math.ceil(
                    data.value * comp.replication / (option.per_node_storage_gb * GB * UTILISATION)
                )
                medium = "memory" if comp.kind == "cache" else "disk"
                problems.append(
                    f"holds {fmt_bytes(per_node_bytes)} per node ({data.formula} × "
                    f"{comp.replication} copies ÷ {comp.instances} nodes) = {fmt_pct(fill)} of "
                    f"{fmt_num(option.per_node_storage_gb)} GB {medium}"
                )
                fixes.append(
                    f"grow to ceil({fmt_bytes(data.value)} × {comp.replication} / "
                    f"({fmt_num(option.per_node_storage_gb)} GB × {UTILISATION})) = {shards} "
                    "nodes" + (" or tier old data out" if comp.kind != "cache" else "")
                )
        if problems:
            message = (
                f"{comp.id} " + "; it ".join(problems) + ": no room for a spike or a node loss."
            )
            fix = "; ".join(fixes).capitalize() + "."
            findings.append(ctx.finding("headroom", comp.id, message, fix))
    return findings


def _public_entries(ctx: ReviewContext) -> list[Component]:
    """Gateways and load balancers reached only from the CDN or from outside."""
    found = []
    for comp in ctx.of_kind(*PUBLIC_KINDS):
        sources = [ctx.comp(lk.source) for lk in ctx.incoming(comp.id)]
        if all(s is None or s.kind == "cdn" for s in sources):
            found.append(comp)
    if not found:  # services exposed directly
        found = [c for c in ctx.entries if c.kind == "service"]
    return found


def rate_limiting(ctx: ReviewContext) -> list[Finding]:
    """A public entry without per-client limits lets one client or a retry storm take the
    service tier down for everyone."""
    findings = []
    demand = ctx.scope.value("read_qps_peak") + ctx.scope.value("write_qps_peak")
    for entry in _public_entries(ctx):
        behind = [
            c
            for c in (ctx.comp(lk.target) for lk in ctx.outgoing(entry.id))
            if c is not None and c.kind in ("service", "websocket_gateway")
        ]
        if ctx.has(entry, "rate_limiting") or any(ctx.has(c, "rate_limiting") for c in behind):
            continue
        tier = behind or [entry]
        capacity = sum(
            c.instances * role_per_node(ctx, c, opt)
            for c in tier
            if (opt := ctx.option(c)) is not None and c.instances > 0
        )
        served_by = listing([c.id for c in tier])
        if demand and capacity:
            numbers = (
                f" Peak demand is {fmt_rate(demand)} and {served_by} serve at most "
                f"{fmt_rate(capacity)}: one client or a retry storm at "
                f"{fmt_num(capacity / demand)}× the peak takes them down for everyone."
            )
        elif capacity:
            numbers = (
                f" {served_by} serve at most {fmt_rate(capacity)}; one client can take it all."
            )
        else:
            numbers = f" Peak demand is {fmt_rate(demand)}; nothing caps a single client."
        message = (
            f"{entry.id} is a public entry with no rate limiting on it or on "
            f"{listing([c.id for c in behind]) if behind else 'the service tier'}.{numbers}"
        )
        fix = (
            f"Add per-client and per-key token buckets at {entry.id} (e.g. 10× a user's normal "
            "rate), a global limit below the tier's capacity, and 429 with Retry-After."
        )
        findings.append(ctx.finding("rate-limiting", entry.id, message, fix))
    return findings


def _consumers(ctx: ReviewContext, queue: Component) -> list[Component]:
    return [c for c in (ctx.comp(lk.target) for lk in ctx.outgoing(queue.id)) if c is not None]


def _queue_rate(ctx: ReviewContext, queue: Component) -> str:
    load = role_peak(ctx, queue)
    if load.known:
        return f"{fmt_rate(load.value)} at peak ({load.formula})"
    writes = ctx.scope.estimate("write_qps_peak")
    return f"up to {writes.display} (write_qps_peak)" if writes else "its messages"


def queue_dlq(ctx: ReviewContext) -> list[Finding]:
    """A message that always fails must go somewhere other than back to the head of the queue."""
    findings = []
    for queue in ctx.of_kind("queue"):
        if ctx.has(queue, "dead_letter_queue"):
            continue
        consumers = [c.id for c in _consumers(ctx, queue)] or ["its consumers"]
        message = (
            f"{queue.id} carries {_queue_rate(ctx, queue)} to {listing(consumers)} with no "
            "dead-letter queue: a poison message is redelivered forever, blocking its partition "
            "or burning consumer capacity."
        )
        fix = (
            f"After 5 failed deliveries move the message to {queue.id}_dlq with the error; alert "
            "on DLQ depth > 0 and provide a replay tool."
        )
        findings.append(ctx.finding("queue-dlq", queue.id, message, fix))
    return findings


def queue_backpressure(ctx: ReviewContext) -> list[Finding]:
    """When consumers fall behind, producers must slow down or someone must be told."""
    findings = []
    for queue in ctx.of_kind("queue"):
        if ctx.has(queue, "backpressure", "consumer_lag_alerts"):
            continue
        consumers = _consumers(ctx, queue)
        capacity = sum(
            c.instances * role_per_node(ctx, c, opt)
            for c in consumers
            if (opt := ctx.option(c)) is not None and c.instances > 0
        )
        burst = ""
        peak, avg = ctx.peak(queue), average_load(queue, ctx.scope)  # same share: ratio holds
        if peak.known and avg.known and avg.value > 0 and peak.value > avg.value:
            burst = (
                f"; bursts reach {fmt_num(peak.value / avg.value)}× the "
                f"{fmt_rate(avg.value)} average"
            )
        drain = f"; consumers drain {fmt_rate(capacity)}" if capacity else ""
        message = (
            f"{queue.id} carries {_queue_rate(ctx, queue)} with neither backpressure nor "
            f"consumer-lag alerts{burst}{drain}: a slow consumer grows the backlog silently until "
            "retention drops messages or latency SLOs are long gone."
        )
        fix = (
            f"Alert when {queue.id} consumer lag exceeds 2 minutes of traffic; autoscale consumers "
            "on lag and make producers slow down (429 / bounded buffers) above a hard limit."
        )
        findings.append(ctx.finding("queue-backpressure", queue.id, message, fix))
    return findings


def _is_fanout(ctx: ReviewContext, comp: Component, estimate: str) -> bool:
    text = f"{comp.id} {comp.name}".lower()
    labels = " ".join(lk.label.lower() for lk in ctx.outgoing(comp.id))
    return (
        estimate in comp.estimates
        or any(w in text for w in FANOUT_WORDS)
        or any(w in labels for w in FANOUT_WORDS)
    )


def unbounded_fanout(ctx: ReviewContext) -> list[Finding]:
    """Fan-out proportional to followers is unbounded: one celebrity post is millions of writes."""
    estimate = ctx.fanout_estimate
    if estimate is None:
        return []
    followers = [a for a in ctx.scope.assumptions if "follower" in a.name]
    top = next((a for a in followers if any(w in a.name for w in ("max", "celebr", "top"))), None)
    if top is not None:
        crowd = (
            f"one account with {top.display} followers ({top.name}) turns a single post into "
            f"{top.display} writes"
        )
    elif followers:
        avg = followers[0]
        crowd = (
            f"accounts average {avg.display} followers ({avg.name}), but one celebrity with "
            "millions turns a single post into millions of writes"
        )
    else:
        crowd = "one account with millions of followers turns a single post into millions of writes"
    findings = []
    for comp in ctx.of_kind("worker", "service", "stream_processor", "websocket_gateway"):
        if not _is_fanout(ctx, comp, estimate) or ctx.has(comp, "fanout_cap"):
            continue
        message = (
            f"{comp.id} fans out without a cap ({ctx.value_text(estimate)}): {crowd}, delaying "
            "everyone queued behind it."
        )
        fix = (
            f"Cap push fan-out in {comp.id} (e.g. accounts above 10k followers are pulled at read "
            "time and merged), and process big fan-outs in bounded batches on a separate queue."
        )
        findings.append(ctx.finding("unbounded-fanout", comp.id, message, fix))
    return findings


def _flow_read_path(ctx: ReviewContext) -> list[Component]:
    for flow in ctx.arch.flows:
        if flow.path != "read":
            continue
        order: list[str] = []
        for step in flow.steps:
            for cid in (step.source, step.target):
                if cid not in order and ctx.comp(cid) is not None:
                    order.append(cid)
        path = [c for c in (ctx.comp(i) for i in order) if c is not None]
        if path:
            return path
    return []


def _slowest_sync_path(ctx: ReviewContext) -> list[Component]:
    """The slowest chain of synchronous, non-write links from an entry."""
    best: list[Component] = []

    def walk(path: list[Component]) -> None:
        nonlocal best
        if _path_ms(path) > _path_ms(best):
            best = list(path)
        for link in ctx.outgoing(path[-1].id):
            nxt = ctx.comp(link.target)
            if nxt is None or not link.sync or ctx.is_write(link) or nxt in path:
                continue
            walk([*path, nxt])

    for entry in ctx.entries:
        walk([entry])
    return best


def _path_ms(path: list[Component]) -> float:
    return sum(HOP_MS.get(c.kind, 5) for c in path)


def latency_budget(ctx: ReviewContext) -> list[Finding]:
    """Typical hop latencies along the synchronous read path must fit in the p99 target."""
    target = ctx.nfr_target("latency_p99")
    if target is None:
        return []
    path = _flow_read_path(ctx) or _slowest_sync_path(ctx)
    total = _path_ms(path)
    target_ms = target * 1000
    if not path or total <= target_ms:
        return []
    chain = " → ".join(c.id for c in path)
    parts = " + ".join(fmt_num(HOP_MS.get(c.kind, 5)) for c in path)
    slowest = sorted(path, key=lambda c: -HOP_MS.get(c.kind, 5))[:2]
    message = (
        f"the synchronous read path {chain} sums to {fmt_num(total)} ms of typical hop latency "
        f"({parts}) > p99 target {fmt_num(target_ms)} ms, before queueing, retries and tail "
        "latency."
    )
    fix = (
        "Cut the slowest hops: "
        + "; ".join(
            f"{c.id} ({fmt_num(HOP_MS.get(c.kind, 5))} ms) → "
            + (
                "serve through the CDN or cache small objects"
                if c.kind == "object_store"
                else "put a cache in front or move it off the synchronous path"
            )
            for c in slowest
        )
        + "."
    )
    return [ctx.finding("latency-budget", None, message, fix)]
