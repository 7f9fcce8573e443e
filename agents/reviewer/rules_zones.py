"""Zone rules: redundancy that shares one availability zone is not redundancy.

Replicas, quorum members and the nodes of a tier protect against the loss of a node only when
they do not fail together. Nodes placed in one availability zone share its power, cooling and
network: one zone event takes every copy at once. A managed service that spans zones by design
(DynamoDB, S3, Aurora Multi-AZ, an ALB) is covered; what we run ourselves must be spread.
"""

from __future__ import annotations

from ..artefacts import Component, Finding
from ..cost.units import downtime_minutes_per_month, fmt_availability, fmt_num
from .context import ReviewContext, listing

# Kinds we never place in zones: bought per request or living outside our network.
UNPLACED_KINDS = ("cdn", "external")
COMPUTE_KINDS = ("service", "worker", "websocket_gateway", "stream_processor", "api_gateway")


def _placed(ctx: ReviewContext, comp: Component) -> bool:
    """Whether the component has nodes whose zones are ours to choose and unspread."""
    if comp.kind in UNPLACED_KINDS or comp.instances < 2:
        return False
    return not ctx.has(comp, "multi_az")


def _zones(ctx: ReviewContext, comp: Component) -> int:
    """Zones the component should span: 3 for a quorum, RF 3 or a >= 99.95% target, else 2."""
    # a cache's failover quorum is external sentinels, not its data nodes
    quorum = comp.kind != "cache" and (ctx.has(comp, "quorum") or comp.replication >= 3)
    return min(comp.instances, 3 if quorum or ctx.redundancy_min >= 3 else 2)


def _copies(comp: Component) -> str:
    if comp.kind in ("sql_db", "document_db", "cache", "graph_db"):
        return f"{comp.instances} nodes (primary + {comp.instances - 1} replicas)"
    if comp.replication > 1:
        return f"{comp.instances} nodes holding RF {comp.replication} copies"
    return f"{comp.instances} nodes"


def _placement(comp: Component) -> str:
    """How the spread is done for this kind of component."""
    if comp.kind in ("sql_db", "document_db", "graph_db"):
        return "primary in one zone, a synchronous standby in a second, replicas in a third"
    if comp.kind == "cache":
        return "each shard's replica in another zone than its primary"
    if comp.kind in ("queue", "stream_processor"):
        return "zone-aware replica placement (one replica of every partition per zone)"
    if comp.kind in ("kv_store", "time_series_db", "search_index", "geo_index", "coordination"):
        return "zone-aware replica placement (one copy per zone, quorum across zones)"
    return "topology spread constraints (at most one node of difference between zones)"


def zone_spread(ctx: ReviewContext) -> list[Finding]:
    """Stateful components whose nodes may share one zone, and one finding for the critical
    stateless tiers that do: a single zone outage takes all their copies at once."""
    hours = ctx.kb.prices.hours_per_month
    allowed = downtime_minutes_per_month(ctx.availability_target, hours)
    target = fmt_availability(ctx.availability_target)
    findings: list[Finding] = []
    tiers: list[Component] = []
    for comp in ctx.arch.components:
        if not _placed(ctx, comp):
            continue
        if not comp.stateful:
            if comp.id in ctx.critical_ids and comp.kind in COMPUTE_KINDS:
                tiers.append(comp)
            continue
        zones = _zones(ctx, comp)
        what = ctx.entities_in(comp)
        holds = f"holding every {listing(what)} record" if what else "holding its data"
        stops = listing(ctx.frs_of(comp)) or "what depends on it"
        message = (
            f"{comp.id} runs {_copies(comp)} {holds}, with nothing placing them in different "
            f"availability zones: one zone outage (power, cooling or network) takes every copy "
            f"at once, so {stops} stop for the whole outage (the {target} target allows "
            f"{fmt_num(allowed)} min/month), and a zone lost for good takes the data written "
            "since the last off-zone backup."
        )
        fix = (
            f"Spread {comp.id} over {zones} availability zones: {_placement(comp)}; "
            "acknowledge writes only once another zone has them, and rehearse a zone loss."
        )
        findings.append(ctx.finding("zone-spread", comp.id, message, fix))
    if tiers:
        names = listing([c.id for c in tiers], limit=6)
        count = sum(c.instances for c in tiers)
        message = (
            f"the critical stateless tiers {names} ({fmt_num(count)} nodes) have no zone spread: "
            "nodes scheduled into one availability zone all go down with it, and the critical "
            f"path with them (target {target}, {fmt_num(allowed)} min/month allowed)."
        )
        fix = (
            f"Spread {names} over {max(2, min(3, ctx.redundancy_min))} zones with topology "
            "spread constraints (at most one node of difference between zones) and keep enough "
            "headroom that the remaining zones carry the peak."
        )
        findings.append(ctx.finding("zone-spread", None, message, fix, -1))
    return findings
