"""The state of one revision round and the helpers every fixer uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..artefacts import Architecture, Component, CostReport, Finding
from ..kb import KnowledgeBase, TechOption
from ._common import Ctx, option_for
from .sizing import serverless

FR_ID = re.compile(r"\bFR-\d+\b")


@dataclass
class Revision:
    """The architecture being revised and what this round changed."""

    arch: Architecture
    ctx: Ctx
    kb: KnowledgeBase
    cost: CostReport
    floors: dict[str, tuple[int, str]] = field(default_factory=dict)

    def comp(self, finding: Finding, *kinds: str) -> Component | None:
        """The finding's component, else the first component of `kinds`."""
        if finding.component:
            found = self.arch.component(finding.component)
            if found is not None:
                return found
        return next((c for c in self.arch.components if c.kind in kinds), None)

    def option(self, comp: Component) -> TechOption | None:
        return option_for(self.kb, comp)

    def add_features(self, comp: Component, *features: str) -> list[str]:
        added = [f for f in features if f not in comp.features]
        comp.features.extend(added)
        return added

    def set_instances(self, comp: Component, count: int, finding: Finding) -> tuple[int, int]:
        """Raise `comp` to `count` instances (recorded as a sizing floor); (before, after)."""
        before = comp.instances
        if serverless(option_for(self.kb, comp)) or count <= before:
            return before, before
        self.floors[comp.id] = (count, f"after review {finding.id} ({finding.rule})")
        comp.instances = count
        return before, count


Fixer = Callable[[Revision, Finding], str | None]


def features_text(comp: Component, added: list[str]) -> str:
    return f"{comp.id}: {', '.join(a.replace('_', ' ') for a in added)} added"


def redundant(rev: Revision, comp: Component, finding: Finding, failover: bool) -> list[str]:
    """Make `comp` redundant: at least 2 (and the target's) instances; stateful ones get
    replication >= 2 and, with `failover`, automatic failover elected by a quorum."""
    parts: list[str] = []
    quorum = failover and comp.stateful and not comp.managed
    # a quorum-elected failover needs a majority that survives one loss: 3 voters (caches
    # use external sentinels for the vote, so their node count stays)
    voters = 3 if quorum and comp.kind != "cache" else 2
    target = max(voters, rev.ctx.redundancy, comp.instances)
    before, after = rev.set_instances(comp, target, finding)
    if after != before:
        parts.append(f"{before} → {after} instances")
    if comp.stateful:
        if comp.replication < 2:
            parts.append(f"replication {comp.replication} → {max(2, min(3, after))}")
            comp.replication = max(2, min(3, after))
        if failover:
            feats = ["automatic_failover", "multi_az"]
            if quorum:
                feats.append("quorum")  # failover elected by a quorum, so no split brain
            added = rev.add_features(comp, *feats)
            if added:
                parts.append(", ".join(a.replace("_", " ") for a in added) + " added")
    return parts


# Guarantees a managed option gives for free that a replacement must then provide itself.
CARRIED_FEATURES = (
    "automatic_failover",
    "multi_az",
    "backups",
    "point_in_time_recovery",
    "encryption_at_rest",
    "tls",
    "quorum",
    "conditional_writes",
    "ttl_invalidation",
    "backpressure",
    "read_replicas",
    "request_coalescing",
    "rate_limiting",
)


def switch_option(rev: Revision, comp: Component, option: TechOption, why: str) -> str:
    """Move `comp` to another catalogue option, keeping every guarantee it had: mechanisms
    reviews added stay, and what the old technology provided is now run explicitly."""
    old = option_for(rev.kb, comp)
    old_features = set(old.features) if old else set()
    kept = [f for f in comp.features if f not in old_features]
    carried = [f for f in CARRIED_FEATURES if f in old_features and f not in option.features]
    if "automatic_failover" in carried and not option.managed and "quorum" not in carried:
        carried.append("quorum")  # self-run failover is elected by a quorum (no split brain)
    before = comp.technology
    if serverless(option) != serverless(old):
        rev.floors[comp.id] = (0, "")  # from nodes to per-request billing or back: resize
    comp.technology, comp.managed = option.name, option.managed
    comp.features = list(dict.fromkeys([*option.features, *kept, *carried]))
    for decision in rev.arch.decisions:
        if decision.component == comp.id:
            decision.chosen = option.name
            decision.rationale += f" Revised (rev {rev.arch.revision}): {option.name}: {why}."
    run = f"; now run by us: {', '.join(f.replace('_', ' ') for f in carried)}" if carried else ""
    return f"{comp.id}: {before} → {option.name} ({why}{run})"
