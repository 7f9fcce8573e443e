"""Savings levers (each with its estimated monthly effect and tradeoff) and budget alarms."""

from __future__ import annotations

import math

from ..artefacts import Architecture, CostItem, SavingsLever, Scope
from ..kb import KnowledgeBase
from .bom import HOT_DAYS, PricedDesign
from .load import (
    DEFAULT_PEAK_FACTOR,
    PRIMARY_DB_KINDS,
    UTILISATION,
    held_bytes,
    nodes_needed,
    peak_factor,
    peak_load,
    per_node_capacity,
    redundancy_min,
)
from .prices import storage_price
from .regions import copies_per_region
from .units import GB, fmt_bytes, fmt_num, fmt_price, fmt_rate, fmt_usd

QUORUM_NODES = 3  # a majority quorum needs three voters
CACHE_HIT_RATIO = 0.8  # assumed hit ratio of a read cache on a skewed (Pareto) read pattern
STEADY_KINDS_EXCLUDED = frozenset({"batch_compute"})  # bursty by nature: not worth reserving


def _lever(name: str, description: str, saving: float, tradeoff: str) -> SavingsLever:
    return SavingsLever(
        name=name,
        description=description,
        monthly_saving_usd=round(saving, 2),
        tradeoff=tradeoff,
    )


