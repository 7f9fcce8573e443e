"""Fixers that reshape the design rather than toggle a feature: budget (reserved capacity,
tiering, a cheaper technology), latency budget (a cache or read replicas), SLO alerts, unserved
requirements."""

from __future__ import annotations

import re

from ..artefacts import Component, Finding, Link
from ..cost_analyst import estimate_cost
from ..kb import TechOption
from ._common import (
    ENTRY_KINDS,
    PRIMARY_STORE_KINDS,
    SINGLE_PRIMARY_KINDS,
    fmt_num,
    fmt_percent,
    is_read_cache,
)
from ._revision import FR_ID, Revision, switch_option
from .decisions import DecisionInput, decide
from .fixes_availability import critical_path
from .qualities import build_observability
from .sizing import (
    apply_sizing,
    availability,
    describe_load,
    peak_load,
    storage_estimates,
)

BUDGET_SWITCH_TOLERANCE = 0.35  # weighted-score loss accepted for a cheaper option
TIERING_BYTES = 1e12  # stores above 1 TB get hot/cold tiering
MIN_SAVING_USD = 1.0  # a technology switch must cut the re-priced monthly bill


def _cost_by_component(rev: Revision) -> dict[str, float]:
    totals: dict[str, float] = {}
    for item in rev.cost.items:
        if item.component:
            totals[item.component] = totals.get(item.component, 0.0) + item.monthly_usd
    return totals


def _cheaper_option(rev: Revision, comp: Component) -> TechOption | None:
    decision = next((d for d in rev.arch.decisions if d.component == comp.id), None)
    current = rev.option(comp)
    if decision is None or current is None or comp.technology in rev.ctx.scope.preferences:
        return None  # a technology the requirements ask for is not traded for a cheaper one
    chosen = next((o for o in decision.options if o.name == decision.chosen), None)
    floor = (chosen.weighted if chosen else 0.0) - BUDGET_SWITCH_TOLERANCE
    cheaper = [
        o
        for o in decision.options
        if o.name != decision.chosen
        and o.weighted >= floor
        and o.scores.get("cost", 0) > current.scores.get("cost", 0)
    ]
    if not cheaper:
        return None
    best = max(cheaper, key=lambda o: (o.scores.get("cost", 0), o.weighted))
    kind = rev.kb.kinds.get(comp.kind)
    return next((o for o in (kind.options if kind else []) if o.name == best.name), None)


def _switch_if_cheaper(rev: Revision, comp: Component, option: TechOption) -> str | None:
    """Re-price the design with `comp` on `option`; switch only when the bill drops."""
    trial = Revision(
        arch=rev.arch.model_copy(deep=True),
        ctx=rev.ctx,
        kb=rev.kb,
        cost=rev.cost,
        floors=dict(rev.floors),
    )
    twin = trial.arch.component(comp.id)
    if twin is None:
        return None
    before = estimate_cost(trial.arch, rev.ctx.scope, rev.kb).total_monthly_usd
    switch_option(trial, twin, option, "trial")
    floor, note = trial.floors.get(twin.id, (twin.instances, "kept"))
    apply_sizing(twin, option, rev.ctx, floor=floor, floor_note=note)
    after = estimate_cost(trial.arch, rev.ctx.scope, rev.kb).total_monthly_usd
    if after > before - MIN_SAVING_USD:
        return None
    if _costs_availability(rev, comp, twin, option):
        return None
    why = (
        f"cheaper: the design re-priced at ${fmt_num(after)} instead of "
        f"${fmt_num(before)}/month (cost score {option.scores.get('cost', 0)})"
    )
    return switch_option(rev, comp, option, why)


def _costs_availability(
    rev: Revision, comp: Component, twin: Component, option: TechOption
) -> bool:
    """Whether the switch would lower the availability of a critical-path component: the
    availability fixer raised it (or chose it) for the SLO, and undoing that makes the
    revision loop swing between the two rules instead of converging."""
    current = rev.option(comp)
    if current is None:
        return False
    if availability(twin, option) >= availability(comp, current):
        return False
    return any(c.id == comp.id for c in critical_path(rev))


