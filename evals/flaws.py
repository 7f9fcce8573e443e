"""Reviewer recall: inject known flaws into good designs and see whether the reviewer notices.

Each flaw takes the final design of a case, breaks one thing a reviewer must catch — a stateful
store without redundancy, the cache gone from a read-heavy path, a bill over budget, a queue
without a dead-letter queue, ... — and names the rules that must fire and, where it matters,
the components they must fire on. The cost analyst and the reviewer then run again on the
broken design; the flaw is *caught* when an open finding of an expected rule names an expected
component. A flaw that cannot be injected into a design (no cache to drop, or the technology
provides the removed mechanism natively) is *not applicable*, and one whose rule already fires
on the intact design is *already flagged*; neither counts towards recall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field, computed_field

from agents.artefacts import (
    Architecture,
    Component,
    DesignDoc,
    Finding,
    Link,
    Requirement,
    Review,
    Scope,
)
from agents.kb import KnowledgeBase

from .checks import effective_features

# Stores whose loss loses data; a managed object store is durable by itself.
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


@dataclass(frozen=True)
class Flaw:
    """A kind of flaw: how to inject it and which rules catch it."""

    id: str
    title: str
    rules: tuple[str, ...]
    inject: Injector


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


def _feature_flaw(
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


def _durable(c: Component) -> bool:
    return c.kind in DURABLE_KINDS and not (c.kind == "object_store" and c.managed)


def _holds_data(c: Component) -> bool:
    return c.kind in DURABLE_KINDS or c.kind in ENTRY_KINDS or (c.stateful and c.kind == "queue")


FLAWS: dict[str, Flaw] = {
    f.id: f
    for f in (
        Flaw(
            "single_instance_store",
            "stateful store without redundancy",
            ("no-spof",),
            single_instance_store,
        ),
        Flaw(
            "no_cache",
            "cache dropped from a read-heavy path",
            ("headroom", "latency-budget"),
            no_cache,
        ),
        Flaw("over_budget", "bill above the budget", ("budget",), over_budget),
        Flaw(
            "queue_without_dlq",
            "queue without a dead-letter queue",
            ("queue-dlq",),
            queue_without_dlq,
        ),
        Flaw(
            "no_backpressure",
            "queue without backpressure or lag alerts",
            ("queue-backpressure",),
            _feature_flaw(
                ["backpressure", "consumer_lag_alerts"],
                lambda c: c.kind == "queue",
                "backpressure",
                pin=True,
            ),
        ),
        Flaw(
            "no_rate_limiting",
            "no rate limiting at the edge",
            ("rate-limiting",),
            _feature_flaw(["rate_limiting"], lambda c: True, "rate limiting"),
        ),
        Flaw("no_alerts", "no alerts on the SLOs", ("slo-alerting",), no_alerts),
        Flaw(
            "no_idempotency",
            "retried writes without idempotency keys",
            ("retry-idempotency",),
            _feature_flaw(["idempotency_keys"], lambda c: c.kind != "external", "idempotency keys"),
        ),
        Flaw(
            "single_az",
            "stateful tiers in one availability zone",
            ("no-spof", "availability-composition"),
            single_az,
        ),
        Flaw(
            "no_backups",
            "store without backups",
            ("durability",),
            _feature_flaw(["backups", "point_in_time_recovery"], _durable, "backups", pin=True),
        ),
        Flaw(
            "no_encryption",
            "no TLS or encryption at rest",
            ("encryption",),
            _feature_flaw(["tls", "encryption_at_rest"], _holds_data, "encryption", pin=True),
        ),
        Flaw(
            "no_cache_invalidation",
            "cache without TTL or invalidation",
            ("cache-invalidation",),
            _feature_flaw(
                ["ttl_invalidation", "invalidate_on_write"],
                lambda c: c.kind == "cache",
                "invalidation",
                pin=True,
            ),
        ),
        Flaw(
            "no_stampede_protection",
            "cache without stampede protection",
            ("thundering-herd",),
            _feature_flaw(
                ["request_coalescing", "jittered_ttl"],
                lambda c: c.kind == "cache",
                "stampede protection",
                pin=True,
            ),
        ),
        Flaw(
            "unbounded_fanout",
            "fan-out without a cap",
            ("unbounded-fanout",),
            _feature_flaw(["fanout_cap"], lambda c: True, "fan-out cap", pin=True),
        ),
        Flaw(
            "no_fencing",
            "failover without quorum or fencing",
            ("split-brain",),
            _feature_flaw(
                ["fencing_tokens", "quorum"],
                lambda c: c.stateful and not c.managed,
                "fencing",
                pin=True,
            ),
        ),
        Flaw(
            "no_conditional_writes",
            "reservations without conditional writes",
            ("check-then-act",),
            _feature_flaw(
                ["conditional_writes"], lambda c: c.kind in DB_KINDS, "conditional writes", pin=True
            ),
        ),
        Flaw(
            "unserved_requirement",
            "a functional requirement nothing serves",
            ("unserved-requirement",),
            unserved_requirement,
        ),
    )
}


# --- measuring recall -------------------------------------------------------------------------


class FlawTrial(BaseModel):
    """One flaw injected into one design."""

    case: str
    flaw: str
    status: str = Field(description="caught, missed, not_applicable, or already_flagged.")
    targets: list[str] = Field(
        default_factory=list, description="Components a finding had to name ([] = any)."
    )
    description: str = ""
    findings: list[str] = Field(default_factory=list, description="Findings of expected rules.")


class FlawRecall(BaseModel):
    """Recall of one flaw type over the cases it applied to."""

    flaw: str
    title: str
    rules: list[str]
    applicable: int = 0
    caught: int = 0
    missed_in: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        """Share caught (None when it applied nowhere)."""
        return self.caught / self.applicable if self.applicable else None


class RecallReport(BaseModel):
    """Per-flaw recall plus every trial."""

    per_flaw: list[FlawRecall] = Field(default_factory=list)
    trials: list[FlawTrial] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def applicable(self) -> int:
        return sum(f.applicable for f in self.per_flaw)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def caught(self) -> int:
        return sum(f.caught for f in self.per_flaw)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overall(self) -> float | None:
        """Caught / applicable over every trial."""
        return self.caught / self.applicable if self.applicable else None

    def for_case(self, case: str) -> list[FlawTrial]:
        return [t for t in self.trials if t.case == case]


def _matching(review: Review, flaw: Flaw, targets: list[str]) -> list[Finding]:
    return [
        f for f in review.open() if f.rule in flaw.rules and (not targets or f.component in targets)
    ]


def _review(scope: Scope, arch: Architecture, kb: KnowledgeBase) -> Review:
    from agents.cost_analyst import estimate_cost
    from agents.reviewer import review_design

    cost = estimate_cost(arch, scope, kb)
    return review_design(scope, arch, cost, kb, round=1, previous=None)


def try_flaw(
    case: str, doc: DesignDoc, flaw: Flaw, kb: KnowledgeBase, baseline: Review | None = None
) -> FlawTrial:
    """Inject `flaw` into `doc`, re-run cost analyst + reviewer, and say whether it was caught."""
    injection = flaw.inject(doc, kb)
    if injection is None:
        return FlawTrial(case=case, flaw=flaw.id, status="not_applicable")
    if baseline is None:
        baseline = _review(doc.scope, doc.architecture, kb)
    if _matching(baseline, flaw, injection.targets):
        return FlawTrial(
            case=case,
            flaw=flaw.id,
            status="already_flagged",
            targets=injection.targets,
            description=injection.description,
        )
    review = _review(injection.scope, injection.arch, kb)
    hits = _matching(review, flaw, injection.targets)
    return FlawTrial(
        case=case,
        flaw=flaw.id,
        status="caught" if hits else "missed",
        targets=injection.targets,
        description=injection.description,
        findings=[
            f"{f.id} {f.severity} {f.rule} on {f.component or '-'}: {f.message[:120]}" for f in hits
        ],
    )


def measure_recall(
    designs: Iterable[tuple[str, DesignDoc]],
    kb: KnowledgeBase,
    flaws: Iterable[str] | None = None,
) -> RecallReport:
    """Inject every flaw (or the named ones) into every design and tally what was caught."""
    chosen = [FLAWS[f] for f in flaws] if flaws is not None else list(FLAWS.values())
    report = RecallReport(
        per_flaw=[FlawRecall(flaw=f.id, title=f.title, rules=list(f.rules)) for f in chosen]
    )
    by_id = {r.flaw: r for r in report.per_flaw}
    for case, doc in designs:
        baseline = _review(doc.scope, doc.architecture, kb)
        for flaw in chosen:
            trial = try_flaw(case, doc, flaw, kb, baseline)
            report.trials.append(trial)
            tally = by_id[flaw.id]
            if trial.status in ("caught", "missed"):
                tally.applicable += 1
                tally.caught += trial.status == "caught"
                if trial.status == "missed":
                    tally.missed_in.append(case)
    return report
