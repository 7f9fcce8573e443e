"""The availability-composition fixer: raise the composed availability of the critical path
with failover and better SLAs first, then by taking non-essential hops off the path, then by
self-running managed stateless tiers on redundant nodes, and, for a 99.99%+ SLO that one region
still cannot meet, by going to two active regions behind global DNS steering."""

from __future__ import annotations

from ..artefacts import Component, Finding
from ..cost_analyst import estimate_cost
from ..kb import TechOption
from ..regions import MULTI_REGION_SLO_PCT, STEERING_FEATURE, compose, is_steering, weakness
from ..reviewer.context import main_entries
from ..reviewer.rules_resilience import BUDGET_TOLERANCE
from ._common import ENTRY_KINDS, NODE_AVAILABILITY, fmt_pct, fmt_percent
from ._revision import Revision, redundant, switch_option
from .multi_region import make_multi_region
from .sizing import availability, serverless

MAX_AVAILABILITY_STEPS = 8
MIN_AVAILABILITY_GAIN = 1e-6  # below this, one more node is not worth its cost
LAST_RESORT_REGIONS = 2


def critical_path(rev: Revision) -> list[Component]:
    """Components reachable from the entries (nothing calls them) over critical links."""
    arch = rev.arch
    incoming = {lk.target for lk in arch.links}
    roots_all = [c for c in arch.components if c.id not in incoming]
    edge = [c.id for c in roots_all if c.kind in (*ENTRY_KINDS, "cdn", "websocket_gateway")]
    roots = edge or [c.id for c in roots_all if c.kind != "external"]
    by_id = {c.id: c for c in arch.components}
    roots = [c.id for c in main_entries([by_id[i] for i in roots], arch.links)]
    order: list[str] = []
    queue = list(roots)
    while queue:
        current = queue.pop(0)
        if current in order:
            continue
        order.append(current)
        queue += [lk.target for lk in arch.links if lk.source == current and lk.critical]
    return [c for c in arch.components if c.id in order]


def _avail(rev: Revision, comp: Component) -> float:
    return availability(comp, rev.option(comp))


def _pinned(rev: Revision, comp: Component) -> bool:
    """The requirements asked for this technology: a revision does not swap it."""
    return comp.technology in rev.ctx.scope.preferences


def composed(rev: Revision) -> float:
    """Availability of the critical path over the design's active regions."""
    figures = [(c, _avail(rev, c)) for c in critical_path(rev)]
    return compose(figures, rev.arch.regions, lambda a: f"{a:.6f}").value


def _better_sla(rev: Revision, comp: Component) -> TechOption | None:
    if _pinned(rev, comp):
        return None
    current = rev.option(comp)
    base = current.sla_pct if current and current.sla_pct else 0.0
    kind = rev.kb.kinds.get(comp.kind)
    options = [
        o
        for o in (kind.options if kind else [])
        if o.managed and (o.sla_pct or 0) > base and STEERING_FEATURE not in o.features
    ]
    return max(options, key=lambda o: (o.sla_pct or 0, o.scores.get("cost", 0)), default=None)


def _self_run(rev: Revision, comp: Component) -> TechOption | None:
    """For a stateless managed tier: a self-run option whose redundant nodes beat the SLA."""
    kind = rev.kb.kinds.get(comp.kind)
    if comp.stateful or kind is None or _pinned(rev, comp):
        return None
    nodes = max(2, rev.ctx.redundancy)
    reached = 1 - (1 - NODE_AVAILABILITY) ** nodes
    if reached - _avail(rev, comp) < MIN_AVAILABILITY_GAIN:
        return None
    decision = next((d for d in rev.arch.decisions if d.component == comp.id), None)
    rank = {o.name: o.weighted for o in decision.options} if decision else {}
    own = [o for o in kind.options if not o.managed]
    return max(
        own, key=lambda o: (rank.get(o.name, 0.0), o.scores.get("ops_burden", 0)), default=None
    )


def _improve(rev: Revision, comp: Component, finding: Finding, self_run: bool) -> str | None:
    """One step up in availability for `comp`, or None when nothing can be done."""
    opt = rev.option(comp)
    if comp.managed or comp.instances == 0 or serverless(opt):
        better = _better_sla(rev, comp)
        if better is not None:
            return switch_option(rev, comp, better, f"SLA {fmt_percent(better.sla_pct or 0)}%")
        own = _self_run(rev, comp) if self_run else None
        if own is None:
            return None
        nodes = max(2, rev.ctx.redundancy)
        rev.floors[comp.id] = (nodes, f"after review {finding.id} (availability)")
        comp.instances = nodes
        sla = fmt_percent(opt.sla_pct or 0) if opt else "its SLA"
        return switch_option(
            rev,
            comp,
            own,
            f"self-run on {nodes} nodes across zones: "
            f"{fmt_pct(1 - (1 - NODE_AVAILABILITY) ** nodes, 5)} vs {sla}%",
        )
    if comp.stateful and "automatic_failover" not in comp.features:
        parts = redundant(rev, comp, finding, failover=True)
        return f"{comp.id}: " + ", ".join(parts) if parts else None
    current = _avail(rev, comp)
    one_more = 1 - (1 - NODE_AVAILABILITY) ** (comp.instances + 1)
    if one_more - current < MIN_AVAILABILITY_GAIN:
        return None  # another node buys nothing measurable
    before, after = rev.set_instances(comp, comp.instances + 1, finding)
    if after == before:
        return None
    return f"{comp.id}: {before} → {after} instances across zones"