def fix_budget(rev: Revision, finding: Finding) -> str | None:
    parts: list[str] = []
    costs = _cost_by_component(rev)
    budget = rev.cost.budget_monthly_usd or rev.ctx.budget_usd
    total = rev.cost.total_monthly_usd
    discount = rev.kb.prices.reserved_discount
    reserved = [
        c.id
        for c in rev.arch.components
        if c.instances > 0 and rev.add_features(c, "reserved_instances")
    ]
    if reserved:
        parts.append(f"1-year reserved instances ({discount:.0%} off) on {', '.join(reserved)}")
    tiered = [
        c.id
        for c in rev.arch.components
        if (c.kind == "object_store" or (c.stateful and c.kind != "cache"))
        and sum(rev.ctx.value(n) for n in c.estimates if "storage" in n) >= TIERING_BYTES
        and rev.add_features(c, "storage_tiering")
    ]
    if tiered:
        parts.append(
            f"storage tiering (data older than 30 days to infrequent-access) on {', '.join(tiered)}"
        )
    compute_saving = (
        sum(
            i.monthly_usd
            for i in rev.cost.items
            if i.category == "compute" and i.component in reserved
        )
        * discount
    )
    still_over = budget is not None and total - compute_saving > budget
    named = rev.arch.component(finding.component) if finding.component else None
    ranked = sorted(rev.arch.components, key=lambda c: -costs.get(c.id, 0.0))
    for comp in ([named] if named else []) + ranked:
        if comp is None or not (still_over or comp is named):
            continue
        cheaper = _cheaper_option(rev, comp)
        switched = _switch_if_cheaper(rev, comp, cheaper) if cheaper else None
        if switched:
            parts.append(switched)
            break
    return "; ".join(parts) if parts else None


def _add_cache(
    rev: Revision, finding: Finding, caller: Component | None, store: Component | None
) -> str | None:
    """A cache-aside read cache for `caller`, in front of `store`, with its own decision."""
    kind = rev.kb.kinds.get("cache")
    if kind is None or not kind.options or caller is None:
        return None
    estimates = [n for n in ("read_qps_peak",) if rev.ctx.has(n)] + storage_estimates(
        "cache", rev.ctx, False
    )
    cache_id = f"{store.id}_cache" if store else "read_cache"
    target = f" in front of {store.id}" if store else ""
    comp = Component(
        id=cache_id,
        name=f"read cache{target}",
        kind="cache",
        technology="",
        responsibility=f"Cache-aside copy of hot records{target} so reads meet the p99 target "
        f"(added in revision {rev.arch.revision} for {finding.id}).",
        instances=1,
        sizing="",
        stateful=True,
        replication=2,
        serves=[*rev.ctx.nfr_ids("latency_p99", "availability")],
        estimates=estimates,
    )
    decision, option = decide(
        DecisionInput(
            component_id=comp.id,
            component_name=comp.name,
            kind="cache",
            load=peak_load(comp, rev.ctx),
            load_desc=describe_load(comp, rev.ctx),
            relations=0,
            storage_bytes=rev.ctx.value("cache_memory"),
        ),
        kind.options,
        rev.ctx,
        f"D-{len(rev.arch.decisions) + 1}",
    )
    comp.technology, comp.managed = option.name, option.managed
    comp.features = list(option.features)
    apply_sizing(comp, option, rev.ctx)
    rev.arch.components.append(comp)
    rev.arch.decisions.append(decision)
    rev.arch.links.append(
        Link(
            source=caller.id,
            target=comp.id,
            label="GET/SET hot keys (cache-aside)",
            sync=True,
            critical=False,
        )
    )
    return (
        f"{cache_id} added{target}: {option.name}, {comp.instances} node(s) "
        f"({comp.sizing}); {caller.id} reads it before the store"
    )


def _mentioned(rev: Revision, finding: Finding) -> list[Component]:
    """Components the finding names, in the order it names them."""
    text = f"{finding.message} {finding.recommendation}"
    found = [
        (text.find(c.id), c)
        for c in rev.arch.components
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c.id)}(?![A-Za-z0-9_])", text)
    ]
    return [c for _, c in sorted(found, key=lambda pair: pair[0])]


