"""The bill of materials: every component priced from the dated price table, with formulas.

compute  = instances x hours_per_month x instance_hour[class] (x (1 - reserved_discount))
requests = average req/s x seconds_per_month / 1e6 x requests_per_million[key]
storage  = stored bytes x billed copies / 1e9 x storage_gb_month[class]
egress   = average egress bytes/s x seconds_per_month / 1e9 x (cdn_)egress_gb
           (CDN: the blended price of the volume tiers when the month passes the first tier)
With several regions, regional components' compute, storage and memory are billed once per
region, replicated writes once per region, plus DNS queries and replication transfer (regions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..artefacts import Architecture, Component, CostItem, Scope
from ..kb import KnowledgeBase, Prices, TechOption
from .load import (
    DATABASE_KINDS,
    Figure,
    option_for,
    peak_factor,
    rate_figure,
    retention_days,
    stored_bytes,
)
from .prices import READ_SUFFIXES, request_keys, storage_key, storage_price
from .regions import (
    copies_per_region,
    is_steering,
    priced,
    replicated_writes,
    replication_transfer_item,
    steering_item,
    times_regions,
)
from .tiers import blended_price, tier_text
from .units import GB, fmt_bytes, fmt_num, fmt_price, fmt_rate, fmt_usd

Category = Literal["compute", "storage", "egress", "managed", "other"]
HOT_DAYS = 30.0  # storage tiering keeps the last 30 days on the primary class
YEAR_DAYS = 365.0  # storage is billed at the volume held after the first year
# Storage classes whose price already covers the service's internal replicas.
BILLED_ONCE = frozenset({"aurora", "dynamodb", "warehouse", "timestream_magnetic"})
QUEUE_REQUESTS_PER_MESSAGE = 3  # send, receive, delete


@dataclass(frozen=True)
class StorageLine:
    """How one component's data is billed, kept for the savings levers."""

    component: str
    stored: Figure
    storage_class: str
    unit_price: float
    copies: int
    tiered: bool
    billed_bytes: float  # volume held after year 1 (<= stored.value)
    held_days: float  # days of data that volume represents (0 when retention is unknown)
    regions: int = 1  # regions holding a copy of it