def fix_availability_composition(rev: Revision, finding: Finding) -> str | None:
    target = rev.ctx.availability_pct / 100
    if not critical_path(rev):
        return None
    start = composed(rev)
    stuck: set[str] = set()
    parts: list[str] = []

    # cheapest first: failover and better SLAs, then fewer hops, self-run tiers last
    for self_run in (False, True):
        if self_run and composed(rev) < target:
            parts += _off_critical_path(rev)
        stuck.clear()
        for _ in range(MAX_AVAILABILITY_STEPS):
            if composed(rev) >= target:
                break
            # the weakest link explains most of the downtime; DNS steering has nothing to raise
            figures = [(c, _avail(rev, c)) for c in critical_path(rev)]
            candidates = [
                c
                for c, _ in weakness(figures, rev.arch.regions)
                if c.id not in stuck and not is_steering(c)
            ]
            if not candidates:
                break
            weakest = candidates[0]
            step = _improve(rev, weakest, finding, self_run)
            if step is None:
                stuck.add(weakest.id)
            else:
                parts.append(step)
    if composed(rev) < target:
        parts += _go_multi_region(rev, target)
    if not parts:
        return None
    end = composed(rev)
    return (
        f"critical path {fmt_pct(start, 6)} → {fmt_pct(end, 6)} (target {fmt_pct(target)}): "
        + "; ".join(parts)
    )


def _go_multi_region(rev: Revision, target: float) -> list[str]:
    """Last resort for a 99.99%+ SLO: two active regions put the region's path in parallel,
    1 − (1 − A_region)², at about twice the compute and storage bill. A stated budget the
    re-priced design would break wins: the SLO and the budget then conflict, and the open
    finding says so rather than the revision breaking the budget."""
    if rev.arch.regions > 1 or target * 100 < MULTI_REGION_SLO_PCT - 1e-9:
        return []
    if (1 - composed(rev)) <= (1 - target) * (1 + BUDGET_TOLERANCE):
        return []  # the reviewer counts this as rounding: no second region for it
    scope = rev.ctx.scope
    trial = rev.arch.model_copy(deep=True)
    if not make_multi_region(trial, rev.ctx, rev.kb, LAST_RESORT_REGIONS):
        return []
    before = estimate_cost(rev.arch, scope, rev.kb).total_monthly_usd
    after = estimate_cost(trial, scope, rev.kb).total_monthly_usd
    budget = rev.ctx.budget_usd
    if budget is not None and after > budget:
        return []
    one = composed(rev)
    parts = make_multi_region(rev.arch, rev.ctx, rev.kb, LAST_RESORT_REGIONS)
    two = composed(rev)
    return [
        f"last resort, one region tops out at {fmt_pct(one, 5)}: "
        + "; ".join(parts)
        + f"; 1 − (1 − {fmt_pct(one, 5)})² = {fmt_pct(two, 6)}, for about ${before:,.0f} → "
        f"${after:,.0f}/month (every region runs and stores everything)"
    ]


def _off_critical_path(rev: Revision) -> list[str]:
    """Hops the main read path does not need become non-critical: the caller fails fast
    (circuit breaker) and only the feature behind the hop degrades."""
    read = next((f for f in rev.arch.flows if f.path == "read"), None)
    on_read = {s.target for s in read.steps} | {s.source for s in read.steps} if read else set()
    main = next((c for c in rev.arch.components if c.kind == "service"), None)
    if main is None or not on_read:
        return []
    reads, writes = rev.ctx.read_peak, rev.ctx.write_peak
    share = reads / (reads + writes) if reads + writes else 0.0
    parts = []
    for link in rev.arch.links:
        target = rev.arch.component(link.target)
        if (
            link.source != main.id
            or not link.critical
            or target is None
            or link.target in on_read
            or target.kind in ENTRY_KINDS
        ):
            continue
        link.critical = False
        rev.add_features(main, "circuit_breaker")
        parts.append(
            f"{main.id} → {target.id} taken off the critical path: a circuit breaker "
            f"fails those calls fast and the read path ({share:.0%} of requests) keeps "
            "serving"
        )
    return parts
