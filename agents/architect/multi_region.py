"""Deploying the design in several active regions: a global traffic-steering component in front
of each region's entry, stores replicated across regions, per-region sizing, a region-loss row in
the failure-mode table, per-region SLIs and a deep dive on the replication.

Each region runs the full set of regional components and is sized for the full peak, so one
region carries all traffic while another is down (the sizing strings say "per region").
"""

from __future__ import annotations

from ..artefacts import Architecture, Component, DeepDive, FailureMode, FlowStep, Link
from ..kb import KnowledgeBase, TechOption
from ..regions import (
    CROSS_REGION_FEATURE,
    DNS_TTL_S,
    FAILOVER_S,
    HEALTH_CHECK_FAILURES,
    HEALTH_CHECK_INTERVAL_S,
    REPLICATED_KINDS,
    STEERING_FEATURE,
    is_global,
    is_steering,
    regional_sizing,
    replication_mode,
)
from ._common import ENTRY_KINDS, Ctx, fmt_bytes, fmt_percent, fmt_rate

STEERING_ID = "global_dns"
MAX_DEEP_DIVES = 4
SECONDS_PER_DAY = 86400.0


def steering_option(kb: KnowledgeBase) -> tuple[str, TechOption] | None:
    """(kind, option) of the catalogue's global traffic steering, if it has one."""
    for kind in kb.kinds.values():
        for option in kind.options:
            if STEERING_FEATURE in option.features:
                return kind.id, option
    return None


def steering(arch: Architecture) -> Component | None:
    """The design's global traffic-steering component, if any."""
    return next((c for c in arch.components if is_steering(c)), None)


def regional_entries(arch: Architecture) -> list[Component]:
    """Where each region's traffic enters: entry kinds nothing regional calls."""
    called = {lk.target for lk in arch.links if not _from_steering(arch, lk)}
    found = [
        c
        for c in arch.components
        if c.kind in (*ENTRY_KINDS, "websocket_gateway") and c.id not in called
    ]
    found = [c for c in found if not is_steering(c)]
    if found:
        return found
    services = [c for c in arch.components if c.kind == "service" and c.id not in called]
    return services[:1]


def _from_steering(arch: Architecture, link: Link) -> bool:
    source = arch.component(link.source)
    return source is not None and is_steering(source)


def replicated_stores(arch: Architecture) -> list[Component]:
    """Stores of record that copy their data to every region."""
    return [c for c in arch.components if CROSS_REGION_FEATURE in c.features]


def _add_steering(arch: Architecture, ctx: Ctx, kb: KnowledgeBase) -> str | None:
    if steering(arch) is not None:
        return None
    found = steering_option(kb)
    if found is None:
        return None
    kind, option = found
    entries = regional_entries(arch)
    taken = {c.id for c in arch.components}
    comp_id, n = STEERING_ID, 2
    while comp_id in taken:
        comp_id, n = f"{STEERING_ID}_{n}", n + 1
    comp = Component(
        id=comp_id,
        name="global traffic steering",
        kind=kind,
        technology=option.name,
        responsibility=(
            "Answers DNS lookups of the API host with the nearest healthy region (latency "
            "records) and stops answering with a region whose entry fails its health checks. "
            f"Why here: {arch.regions} active regions need one name that steers users between "
            "them."
        ),
        instances=0,
        sizing="",
        stateful=False,
        managed=True,
        serves=[*ctx.all_fr_ids, *ctx.nfr_ids("availability", "latency_p99")],
        features=list(option.features),
        availability=(option.sla_pct or 100.0) / 100,
    )
    arch.components.append(comp)  # last: "the first entry" stays the regional one
    for entry in entries:
        arch.links.append(
            Link(
                source=comp.id,
                target=entry.id,
                label="DNS answer: nearest healthy region's entry",
                sync=True,
                critical=True,
            )
        )
    _dns_steps(arch, comp, entries)
    names = ", ".join(e.id for e in entries)
    return (
        f"{comp.id} ({option.name}) added in front of {names}: latency-based DNS with a health "
        f"check per region; a failed region drops out within ~{FAILOVER_S} s"
    )


def _dns_steps(arch: Architecture, comp: Component, entries: list[Component]) -> None:
    """The traced flows start with the DNS lookup that picks the region."""
    entry_ids = {e.id for e in entries}
    for flow in arch.flows:
        if not flow.steps or flow.steps[0].source != "client":
            continue
        if flow.steps[0].target not in entry_ids or any(s.target == comp.id for s in flow.steps):
            continue
        entry = flow.steps[0].target
        flow.steps[0:0] = [
            FlowStep(
                source="client",
                target=comp.id,
                action=f"DNS lookup of the API host (cached for the {DNS_TTL_S} s TTL)",
            ),
            FlowStep(
                source=comp.id,
                target="client",
                action=f"address of {entry} in the nearest healthy region",
                reply=True,
            ),
        ]