@dataclass
class PricedDesign:
    """The bill of materials and what the levers need to re-price it."""

    items: list[CostItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hourly: dict[str, float] = field(default_factory=dict)  # list price per instance-hour
    options: dict[str, TechOption] = field(default_factory=dict)
    storage: list[StorageLine] = field(default_factory=list)
    egress_gb: float = 0.0
    via_cdn: bool = False
    regions: int = 1  # active regions; regional components are billed once per region


def billed_copies(component: Component, storage_class: str) -> int:
    """Copies the bill counts: object stores and managed cluster storage replicate inside their
    own price, so one copy is billed; otherwise every replica is its own disk."""
    if storage_class.startswith("object") or storage_class in BILLED_ONCE:
        return 1
    if component.managed and component.instances == 0:
        return 1
    return max(1, component.replication)


_item = priced


def _compute_item(
    comp: Component,
    option: TechOption,
    hourly: float,
    prices: Prices,
    scope: Scope,
    bom: PricedDesign,
) -> None:
    bom.hourly[comp.id] = hourly
    hours = prices.hours_per_month
    units = comp.instances if comp.instances > 0 else 1  # a managed unit (e.g. one ALB)
    what = f"{units} instances" if comp.instances > 0 else "1 managed unit"
    regions = copies_per_region(comp, bom.regions)
    what += " per region" if regions > 1 else ""
    formula = f"{what}{times_regions(regions)} × {fmt_num(hours)} h/month × {fmt_price(hourly)}/h"
    unit_price = hourly
    if "reserved_instances" in comp.features:
        unit_price = hourly * (1 - prices.reserved_discount)
        formula += f" × (1 − {prices.reserved_discount:g} reserved discount)"
    label = f"{comp.name} ({option.instance_class})"
    # only a read cache holds the hot set; rate-limit, session and presence caches do not
    if comp.kind == "cache" and "cache_memory" in comp.estimates:
        label += f", hot set {fmt_bytes(scope.value('cache_memory'))}"
    bom.items.append(
        _item(
            comp.id,
            label,
            "compute",
            units * regions * hours,
            "instance-hours",
            unit_price,
            formula,
        )
    )


def _rates_of(comp: Component, scope: Scope, part: str) -> Figure:
    """Average req/s of a component: its reads, its writes or all, from what it cites, else
    from the system's read/write rates by kind."""
    cited = [
        n for n in comp.estimates if (e := scope.estimate(n)) and e.unit in ("req/s", "per_day")
    ]
    if part == "read":
        cited = [n for n in cited if "read" in n]
    elif part == "write":
        cited = [n for n in cited if "read" not in n]
    figure = rate_figure(cited, scope, "avg")
    if figure.known:
        return figure
    defaults = {"read": ["read_qps_avg"], "write": ["write_qps_avg"]}.get(part) or {
        "queue": ["write_qps_avg"],
        "cdn": ["read_qps_avg"],
    }.get(comp.kind, ["read_qps_avg", "write_qps_avg"])
    return rate_figure([n for n in defaults if scope.estimate(n)], scope, "avg")


def _request_items(
    comp: Component, option: TechOption, prices: Prices, scope: Scope, bom: PricedDesign
) -> bool:
    """Per-request lines of a managed service; False when the table has no price for it."""
    keys = request_keys(option, comp, prices)
    if not keys:
        return False
    seconds = prices.hours_per_month * 3600
    split = all(k.endswith(READ_SUFFIXES) or k.endswith(("_write", "_put")) for k in keys)
    for key in keys:
        part = ("read" if key.endswith(READ_SUFFIXES) else "write") if split else "all"
        load = _rates_of(comp, scope, part)
        if not load.known:
            bom.notes.append(f"{comp.id}: no request rate to bill '{key}' against; not priced.")
            continue
        per_op = QUEUE_REQUESTS_PER_MESSAGE if comp.kind == "queue" and part == "all" else 1
        # reads are served where they land; a replicated store applies each write everywhere
        applied = replicated_writes(comp, bom.regions) if part == "write" else 1
        millions = load.value * per_op * applied * seconds / 1e6
        price = prices.requests_per_million[key]
        per_op_text = ""
        if per_op > 1:
            per_op_text = f" × {per_op} requests per message (send, receive, delete)"
        if applied > 1:
            per_op_text += f" × {applied} regions (each region applies every write)"
        formula = (
            f"({load.formula}) = {fmt_rate(load.value)} avg{per_op_text} × {fmt_num(seconds)} "
            f"s/month ÷ 1e6 × {fmt_price(price)}/M ({key})"
        )
        label = f"{comp.name} {'reads' if part == 'read' else 'writes' if split else 'requests'}"
        bom.items.append(
            _item(
                comp.id,
                f"{label} ({option.name})",
                "managed",
                millions,
                "million requests",
                price,
                formula,
            )
        )
    return True


def _held_days(scope: Scope) -> tuple[float | None, float]:
    """(retention days, days of data held at the end of year 1): the bill is the year-1 run
    rate; longer retention keeps growing the volume, which the notes price separately."""
    days = retention_days(scope)
    if days is None:
        return None, 0.0
    return days, min(days, YEAR_DAYS)


def _storage_items(
    comp: Component,
    option: TechOption,
    stored: Figure,
    scope: Scope,
    prices: Prices,
    bom: PricedDesign,
) -> None:
    found = storage_key(option, comp, prices)
    if found is None:
        bom.notes.append(f"{comp.id}: no storage price for its class; storage not in the total.")
        return
    key, price = found
    copies = billed_copies(comp, key)
    regions = copies_per_region(comp, bom.regions)
    days, held = _held_days(scope)
    billed = stored.value * (held / days) if days else stored.value
    cold = storage_price(prices, "object_ia")
    features = set(comp.features) | set(option.features)
    tiered = bool("storage_tiering" in features and held > HOT_DAYS and cold)
    bom.storage.append(
        StorageLine(comp.id, stored, key, price, copies, tiered, billed, held, regions)
    )
    hot_share = HOT_DAYS / held if tiered else 1.0
    copies_text = f" × {copies} cop{'y' if copies == 1 else 'ies'}"
    if copies == 1 and comp.replication > 1:
        copies_text += " billed (replicas included in the price)"
    copies_text += times_regions(regions)
    formula = f"({stored.formula}) = {fmt_bytes(stored.value)}"
    if days and held < days:
        formula += f" × {fmt_num(held)}/{fmt_num(days)} days held after year 1"
    if tiered:
        formula += f" × {fmt_num(HOT_DAYS)}/{fmt_num(held)} days kept hot"
    formula += f"{copies_text} ÷ 1e9 × {fmt_price(price)}/GB-month ({key})"
    if price == 0:
        formula += ": local disks, included in the instance price"
    label = f"{comp.name} storage ({key}{', last 30 days' if tiered else ''})"
    hot_gb = billed / GB * hot_share * copies * regions
    bom.items.append(_item(comp.id, label, "storage", hot_gb, "GB-month", price, formula))
    cold_price = 0.0
    if tiered and cold is not None:
        cold_key, cold_price = cold
        formula = (
            f"{fmt_bytes(billed)} held × ({fmt_num(held)} − {fmt_num(HOT_DAYS)})/{fmt_num(held)}"
            f" days older than 30 days × 1 copy (object durability){times_regions(regions)} ÷ "
            f"1e9 × {fmt_price(cold_price)}/GB-month ({cold_key})"
        )
        cold_gb = billed / GB * (1 - hot_share) * regions
        bom.items.append(
            _item(
                comp.id,
                f"{comp.name} storage (tiered to {cold_key})",
                "storage",
                cold_gb,
                "GB-month",
                cold_price,
                formula,
            )
        )
    if days and held < days and price > 0:
        full_price = (cold_price if tiered else price * copies) * regions
        full = stored.value / GB * full_price
        growth = stored.value / days * 30.4 / GB * full_price
        bom.notes.append(
            f"{comp.id} keeps data {fmt_num(days / YEAR_DAYS)} years: its storage grows by about "
            f"{fmt_usd(growth)}/month every month, to {fmt_bytes(stored.value)} and "
            f"{fmt_usd(full)}/month at full retention (the total above is the year-1 run rate)."
        )


def _cache_memory_item(comp: Component, scope: Scope, prices: Prices, bom: PricedDesign) -> None:
    """Serverless caches bill the hot set by memory; node-based caches are in compute."""
    if "cache_memory" not in comp.estimates:
        return  # counters, sessions, presence: a few MB, below the smallest billed unit
    hot = scope.estimate("cache_memory")
    found = storage_price(prices, "memory")
    if hot is None or found is None:
        bom.notes.append(f"{comp.id}: serverless cache without a memory price or hot-set size.")
        return
    _key, price = found
    copies = max(1, comp.replication) * copies_per_region(comp, bom.regions)
    formula = (
        f"cache_memory {fmt_bytes(hot.value)} × {max(1, comp.replication)} copies"
        f"{times_regions(copies_per_region(comp, bom.regions))} ÷ 1e9 × "
        f"{fmt_price(price)}/GB-month"
    )
    bom.items.append(
        _item(
            comp.id,
            f"{comp.name} memory",
            "managed",
            hot.value / GB * copies,
            "GB-month",
            price,
            formula,
        )
    )


def _egress_groups(scope: Scope) -> list[Figure]:
    """Average egress bytes/s per egress estimate family (egress_bandwidth, media_egress)."""
    pf = peak_factor(scope)
    groups: dict[str, list[str]] = {}
    for est in scope.estimates:
        if "egress" in est.name and est.unit == "bytes/s":
            base = est.name.replace("_avg", "").replace("_peak", "")
            groups.setdefault(base, []).append(est.name)
    figures: list[Figure] = []
    for names in groups.values():
        ests = [e for e in (scope.estimate(n) for n in names) if e is not None]
        avg = next((e for e in ests if "avg" in e.name or "average" in e.label.lower()), None)
        if avg is not None:
            figures.append(Figure(avg.value, avg.name, {avg.name: avg.value}))
            continue
        est = ests[0]
        if "peak" in est.name or "peak" in est.label.lower():
            figures.append(
                Figure(
                    est.value / pf,
                    f"{est.name} / peak_factor",
                    {est.name: est.value, "peak_factor": pf},
                )
            )
        else:
            figures.append(Figure(est.value, est.name, {est.name: est.value}))
    return figures


COMMIT_SCALE_GB = 1e6  # ~1 PB/month: CDN traffic past this is normally on a negotiated commit


def _egress_items(arch: Architecture, scope: Scope, prices: Prices, bom: PricedDesign) -> None:
    cdn = next((c for c in arch.components if c.kind == "cdn"), None)
    seconds = prices.hours_per_month * 3600
    price = prices.cdn_egress_gb if cdn is not None else prices.egress_gb
    bom.via_cdn = cdn is not None
    route = "via CDN" if cdn is not None else "to the internet"
    groups = _egress_groups(scope)
    # CDN prices fall with the month's volume: every line gets the blended tier price
    tiers = prices.cdn_egress_tiers if cdn is not None else []
    month_gb = sum(fig.value for fig in groups) * seconds / GB
    tiered = bool(tiers) and tiers[0].up_to_gb is not None and month_gb > tiers[0].up_to_gb
    if tiered:
        price = blended_price(month_gb, tiers, price)
    source = "cdn_egress_gb" if cdn else "egress_gb"
    if tiered and month_gb > COMMIT_SCALE_GB:
        bom.notes.append(
            f"CDN egress of {fmt_num(month_gb)} GB/month is priced at public volume tiers; at "
            "this volume it is usually bought on a committed contract well below them, so the "
            "egress lines are an upper bound."
        )
    if tiered:
        source = (
            f"blended cdn_egress_tiers on {fmt_num(month_gb)} GB/month: "
            f"{tier_text(month_gb, tiers)}"
        )
    for fig in groups:
        gb = fig.value * seconds / GB
        bom.egress_gb += gb
        formula = (
            f"({fig.formula}) = {fmt_bytes(fig.value)}/s avg × {fmt_num(seconds)} s/month ÷ 1e9 "
            f"× {fmt_price(price)}/GB ({source})"
        )
        name = next(n for n in fig.inputs if n != "peak_factor")
        bom.items.append(
            _item(
                cdn.id if cdn else "",
                f"egress {route} ({name})",
                "egress",
                gb,
                "GB",
                price,
                formula,
            )
        )


def _price_component(
    comp: Component,
    option: TechOption,
    stored: dict[str, Figure],
    scope: Scope,
    prices: Prices,
    bom: PricedDesign,
) -> None:
    if is_steering(comp):
        line = steering_item(comp, option, scope, prices, bom.regions)
        if line is None:
            bom.notes.append(f"{comp.id}: no DNS query price or request rate; not priced.")
        else:
            bom.items.append(line)
        return
    hourly = prices.instance_hour.get(option.instance_class)
    if hourly:  # billed by the hour (0 = serverless: billed per request below)
        _compute_item(comp, option, hourly, prices, scope, bom)
    elif not _request_items(comp, option, prices, scope, bom):
        if hourly is None:
            bom.notes.append(
                f"{comp.id}: instance class '{option.instance_class}' has no price in the "
                "table; its compute is not in the total."
            )
        elif comp.kind == "cache":
            _cache_memory_item(comp, scope, prices, bom)
        elif comp.kind not in ("object_store", "cdn") and comp.id not in stored:
            bom.notes.append(
                f"{comp.id} ({option.name}) is billed per use with no price in the table; "
                "not priced."
            )
    if comp.id in stored:
        _storage_items(comp, option, stored[comp.id], scope, prices, bom)


def build_bill(arch: Architecture, scope: Scope, kb: KnowledgeBase) -> PricedDesign:
    """Price every component of the architecture, then the egress."""
    bom = PricedDesign(regions=max(1, arch.regions))
    stored, inferred = stored_bytes(arch, scope)
    if inferred:
        bom.notes.append(
            "No component cites a storage estimate; storage was assigned by kind: "
            + ", ".join(f"{k} holds {fmt_bytes(v.value)}" for k, v in stored.items())
            + "."
        )
    for comp in arch.components:
        if comp.kind == "external":
            bom.notes.append(f"{comp.id} ({comp.technology}) is billed by its provider; not here.")
            continue
        option = option_for(comp, kb)
        if option is None:
            bom.notes.append(
                f"{comp.id}: technology '{comp.technology}' is not in the {comp.kind} catalogue; "
                "not priced."
            )
            continue
        bom.options[comp.id] = option
        _price_component(comp, option, stored, scope, kb.prices, bom)
        if comp.kind in DATABASE_KINDS and comp.id not in stored:
            bom.notes.append(
                f"{comp.id} cites no storage estimate: its data volume is not billed (only its "
                "nodes or requests are)."
            )
    _egress_items(arch, scope, kb.prices, bom)
    transfer = replication_transfer_item(arch, scope, kb.prices)
    if transfer is not None:
        bom.items.append(transfer)
    return bom
