"""revise_architecture: answer every open review finding with a concrete design change.

Each rule id maps to a fixer that changes the copy of the architecture (instances, replication,
features, technology, links, alerts) and returns what it changed; the change is recorded as a
Change of the new revision. Sizing, availability and the failure-mode table are recomputed
afterwards. Findings of unknown rules leave the design as it is and record nothing.
"""

from __future__ import annotations

import re

from ..artefacts import Architecture, Change, CostReport, Finding, Review, Scope
from ..kb import KnowledgeBase
from ._common import ENTRY_KINDS, SINGLE_PRIMARY_KINDS, UTILISATION, Ctx, ceil_div, option_for
from ._revision import Fixer, Revision, features_text, redundant
from .draft import refresh_derived
from .fixes_availability import fix_availability_composition
from .fixes_capacity import combine, fix_hot_partition
from .fixes_design import (
    fix_budget,
    fix_latency_budget,
    fix_slo_alerting,
    fix_unserved_requirement,
)
from .fixes_zones import fix_zone_spread
from .sizing import apply_sizing, node_capacity, peak_load

STORAGE_NAMES = ("storage_total", "media_storage_total", "media_storage_per_day", "cache_memory")

_SEVERITY_ORDER = {"blocker": 0, "major": 1, "minor": 2}


def fix_no_spof(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding)
    if comp is None:
        return None
    parts = redundant(rev, comp, finding, failover=True)
    return f"{comp.id}: " + ", ".join(parts) if parts else None


def fix_durability(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "sql_db", "kv_store", "document_db")
    if comp is None:
        return None
    parts: list[str] = []
    if comp.replication < 3:
        parts.append(f"replication {comp.replication} → 3")
        comp.replication = 3
        if comp.kind in SINGLE_PRIMARY_KINDS or comp.instances < 3:
            before, after = rev.set_instances(comp, max(3, comp.instances), finding)
            if after != before:
                parts.append(f"{before} → {after} nodes (one copy per zone)")
    added = rev.add_features(comp, "backups", "point_in_time_recovery")
    if added:
        parts.append("daily snapshots and point-in-time recovery added")
    return f"{comp.id}: " + ", ".join(parts) if parts else None


_COUNT = re.compile(r"(\d[\d,]*)\s+(?:instances|nodes)")


def fix_headroom(rev: Revision, finding: Finding) -> str | None:
    """Grow until both the peak load and the stored bytes sit at <= 70% of capacity (or to
    the count the reviewer computed, whichever is larger)."""
    comp = rev.comp(finding)
    if comp is None or comp.instances == 0:
        return None
    opt = option_for(rev.kb, comp)
    if opt is None:
        return None
    load = peak_load(comp, rev.ctx)
    per_node = node_capacity(comp, opt, rev.ctx)  # the role's own per-node work, as sized
    need = ceil_div(load, per_node * UTILISATION) if per_node > 0 else 0
    stored = sum(rev.ctx.value(n) for n in comp.estimates if n in STORAGE_NAMES)
    if stored and opt.per_node_storage_gb:
        need = max(
            need, ceil_div(stored * comp.replication, opt.per_node_storage_gb * 1e9 * UTILISATION)
        )
    asked = [int(m.replace(",", "")) for m in _COUNT.findall(finding.recommendation)]
    target = max([need, *(a for a in asked if a > comp.instances)], default=need)
    before, after = rev.set_instances(comp, target, finding)
    if after == before:
        return None
    parts = []
    if load and per_node:
        parts.append(f"peak {load / (after * per_node):.0%} of capacity")
    if stored and opt.per_node_storage_gb:
        used = stored * comp.replication / (after * opt.per_node_storage_gb * 1e9)
        parts.append(f"disks {used:.0%} full")
    return f"{comp.id}: {before} → {after} instances ({', '.join(parts) or 'headroom'}; ≤ 70%)"


def _feature_fixer(kinds: tuple[str, ...], features: tuple[str, ...], what: str) -> Fixer:
    def fixer(rev: Revision, finding: Finding) -> str | None:
        comp = rev.comp(finding, *kinds)
        if comp is None:
            return None
        added = rev.add_features(comp, *features)
        return f"{features_text(comp, added)} ({what})" if added else None

    return fixer


def fix_hot_keys(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "cache")
    if comp is None:
        return None
    if comp.kind == "cache":
        added = rev.add_features(comp, "hot_key_replication", "request_coalescing")
        return (
            (
                f"{features_text(comp, added)}: the top keys are replicated on every shard "
                "(key#r suffixes) and concurrent misses coalesce"
            )
            if added
            else None
        )
    changed = []
    for ent in rev.arch.entities:
        if ent.store == comp.id and ent.partition_key and not ent.partition_key.startswith("hash("):
            unique = next(
                (
                    f.name
                    for f in ent.fields
                    if f.key in ("PK", "UK") and f.name != ent.partition_key
                ),
                ent.partition_key,
            )
            old, ent.partition_key = ent.partition_key, f"hash({unique})"
            changed.append(f"{ent.name} partition key {old} → {ent.partition_key}")
    added = rev.add_features(comp, "hot_key_replication")
    if not changed and not added:
        return None
    return f"{comp.id}: " + "; ".join(
        [*changed, *(["hot keys salted into sub-keys"] * bool(added))]
    )