def _reserved(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> SavingsLever | None:
    """Commit to the steady part of each tier: all nodes of fixed tiers, the redundancy floor
    of autoscaled ones."""
    discount = kb.prices.reserved_discount
    hours = kb.prices.hours_per_month
    floor = redundancy_min(scope)
    parts: list[str] = []
    saving = 0.0
    for comp in arch.components:
        hourly = bom.hourly.get(comp.id)
        if hourly is None or "reserved_instances" in comp.features or comp.instances <= 0:
            continue
        if comp.kind in STEADY_KINDS_EXCLUDED:
            continue
        steady = min(comp.instances, floor) if "autoscaling" in comp.features else comp.instances
        steady *= copies_per_region(comp, bom.regions)
        saving += steady * hours * hourly * discount
        parts.append(f"{comp.id} ({steady} × {fmt_price(hourly)}/h)")
    if not parts:
        return None
    return _lever(
        "reserved instances on the steady tiers",
        f"Buy 1-year reservations for {', '.join(parts)}: "
        f"{discount:.0%} off {fmt_num(hours)} h/month each.",
        saving,
        "A 1-year commitment: the nodes are paid for even if the design or the load changes; "
        "autoscaled capacity above the floor stays on demand.",
    )


def _tiering(kb: KnowledgeBase, bom: PricedDesign) -> list[SavingsLever]:
    cold = storage_price(kb.prices, "object_ia")
    if cold is None:
        return []
    levers = []
    for line in bom.storage:
        if line.tiered or line.held_days <= HOT_DAYS:
            continue
        cold_gb = line.billed_bytes / GB * (line.held_days - HOT_DAYS) / line.held_days
        saving = cold_gb * (line.unit_price * line.copies - cold[1]) * line.regions
        if saving <= 0.5:
            continue
        levers.append(
            _lever(
                f"tier {line.component} data older than 30 days",
                f"Move {fmt_bytes(cold_gb * GB)} (data past its first {fmt_num(HOT_DAYS)} of "
                f"{fmt_num(line.held_days)} days held) from {line.storage_class} × {line.copies} "
                f"at {fmt_price(line.unit_price)}/GB-month to {cold[0]} at "
                f"{fmt_price(cold[1])}/GB-month; the saving grows with retention.",
                saving,
                "Old data reads are slower (tens of ms) and pay a retrieval fee; a lifecycle "
                "job and a read path that knows where the data lives.",
            )
        )
    return levers


def _cdn(scope: Scope, kb: KnowledgeBase, bom: PricedDesign) -> SavingsLever | None:
    if bom.via_cdn or bom.egress_gb <= 0:
        return None
    delta = kb.prices.egress_gb - kb.prices.cdn_egress_gb
    saving = bom.egress_gb * delta
    if saving <= 0.5:
        return None
    return _lever(
        "serve egress through a CDN",
        f"Put a CDN in front of cacheable responses: {fmt_num(bom.egress_gb)} GB/month at "
        f"{fmt_price(kb.prices.cdn_egress_gb)}/GB instead of {fmt_price(kb.prices.egress_gb)}/GB "
        "(and fewer origin reads).",
        saving,
        "Only cacheable content benefits; purges take seconds to minutes, so updates are "
        "briefly stale; one more vendor in the request path.",
    )


def _right_size(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> list[SavingsLever]:
    hours = kb.prices.hours_per_month
    floor = redundancy_min(scope)
    stored = {line.component: line.stored for line in bom.storage}
    levers = []
    for comp in arch.components:
        option, hourly = bom.options.get(comp.id), bom.hourly.get(comp.id)
        load = peak_load(comp, scope)
        if option is None or hourly is None or not load.known:
            continue
        per_node = per_node_capacity(option, load)
        if per_node <= 0:
            continue
        needed = nodes_needed(load.value, per_node, floor)
        data = held_bytes(comp, scope, stored)
        if data is not None and option.per_node_storage_gb:
            capacity = option.per_node_storage_gb * GB * UTILISATION
            needed = max(needed, math.ceil(data.value * comp.replication / capacity))
        if comp.stateful:  # every copy lives on its own node; a quorum needs a majority of 3
            needed = max(needed, min(comp.replication, comp.instances))
            if "quorum" in comp.features:
                needed = max(needed, min(QUORUM_NODES, comp.instances))
        if needed >= comp.instances:
            continue
        util = load.value / (comp.instances * per_node)
        price = (
            hourly * (1 - kb.prices.reserved_discount)
            if ("reserved_instances" in comp.features)
            else hourly
        )
        saving = (comp.instances - needed) * hours * price * copies_per_region(comp, bom.regions)
        levers.append(
            _lever(
                f"right-size {comp.id} from {comp.instances} to {needed} nodes",
                f"{comp.id} peaks at {fmt_num(load.value)}{load.unit} ({load.formula}) on "
                f"{comp.instances} × {fmt_num(per_node)}{load.unit} = {util:.0%} utilisation; "
                f"max(ceil({fmt_num(load.value)} / ({fmt_num(per_node)} × 0.7)), {floor}"
                f"{', held data' if data is not None else ''}) = {needed} nodes suffice.",
                saving,
                "Less spare capacity for an unforeseen spike; relies on autoscaling or on "
                "alerts to add nodes in time.",
            )
        )
    return levers


def _cache_reads(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> SavingsLever | None:
    """A read cache in front of the main database when the design has none."""
    if any(c.kind == "cache" for c in arch.components) or "cache" not in kb.kinds:
        return None
    reads = scope.estimate("read_qps_peak")
    if reads is None:
        return None
    hours = kb.prices.hours_per_month
    floor = redundancy_min(scope)
    cache_option = kb.option("cache")
    cache_hourly = kb.prices.instance_hour.get(cache_option.instance_class)
    if cache_hourly is None:
        return None
    for comp in arch.components:
        option, hourly = bom.options.get(comp.id), bom.hourly.get(comp.id)
        load = peak_load(comp, scope)
        if comp.kind not in PRIMARY_DB_KINDS or option is None or hourly is None:
            continue
        if "read_qps_peak" not in load.inputs or option.per_node_ops <= 0:
            continue
        after = nodes_needed(
            load.value - reads.value * CACHE_HIT_RATIO,
            option.per_node_ops,
            max(floor, min(comp.replication, comp.instances)),
        )
        cache_nodes = nodes_needed(reads.value, cache_option.per_node_ops, floor)
        saving = (
            (comp.instances - after) * hours * hourly - cache_nodes * hours * cache_hourly
        ) * copies_per_region(comp, bom.regions)
        if saving <= 0.5:
            continue
        return _lever(
            f"cache reads in front of {comp.id}",
            f"A {cache_option.name} cache at an assumed {CACHE_HIT_RATIO:.0%} hit ratio takes "
            f"{fmt_rate(reads.value * CACHE_HIT_RATIO)} of the {fmt_rate(reads.value)} peak reads: "
            f"{comp.id} shrinks from {comp.instances} to {after} nodes; the cache costs "
            f"{cache_nodes} × {fmt_price(cache_hourly)}/h.",
            saving,
            "Reads may be stale until invalidation; one more tier to run, and a cold cache "
            "after a restart sends every read to the database at once.",
        )
    return None


def _autoscale(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> list[SavingsLever]:
    """Stateless tiers sized for the peak but running it all day."""
    pf = peak_factor(scope)
    if pf <= 1:
        return []
    hours = kb.prices.hours_per_month
    floor = redundancy_min(scope)
    levers = []
    for comp in arch.components:
        hourly = bom.hourly.get(comp.id)
        if hourly is None or comp.stateful or "autoscaling" in comp.features:
            continue
        if comp.kind not in ("service", "worker", "websocket_gateway", "stream_processor"):
            continue
        average_nodes = max(floor, math.ceil(comp.instances / pf))
        if average_nodes >= comp.instances:
            continue
        saving = (
            (comp.instances - average_nodes) * hours * hourly * copies_per_region(comp, bom.regions)
        )
        stated = any(a.name == "peak_factor" for a in scope.assumptions)
        assumed = "" if stated or pf != DEFAULT_PEAK_FACTOR else ", default"
        levers.append(
            _lever(
                f"autoscale {comp.id}",
                f"Scale {comp.id} between {average_nodes} and {comp.instances} nodes on load: "
                f"the peak is {fmt_num(pf)}× the average (peak_factor{assumed}), "
                f"so on average ceil({comp.instances} / {fmt_num(pf)}) = {average_nodes} "
                "nodes carry the load.",
                saving,
                "Scale-up lags a sudden burst by a minute or two; needs warm-up and connection "
                "draining on scale-down.",
            )
        )
    return levers


PER_REQUEST_SWAP_EXCLUDED = frozenset({"object_store", "cdn", "external"})


def _per_request_to_nodes(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> list[SavingsLever]:
    """At high volume, pay-per-request services cost more than nodes sized for the peak."""
    hours = kb.prices.hours_per_month
    floor = redundancy_min(scope)
    spend: dict[str, float] = {}
    for item in bom.items:
        if item.category == "managed" and item.unit == "million requests":
            spend[item.component] = spend.get(item.component, 0.0) + item.monthly_usd
    levers = []
    for comp in arch.components:
        kind, current = kb.kinds.get(comp.kind), bom.options.get(comp.id)
        load = peak_load(comp, scope)
        paid = spend.get(comp.id, 0.0)
        if kind is None or current is None or not load.known or paid <= 0:
            continue
        if comp.kind in PER_REQUEST_SWAP_EXCLUDED:
            continue
        best: tuple[str, int, float, float] | None = None
        for option in kind.options:
            hourly = kb.prices.instance_hour.get(option.instance_class)
            per_node = per_node_capacity(option, load)
            if not hourly or per_node <= 0 or option.name == current.name:
                continue
            nodes = nodes_needed(load.value, per_node, floor)
            monthly = nodes * hours * hourly
            if best is None or monthly < best[2]:
                best = (option.name, nodes, monthly, hourly)
        if best is None or paid - best[2] < 1:
            continue
        name, nodes, monthly, hourly = best
        levers.append(
            _lever(
                f"run {comp.id} on {name} nodes instead of per request",
                f"{comp.id} pays {fmt_usd(paid)}/month per request on {current.name}; its peak "
                f"of {fmt_num(load.value)}{load.unit} ({load.formula}) fits on {nodes} × {name} "
                f"nodes at {fmt_price(hourly)}/h = {fmt_usd(monthly)}/month (≤ 70% busy).",
                paid - monthly,
                "The team runs, patches and scales the nodes; capacity is planned instead of "
                "paid per use, so a traffic drop no longer lowers the bill.",
            )
        )
    return levers


def savings_levers(
    arch: Architecture, scope: Scope, kb: KnowledgeBase, bom: PricedDesign
) -> list[SavingsLever]:
    """Every lever worth more than a dollar a month, largest first."""
    levers: list[SavingsLever | None] = [
        _reserved(arch, scope, kb, bom),
        *_tiering(kb, bom),
        _cdn(scope, kb, bom),
        *_right_size(arch, scope, kb, bom),
        _cache_reads(arch, scope, kb, bom),
        *_autoscale(arch, scope, kb, bom),
        *_per_request_to_nodes(arch, scope, kb, bom),
    ]
    found = [lv for lv in levers if lv is not None and lv.monthly_saving_usd >= 1]
    return sorted(found, key=lambda lv: -lv.monthly_saving_usd)


def budget_alarms(total: float, budget: float | None, items: list[CostItem]) -> list[str]:
    """Alarms at 50/80/100% of the budget (or of the estimate when there is no budget)."""
    base, what = (budget, "budget") if budget else (total, "estimate")
    if base <= 0:
        return []
    top = sorted(items, key=lambda i: -i.monthly_usd)[:2]
    top_text = " and ".join(f"{i.item} ({fmt_usd(i.monthly_usd)})" for i in top) or "top items"
    alarms = [
        f"50% of the {what}: forecast spend reaches {fmt_usd(base * 0.5)}/month — notify the "
        "owning team (early warning).",
        f"80% of the {what}: {fmt_usd(base * 0.8)}/month — review the largest items: {top_text}.",
        f"100% of the {what}: {fmt_usd(base)}/month — page the owner; freeze non-essential "
        "scale-ups and apply the savings levers.",
    ]
    egress = sum(i.quantity for i in items if i.category == "egress")
    if egress > 0:
        daily = egress / 30.4
        alarms.append(
            f"egress anomaly: more than {fmt_num(2 * daily)} GB/day (2× the estimated "
            f"{fmt_num(daily)} GB/day) — a hot object, a scraper or a leak."
        )
    return alarms