def _replicate_stores(arch: Architecture) -> list[str]:
    changed = []
    for comp in arch.components:
        if comp.kind not in REPLICATED_KINDS or is_global(comp):
            continue
        if CROSS_REGION_FEATURE not in comp.features:
            comp.features.append(CROSS_REGION_FEATURE)
            changed.append(f"{comp.id} ({replication_mode(comp).mode.split(':')[0]})")
    return changed


def _replication_rate(ctx: Ctx) -> float:
    """Average bytes/s written that every other region must receive."""
    written = ctx.value("storage_per_day") + ctx.value("media_storage_per_day")
    return written / SECONDS_PER_DAY


def region_deep_dive(arch: Architecture, ctx: Ctx) -> DeepDive:
    """The hard part of running active-active: steering, replication, what a region loss loses."""
    n = arch.regions
    stores = replicated_stores(arch)
    steer = steering(arch)
    rate = _replication_rate(ctx)
    budget_min = (1 - ctx.availability_pct / 100) * 30 * 24 * 60
    modes = "; ".join(
        f"{c.id} ({c.technology}): {replication_mode(c).mode}, RPO {replication_mode(c).rpo}"
        for c in stores
    )
    entry = ", ".join(c.id for c in regional_entries(arch))
    coordination = [c.id for c in arch.components if c.kind == "coordination"]
    disjoint = (
        f"Coordination ({', '.join(coordination)}) runs per region over disjoint id ranges (the "
        "region number in the high bits), so two regions never hand out the same id. "
        if coordination
        else ""
    )
    return DeepDive(
        id="multi_region",
        title=f"Running active-active in {n} regions",
        problem=(
            f"Each region must carry the full peak ({fmt_rate(ctx.read_peak)} reads, "
            f"{fmt_rate(ctx.write_peak)} writes) while another is down, and every write "
            f"({fmt_bytes(rate)}/s on average) must reach {_other_regions(n)}; the "
            f"{fmt_percent(ctx.availability_pct)}% target allows {budget_min:,.1f} min of "
            "downtime a month, less than one regional outage lasts."
        ),
        mechanism=(
            f"{steer.id if steer else 'DNS'} answers with the nearest healthy region and "
            f"health-checks each region's {entry} every {HEALTH_CHECK_INTERVAL_S} s. "
            + (f"Stores replicate: {modes}. " if modes else "")
            + disjoint
            + "Caches, queues and workers stay regional: caches warm locally, each region "
            "drains its own queues."
        ),
        options=[
            "active-passive: a warm standby region promoted on failure (cheaper; RTO minutes, "
            "RPO = replication lag)",
            "active-active with one writer region: reads local, writes cross one region hop",
            "active-active multi-writer (global tables, CRDTs): local writes, conflicts "
            "resolved last-writer-wins",
            "synchronous multi-region consensus (Spanner, CockroachDB): RPO 0, one "
            "cross-region round trip (~60-80 ms) per write",
        ],
        tradeoff=(
            f"About {n}× the compute and storage bill plus "
            f"{fmt_bytes(rate * 30 * SECONDS_PER_DAY * (n - 1))}/month of replication "
            "transfer; asynchronous stores can lose their replication lag of acknowledged "
            "writes when a region dies, and multi-writer stores resolve concurrent updates of "
            "the same record last-writer-wins."
        ),
        failure_modes=[
            f"a region fails: {HEALTH_CHECK_FAILURES} failed health checks "
            f"({HEALTH_CHECK_FAILURES * HEALTH_CHECK_INTERVAL_S} s) plus the {DNS_TTL_S} s TTL "
            f"(~{FAILOVER_S} s) of errors for that region's users, then the survivors carry "
            "everything",
            "the regions partition from each other: both keep serving locally, replication lag "
            "grows, and on heal the backlog replays (alert on lag before it exceeds the RPO)",
            "failover storm: the surviving region's caches are cold for that region's keys, so "
            "its stores see a burst of misses for minutes; it is sized for the full peak",
        ],
        components=[c.id for c in ([steer] if steer else []) + stores][:4],
    )


def _other_regions(n: int) -> str:
    return "the other region" if n == 2 else f"the {n - 1} other regions"


def _add_deep_dive(arch: Architecture, ctx: Ctx) -> None:
    dive = region_deep_dive(arch, ctx)
    others = [d for d in arch.deep_dives if d.id != dive.id]
    arch.deep_dives = [*others[:1], dive, *others[1:]][:MAX_DEEP_DIVES]


def make_multi_region(arch: Architecture, ctx: Ctx, kb: KnowledgeBase, regions: int) -> list[str]:
    """Deploy `arch` in `regions` active regions, in place; what changed, for the record."""
    if regions <= 1:
        return []
    parts = [f"deployed active-active in {regions} regions (was {arch.regions})"]
    arch.regions = regions
    added = _add_steering(arch, ctx, kb)
    if added:
        parts.append(added)
    replicated = _replicate_stores(arch)
    if replicated:
        parts.append("cross-region replication on " + ", ".join(replicated))
    _add_deep_dive(arch, ctx)
    return parts


