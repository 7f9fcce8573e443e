"""Flaw injectors: each takes a good design and returns a broken copy (or None when the flaw
cannot be put into that design), with the components a reviewer's finding must name.

Used by `evals.flaws` to measure reviewer recall. The original design is never modified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agents.artefacts import (
    Architecture,
    Component,
    DesignDoc,
    Link,
    Requirement,
    Scope,
)
from agents.kb import KnowledgeBase

from .checks import effective_features

DURABLE_KINDS = (
    "sql_db",
    "kv_store",
    "document_db",
    "object_store",
    "time_series_db",
    "graph_db",
    "data_warehouse",
)
DB_KINDS = (
    "sql_db",
    "kv_store",
    "document_db",
    "time_series_db",
    "graph_db",
    "geo_index",
    "search_index",
)
ENTRY_KINDS = ("api_gateway", "load_balancer", "cdn", "websocket_gateway")


@dataclass
class Injection:
    """A broken copy of a design and what the reviewer must say about it."""

    scope: Scope
    arch: Architecture
    description: str
    targets: list[str] = field(default_factory=list)  # a finding must name one; [] = any


Injector = Callable[[DesignDoc, KnowledgeBase], Injection | None]


# --- helpers ----------------------------------------------------------------------------------


def _copies(doc: DesignDoc) -> tuple[Scope, Architecture]:
    return doc.scope.model_copy(deep=True), doc.architecture.model_copy(deep=True)


def _strip(
    arch: Architecture,
    kb: KnowledgeBase,
    features: Sequence[str],
    where: Callable[[Component], bool],
) -> list[str]:
    """Remove `features` from the components `where` selects; the ids of those that had one
    and now effectively have none (a technology providing it natively keeps it)."""
    changed: list[str] = []
    for comp in arch.components:
        if not where(comp) or not set(features) & set(comp.features):
            continue
        comp.features = [f for f in comp.features if f not in features]
        if not effective_features(comp, kb) & set(features):
            changed.append(comp.id)
    return changed


def _still_has(
    arch: Architecture,
    kb: KnowledgeBase,
    features: Sequence[str],
    where: Callable[[Component], bool],
) -> bool:
    return any(effective_features(c, kb) & set(features) for c in arch.components if where(c))


def _primary_store(arch: Architecture, unmanaged: bool = False) -> Component | None:
    """The database holding most entities (ties: first in the design)."""
    stores = [c for c in arch.components if c.kind in DB_KINDS and c.stateful]
    if unmanaged:
        stores = [c for c in stores if not c.managed and c.instances > 0]
    if not stores:
        return None
    held = {c.id: sum(e.store == c.id for e in arch.entities) for c in stores}
    return max(stores, key=lambda c: (held[c.id], -stores.index(c)))


def _drop_component(arch: Architecture, component_id: str) -> None:
    """Remove a component and every reference to it, rewiring callers to its callees."""
    callers = [lk for lk in arch.links if lk.target == component_id]
    callees = [lk for lk in arch.links if lk.source == component_id]
    kept = [lk for lk in arch.links if component_id not in (lk.source, lk.target)]
    existing = {(lk.source, lk.target) for lk in kept}
    for before in callers:
        for after in callees:
            pair = (before.source, after.target)
            if before.source != after.target and pair not in existing:
                kept.append(after.model_copy(update={"source": before.source}))
                existing.add(pair)
    arch.links = kept
    arch.components = [c for c in arch.components if c.id != component_id]
    for flow in arch.flows:
        flow.steps = [s for s in flow.steps if component_id not in (s.source, s.target)]
    for dive in arch.deep_dives:
        dive.components = [c for c in dive.components if c != component_id]
    arch.entities = [e for e in arch.entities if e.store != component_id]
    arch.endpoints = [e for e in arch.endpoints if e.component != component_id]
    arch.failure_modes = [f for f in arch.failure_modes if f.component != component_id]
    arch.decisions = [d for d in arch.decisions if d.component != component_id]


# --- the flaws --------------------------------------------------------------------------------


def single_instance_store(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """The main self-run database drops to one node, one copy, no failover."""
    scope, arch = _copies(doc)
    store = _primary_store(arch, unmanaged=True)
    if store is None:
        return None
    store.instances, store.replication = 1, 1
    store.features = [
        f
        for f in store.features
        if f not in ("automatic_failover", "multi_az", "quorum", "read_replicas")
    ]
    store.availability = 0.995
    store.sizing = "1 node (injected flaw: no redundancy)"
    return Injection(scope, arch, f"{store.id} runs on a single node", [store.id])


def read_path_caches(arch: Architecture) -> list[Component]:
    """The caches that serve the read path: in a traced read flow, holding the hot set
    (`cache_memory`) rather than sessions or rate-limit counters."""
    caches = [c for c in arch.components if c.kind == "cache"]
    on_read = {
        s for f in arch.flows if f.path == "read" for st in f.steps for s in (st.source, st.target)
    }
    hot = [c for c in caches if "cache_memory" in c.estimates]
    traced = [c for c in hot if c.id in on_read]
    return traced or hot


def no_cache(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """The read cache disappears from a read-heavy path: every read now reaches the stores
    behind it, which therefore carry the full peak read rate."""
    scope, arch = _copies(doc)
    reads = scope.value("read_qps_peak", 0.0)
    writes = scope.value("write_qps_peak", 0.0)
    caches = read_path_caches(arch)
    if not caches or reads < 5 * max(writes, 1e-9):
        return None
    backends: list[str] = []
    for cache in caches:
        callers = {lk.source for lk in arch.links if lk.target == cache.id}
        backends += [
            lk.target
            for lk in arch.links
            if lk.source in callers
            and (c := arch.component(lk.target)) is not None
            and c.kind in (*DB_KINDS, "object_store")
        ]
    for cache in caches:
        _drop_component(arch, cache.id)
    for cid in dict.fromkeys(backends):
        store = arch.component(cid)
        if store is not None and "read_qps_peak" not in store.estimates:
            store.estimates = [e for e in store.estimates if "read" not in e] + ["read_qps_peak"]
    return Injection(
        scope,
        arch,
        f"dropped {', '.join(c.id for c in caches)} from a read path of {reads:,.0f}/s at peak",
        list(dict.fromkeys(backends)),
    )


def over_budget(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """The budget becomes half of what the design costs."""
    from agents.cost_analyst import estimate_cost

    scope, arch = _copies(doc)
    total = estimate_cost(arch, scope, kb).total_monthly_usd  # today's prices, not the doc's
    if total <= 0:
        return None
    budget = round(total * 0.5, 2)
    nfr = scope.nfr("budget")
    if nfr is not None:
        nfr.target = budget
    else:
        scope.non_functional.append(
            Requirement(
                id=f"NFR-{len(scope.non_functional) + 1}",
                kind="non_functional",
                text=f"Cost at most ${budget:,.0f}/month.",
                metric="budget",
                target=budget,
                unit="USD/month",
            )
        )
    return Injection(scope, arch, f"budget ${budget:,.0f} vs a ${total:,.0f} bill")


def queue_without_dlq(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """A new async queue between the API and a consumer, with no dead-letter queue."""
    scope, arch = _copies(doc)
    kind = kb.kinds.get("queue")
    producer = next((c for c in arch.components if c.kind == "service"), None)
    if kind is None or producer is None:
        return None
    option = next((o for o in kind.options if "dead_letter_queue" not in o.features), None)
    if option is None:
        return None
    consumer = next((c for c in arch.components if c.kind == "worker"), None)
    consumer = consumer or _primary_store(arch) or producer
    queue_id = "injected_queue"
    arch.components.append(
        Component(
            id=queue_id,
            name="event queue",
            kind="queue",
            technology=option.name,
            responsibility="Carries events from the API to their consumer asynchronously.",
            instances=3,
            sizing="3 brokers (injected)",
            stateful=True,
            replication=3,
            managed=option.managed,
            serves=list(producer.serves[:1]) or ["FR-1"],
            estimates=[e for e in producer.estimates if "write" in e][:1],
            features=[
                "backpressure",
                "consumer_lag_alerts",
                "multi_az",
                "automatic_failover",
                "quorum",
                "retries_with_backoff",
                "idempotency_keys",
                "tls",
                "encryption_at_rest",
            ],
            availability=1 - 0.005**3,
        )
    )
    arch.links.append(
        Link(source=producer.id, target=queue_id, label="publish event", sync=False, critical=False)
    )
    arch.links.append(
        Link(source=queue_id, target=consumer.id, label="consume event", sync=False, critical=False)
    )
    return Injection(scope, arch, f"{option.name} queue without a dead-letter queue", [queue_id])


def feature_flaw(
    features: Sequence[str],
    where: Callable[[Component], bool],
    what: str,
    *,
    pin: bool = False,
) -> Injector:
    """A flaw that removes `features` from the components `where` selects.

    pin=True: the finding must name one of the changed components. Otherwise the mechanism
    must be gone from every selected component (one that still provides it natively covers the
    others, so the flaw is not applicable) and a finding anywhere counts.
    """

    def inject(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
        scope, arch = _copies(doc)
        changed = _strip(arch, kb, features, where)
        if not changed or (not pin and _still_has(arch, kb, features, where)):
            return None
        return Injection(
            scope, arch, f"{what} removed from {', '.join(changed)}", changed if pin else []
        )

    return inject


def no_alerts(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """No alerts: nobody is paged when the SLO burns."""
    scope, arch = _copies(doc)
    obs = arch.observability
    if obs is None or not obs.alerts:
        return None
    obs.alerts = []
    return Injection(scope, arch, "alerts removed")


def single_az(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """Every stateful component in one availability zone, on a system with a 99.95%+ target."""
    scope, arch = _copies(doc)
    nfr = scope.nfr("availability")
    if nfr is None or not nfr.target or nfr.target < 99.95:
        return None
    changed = _strip(arch, kb, ["multi_az"], lambda c: c.stateful)
    if not changed:
        return None
    arch.regions = 1
    return Injection(scope, arch, f"multi_az removed from {', '.join(changed)}", changed)


def unserved_requirement(doc: DesignDoc, kb: KnowledgeBase) -> Injection | None:
    """No component or endpoint serves the first functional requirement any more."""
    scope, arch = _copies(doc)
    if not scope.functional:
        return None
    fr = scope.functional[0].id
    fallback = [r.id for r in scope.non_functional[:1]] or [r.id for r in scope.functional[1:2]]
    for comp in arch.components:
        if fr in comp.serves:
            comp.serves = [s for s in comp.serves if s != fr] or list(fallback)
    for endpoint in arch.endpoints:
        endpoint.serves = [s for s in endpoint.serves if s != fr]
    return Injection(scope, arch, f"{fr} served by nothing")


def is_durable_store(c: Component) -> bool:
    return c.kind in DURABLE_KINDS and not (c.kind == "object_store" and c.managed)


def holds_data(c: Component) -> bool:
    return c.kind in DURABLE_KINDS or c.kind in ENTRY_KINDS or (c.stateful and c.kind == "queue")