def fix_latency_budget(rev: Revision, finding: Finding) -> str | None:
    """Put a cache in front of the slowest store on the read path, else read replicas."""
    named = _mentioned(rev, finding)
    if finding.component and rev.arch.component(finding.component):
        named.insert(0, rev.arch.component(finding.component))  # type: ignore[arg-type]
    slow = [
        c
        for c in named
        if c.kind
        in (*PRIMARY_STORE_KINDS, "search_index", "graph_db", "time_series_db", "object_store")
    ]
    if not slow:
        if any(is_read_cache(c) for c in rev.arch.components):
            return None
        main = next((c for c in rev.arch.components if c.kind == "service"), None)
        return _add_cache(rev, finding, main, None) if main else None
    store = slow[0]
    callers = [rev.arch.component(lk.source) for lk in rev.arch.links if lk.target == store.id]
    caller = next(
        (c for c in callers if c is not None and c.kind in ("service", "websocket_gateway")), None
    )
    if caller is not None and not any(
        is_read_cache(c)
        for lk in rev.arch.links
        if lk.source == caller.id
        for c in [rev.arch.component(lk.target)]
        if c is not None
    ):
        return _add_cache(rev, finding, caller, store)
    if store.kind in PRIMARY_STORE_KINDS and rev.add_features(store, "read_replicas"):
        parts = [f"{store.id}: reads go to replicas next to the readers"]
        if store.kind in SINGLE_PRIMARY_KINDS:
            before, after = rev.set_instances(store, store.instances + 1, finding)
            if after != before:
                parts.append(f"{before} → {after} nodes")
        return ", ".join(parts)
    return None


def slo_alerts(rev: Revision) -> list[str]:
    """Alerts with thresholds derived from the SLO targets (multi-window burn rates)."""
    ctx = rev.ctx
    entry = next((c.id for c in rev.arch.components if c.kind in ENTRY_KINDS), "the entry")
    pct = ctx.availability_pct
    budget = 1 - pct / 100
    alerts = [
        f"availability SLO {fmt_percent(pct)}%: page when the error-budget burn rate exceeds "
        f"14.4× over both 1 h and 5 min (error ratio > {14.4 * budget:.2%}); ticket when it "
        f"exceeds 6× over 6 h (> {6 * budget:.2%}), measured at {entry}"
    ]
    if ctx.p99_seconds:
        ms = ctx.p99_seconds * 1000
        alerts.append(
            f"latency SLO p99 ≤ {fmt_num(ms)} ms: page when p99 at {entry} exceeds "
            f"{fmt_num(ms)} ms for 10 min; warn at {fmt_num(ms * 0.8)} ms"
        )
    if any(c.stateful and c.kind in PRIMARY_STORE_KINDS for c in rev.arch.components):
        alerts.append("data safety: page when replication lag > 30 s or a backup/snapshot fails")
    for queue in (c for c in rev.arch.components if c.kind in ("queue", "stream_processor")):
        alerts.append(
            f"{queue.id}: page when consumer lag > 120 s for 5 min (95% of events within 60 s)"
        )
    if ctx.budget_usd:
        alerts.append(
            f"cost: warn when the month's forecast passes 80% of the "
            f"${fmt_num(ctx.budget_usd)} budget"
        )
    alerts.append("capacity: warn when any tier runs above 70% of its sized capacity for 15 min")
    return alerts


def fix_slo_alerting(rev: Revision, finding: Finding) -> str | None:
    if rev.arch.observability is None:
        rev.arch.observability = build_observability(
            rev.ctx, rev.arch.components, rev.arch.endpoints
        )
    obs = rev.arch.observability
    new = [a for a in slo_alerts(rev) if a not in obs.alerts]
    if not new:
        return None
    obs.alerts.extend(new)
    return (
        f"observability: {len(new)} alerts added with thresholds from the SLOs "
        "(multi-window burn-rate paging, latency, replication lag, queue lag, capacity)"
    )


def fix_unserved_requirement(rev: Revision, finding: Finding) -> str | None:
    served = {s for c in rev.arch.components for s in c.serves}
    wanted = [
        fr
        for fr in dict.fromkeys(FR_ID.findall(finding.message + " " + finding.recommendation))
        if fr not in served
    ]
    if not wanted and finding.component:
        return None
    if not wanted:
        wanted = [fr.id for fr in rev.ctx.scope.functional if fr.id not in served]
    service = next((c for c in rev.arch.components if c.kind == "service"), None)
    parts = []
    for fr in wanted:
        handler_id = next((e.component for e in rev.arch.endpoints if fr in e.serves), None)
        comp = rev.arch.component(finding.component or handler_id or "") or service
        if comp is None:
            continue
        comp.serves.append(fr)
        parts.append(f"{fr} attached to {comp.id}")
    return "; ".join(parts) if parts else None