def annotate_regions(arch: Architecture) -> None:
    """Sizing strings say what is per region; the steering says it is global."""
    if arch.regions <= 1:
        return
    entries = ", ".join(c.id for c in regional_entries(arch))
    for comp in arch.components:
        if is_steering(comp):
            comp.sizing = (
                f"global: one DNS zone answering for all {arch.regions} regions; a health "
                f"check on each region's {entries}; billed per million queries"
            )
        elif not is_global(comp):
            comp.sizing = regional_sizing(comp.sizing, comp.instances, arch.regions)


def region_failure_mode(arch: Architecture) -> FailureMode | None:
    """The 'a whole region fails' row: steering time, capacity of the survivors, RPO."""
    if arch.regions <= 1:
        return None
    steer = steering(arch)
    entries = regional_entries(arch)
    entry = entries[0] if entries else arch.components[0]
    stores = replicated_stores(arch)
    modes = [(c, replication_mode(c)) for c in stores]
    safe = all(m.rpo_s == 0 for _, m in modes)
    survivors = (
        "the surviving region serves"
        if arch.regions == 2
        else f"the surviving {arch.regions - 1} regions serve"
    )
    if steer is not None:
        effect = (
            f"{steer.id} health checks on that region's {entry.id} fail after "
            f"{HEALTH_CHECK_FAILURES} × {HEALTH_CHECK_INTERVAL_S} s and cached DNS answers expire "
            f"within the {DNS_TTL_S} s TTL: ~{FAILOVER_S} s of errors for that region's users, "
            f"then {survivors} everyone; each region is sized for the full peak, and caches "
            "warm up over minutes"
        )
        mitigation = "latency-based DNS with health checks; every tier sized per region"
    else:
        effect = "clients must be pointed at the surviving region by hand (no traffic steering)"
        mitigation = "none automatic: add global traffic steering"
    note = (
        "; ".join(f"{c.id}: {m.mode.split(':')[0]}, RPO {m.rpo}" for c, m in modes)
        or "no store replicates across regions"
    )
    if not safe and modes:
        note += "; acknowledged writes inside that window may be lost or replayed"
    return FailureMode(
        scenario="a whole region fails (power, network or a bad deploy)",
        component=entry.id,
        effect=effect,
        mitigation=mitigation + (", stores replicated across regions" if stores else ""),
        data_safe=safe and bool(modes),
        data_note=note,
        recovery=f"~{FAILOVER_S} s to steer traffic away; the region rejoins after its stores "
        "catch up",
    )


def add_region_observability(arch: Architecture, pct: float) -> None:
    """Per-region SLIs, dashboards and alerts (the global SLO holds only if each region's does)."""
    obs = arch.observability
    if obs is None or arch.regions <= 1:
        return
    entries = ", ".join(c.id for c in regional_entries(arch))
    stores = ", ".join(c.id for c in replicated_stores(arch))
    steer = steering(arch)
    slis = [f"per region: availability and p99 at each region's {entries}, side by side"]
    if stores:
        slis.append(f"cross-region replication lag of {stores} (the RPO of a region loss)")
    dashboards = [
        f"regions: traffic share, errors and p99 per region; health-check status in "
        f"{steer.id if steer else 'DNS'}"
    ]
    alerts = [
        f"page when a region's health check fails or its 5xx rate > 1% for 5 min "
        f"(traffic is steered away within ~{FAILOVER_S} s)"
    ]
    if stores:
        alerts.append(f"page when cross-region replication lag of {stores} > 10 s (RPO at risk)")
    obs.slis += [s for s in slis if s not in obs.slis]
    obs.dashboards += [d for d in dashboards if d not in obs.dashboards]
    obs.alerts += [a for a in alerts if a not in obs.alerts]
    target = (
        f"per region: {fmt_percent(pct)}% of requests succeed in each of the {arch.regions} "
        "regions over 30 days (a region that misses it is drained, not averaged away)"
    )
    if target not in obs.slos:
        obs.slos.append(target)


def refresh_regions(arch: Architecture, pct: float) -> None:
    """What follows from the region count after every (re)sizing; `pct` is the availability
    target in percent."""
    if arch.regions <= 1:
        return
    annotate_regions(arch)
    row = region_failure_mode(arch)
    if row is not None:
        arch.failure_modes = [
            *[f for f in arch.failure_modes if not f.scenario.startswith("a whole region")],
            row,
        ]
    add_region_observability(arch, pct)


def draft_regions(arch: Architecture, ctx: Ctx, kb: KnowledgeBase) -> None:
    """The draft's regions: what the requirements ask for."""
    if ctx.regions > 1:
        make_multi_region(arch, ctx, kb, ctx.regions)


__all__ = [
    "draft_regions",
    "make_multi_region",
    "refresh_regions",
    "region_deep_dive",
    "region_failure_mode",
    "regional_entries",
    "replicated_stores",
    "steering",
    "steering_option",
]