def fix_retry_idempotency(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "service")
    if comp is None:
        return None
    touched = []
    if rev.add_features(comp, "idempotency_keys"):
        touched.append(comp.id)
    callers = {lk.source for lk in rev.arch.links if lk.target == comp.id}
    for caller in rev.arch.components:
        if (
            caller.id in callers
            and caller.kind in ("service", "worker", "websocket_gateway")
            and rev.add_features(caller, "idempotency_keys")
        ):
            touched.append(caller.id)
    if not touched:
        return None
    return (
        f"idempotency keys on {', '.join(touched)}: each write carries a client key stored "
        "with its result (unique constraint, 24 h TTL); a retried write returns the stored "
        "result instead of applying twice"
    )


def fix_queue_backpressure(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "queue", "stream_processor")
    if comp is None:
        return None
    added = rev.add_features(comp, "backpressure", "consumer_lag_alerts")
    if not added:
        return None
    if rev.arch.observability is not None:
        rev.arch.observability.alerts.append(
            f"{comp.id}: page when consumer lag (age of the oldest event) > 120 s for 5 min"
        )
    return (
        f"{features_text(comp, added)}: producers slow down (bounded in-flight, 429 to "
        "clients) when lag grows, and lag > 120 s pages"
    )


def fix_unbounded_fanout(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "worker", "queue")
    if comp is None:
        return None
    added = rev.add_features(comp, "fanout_cap")
    if not added:
        return None
    return (
        f"{comp.id}: fan-out capped at 10,000 recipients per write; senders above the cap "
        "are pulled at read time (hybrid push/pull), so one write never queues unbounded "
        "deliveries"
    )


def fix_encryption(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding)
    targets = [comp] if comp is not None else [c for c in rev.arch.components if c.stateful]
    changed = []
    for target in targets:
        feats = ("tls",) if target.kind in ENTRY_KINDS else ("encryption_at_rest", "tls")
        added = rev.add_features(target, *feats)
        if added:
            changed.append(features_text(target, added))
    if not changed:
        return None
    line = "encryption at rest with KMS-managed keys (rotated yearly) on every store and backup"
    if line not in rev.arch.security:
        rev.arch.security.append(line)
    return "; ".join(changed)


def fix_clock_ordering(rev: Revision, finding: Finding) -> str | None:
    comp = rev.comp(finding, "service", "websocket_gateway")
    if comp is None:
        return None
    added = rev.add_features(comp, "server_assigned_ids")
    return (
        (
            f"{comp.id}: server-assigned per-conversation sequence numbers (and time-ordered "
            "ids); ordering and dedup by them, client clocks for display only"
        )
        if added
        else None
    )


FIXES: dict[str, Fixer] = {
    "no-spof": fix_no_spof,
    "zone-spread": fix_zone_spread,
    "availability-composition": fix_availability_composition,
    "durability": fix_durability,
    "budget": fix_budget,
    "headroom": combine(fix_hot_partition, fix_headroom),
    "hot-keys": fix_hot_keys,
    "retry-idempotency": fix_retry_idempotency,
    "queue-dlq": _feature_fixer(
        ("queue",), ("dead_letter_queue",), "poison messages move to a DLQ after 5 attempts"
    ),
    "queue-backpressure": fix_queue_backpressure,
    "rate-limiting": _feature_fixer(
        ENTRY_KINDS, ("rate_limiting",), "token bucket per API key and IP; 429 with Retry-After"
    ),
    "slo-alerting": fix_slo_alerting,
    "cache-invalidation": _feature_fixer(
        ("cache",),
        ("invalidate_on_write", "ttl_invalidation"),
        "delete the key after each committed write; TTL bounds staleness",
    ),
    "thundering-herd": _feature_fixer(
        ("cache",), ("request_coalescing", "jittered_ttl"), "one loader per key; ±10% TTL jitter"
    ),
    "unbounded-fanout": fix_unbounded_fanout,
    "split-brain": _feature_fixer(
        ("sql_db", "kv_store", "document_db"),
        ("quorum", "fencing_tokens"),
        "primary elected by quorum; writes carry fencing tokens",
    ),
    "check-then-act": _feature_fixer(
        ("sql_db", "kv_store", "document_db"),
        ("conditional_writes",),
        "claims are conditional puts / INSERT ... ON CONFLICT",
    ),
    "clock-ordering": fix_clock_ordering,
    "latency-budget": fix_latency_budget,
    "encryption": fix_encryption,
    "unserved-requirement": fix_unserved_requirement,
}


def _resize(rev: Revision) -> None:
    """Recompute every sizing string; instances never drop below what this round set."""
    for comp in rev.arch.components:
        opt = option_for(rev.kb, comp)
        floor, note = rev.floors.get(comp.id, (comp.instances, "kept from the previous revision"))
        apply_sizing(comp, opt, rev.ctx, floor=floor, floor_note=note)


def revise_architecture(
    arch: Architecture, scope: Scope, review: Review, cost: CostReport, kb: KnowledgeBase
) -> Architecture:
    """A new Architecture (revision + 1) that changes the design for each open finding."""
    new = arch.model_copy(deep=True)
    new.revision = arch.revision + 1
    rev = Revision(arch=new, ctx=Ctx.build(scope, kb), kb=kb, cost=cost)
    findings = sorted(review.open(), key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    for finding in findings:
        fixer = FIXES.get(finding.rule)
        if fixer is None:
            continue
        description = fixer(rev, finding)
        if description:
            new.changes.append(
                Change(
                    revision=new.revision,
                    finding=finding.id,
                    rule=finding.rule,
                    description=description,
                )
            )
    _resize(rev)
    refresh_derived(new, rev.ctx, kb)
    return new
