"""The zone-spread fixer: place the copies of a component in different availability zones.

A finding on one stateful component spreads its replicas (one per zone, at least as many nodes
as zones); a finding without a component spreads every critical stateless tier the reviewer
named. The change says how the spread is done for that kind of component.
"""

from __future__ import annotations

from ..artefacts import Component, Finding
from ._revision import Revision

COMPUTE_KINDS = ("service", "worker", "websocket_gateway", "stream_processor", "api_gateway")


def zones_for(rev: Revision, comp: Component) -> int:
    """3 zones for a quorum, RF 3 or a >= 99.95% target; else 2."""
    # a cache's failover quorum is external sentinels, not its data nodes
    quorum = comp.kind != "cache" and ("quorum" in comp.features or comp.replication >= 3)
    return 3 if quorum or rev.ctx.redundancy >= 3 else 2


def placement(comp: Component) -> str:
    """How the copies of this kind of component are placed apart."""
    if comp.kind in ("sql_db", "document_db", "graph_db"):
        return "primary and synchronous standby in different zones, replicas in the others"
    if comp.kind == "cache":
        return "each shard's replica in another zone than its primary"
    if comp.kind in ("queue", "stream_processor"):
        return "rack-aware placement: one replica of every partition per zone"
    if comp.kind in COMPUTE_KINDS:
        return "topology spread constraints, at most one node of difference between zones"
    return "zone-aware replica placement: one copy per zone, quorum across zones"


def _spread(rev: Revision, comp: Component, finding: Finding) -> str | None:
    zones = zones_for(rev, comp)
    parts: list[str] = []
    before, after = rev.set_instances(comp, max(comp.instances, zones), finding)
    if after != before:
        parts.append(f"{before} → {after} nodes")
    if rev.add_features(comp, "multi_az"):
        parts.append(f"spread over {zones} availability zones ({placement(comp)})")
    return f"{comp.id}: " + ", ".join(parts) if parts else None


def fix_zone_spread(rev: Revision, finding: Finding) -> str | None:
    """Spread the finding's component, or every critical stateless tier it lists."""
    if finding.component:
        comp = rev.arch.component(finding.component)
        return _spread(rev, comp, finding) if comp is not None else None
    named = [
        c
        for c in rev.arch.components
        if c.kind in COMPUTE_KINDS
        and not c.stateful
        and c.instances >= 2
        and "multi_az" not in c.features
        and c.id in finding.message
    ]
    changes = [text for c in named if (text := _spread(rev, c, finding))]
    return "; ".join(changes) if changes else None
