"""What a multi-region deployment adds to the bill.

Every regional component runs (and stores its data) once per region, so its compute, storage
and memory lines are multiplied by the region count; writes to stores replicated across regions
are applied in every region; the global traffic steering bills DNS queries; and the data each
region writes crosses to every other region at the inter-region transfer price:

    transfer = (storage_per_day + media_storage_per_day) / seconds_per_day    (avg bytes/s written)
               × seconds_per_month × (regions − 1) / 1e9 × inter_region_gb
"""

from __future__ import annotations

from typing import Literal

from ..artefacts import Architecture, Component, CostItem, Scope
from ..kb import Prices, TechOption
from ..regions import CROSS_REGION_FEATURE, is_global, is_steering
from .load import SECONDS_PER_DAY, peak_factor
from .units import GB, fmt_bytes, fmt_num, fmt_price

Category = Literal["compute", "storage", "egress", "managed", "other"]
# Resolvers are shared by many users and cache each answer for the TTL (60 s): about one lookup
# per active user a day reaches the authoritative DNS.
DNS_LOOKUPS_PER_USER_DAY = 1.0
DAYS_PER_MONTH = 30.4


def priced(
    component: str,
    item: str,
    category: Category,
    quantity: float,
    unit: str,
    unit_price: float,
    formula: str,
) -> CostItem:
    """A bill line: quantity × unit price, with the formula of the quantity."""
    return CostItem(
        component=component,
        item=item,
        category=category,
        quantity=round(quantity, 4),
        unit=unit,
        unit_price_usd=round(unit_price, 6),
        monthly_usd=round(quantity * unit_price, 2),
        formula=formula,
    )


def copies_per_region(component: Component, regions: int) -> int:
    """How many regions run (and bill) the component: all of them unless it is global."""
    return 1 if regions <= 1 or is_global(component) else regions


def times_regions(count: int) -> str:
    """' × 2 regions' for formulas (empty for one region)."""
    return f" × {count} regions" if count > 1 else ""


def replicated_writes(component: Component, regions: int) -> int:
    """Every region applies every write of a store replicated across regions."""
    if regions > 1 and CROSS_REGION_FEATURE in component.features:
        return regions
    return 1


def steering_item(
    component: Component, option: TechOption, scope: Scope, prices: Prices, regions: int
) -> CostItem | None:
    """DNS queries of the global traffic steering: users × lookups a day that miss resolver
    caches, capped by the requests themselves."""
    key = option.request_price_keys.get("any") or next(
        iter(option.request_price_keys.values()), None
    )
    if key is None or key not in prices.requests_per_million:
        return None
    price = prices.requests_per_million[key]
    seconds = prices.hours_per_month * 3600
    requests = (scope.value("read_qps_avg") + scope.value("write_qps_avg")) * seconds
    dau = scope.value("dau")
    if dau > 0:
        queries = dau * DNS_LOOKUPS_PER_USER_DAY * DAYS_PER_MONTH
        formula = (
            f"dau {fmt_num(dau)} × {fmt_num(DNS_LOOKUPS_PER_USER_DAY)} lookup a day past "
            f"shared resolver caches × {fmt_num(DAYS_PER_MONTH)} days"
        )
        if requests and queries > requests:
            queries, formula = requests, "(read_qps_avg + write_qps_avg) × seconds/month"
    elif requests:
        queries, formula = requests, "(read_qps_avg + write_qps_avg) × seconds/month"
    else:
        return None
    formula += (
        f" = {fmt_num(queries)} queries ÷ 1e6 × {fmt_price(price)}/M ({key}); one zone for "
        f"{regions} regions"
    )
    return priced(
        component.id,
        f"{component.name} DNS queries ({option.name})",
        "managed",
        queries / 1e6,
        "million DNS queries",
        price,
        formula,
    )


def replication_transfer_item(arch: Architecture, scope: Scope, prices: Prices) -> CostItem | None:
    """Bytes written in one region copied to every other region, priced per GB."""
    regions = arch.regions
    stores = [c for c in arch.components if CROSS_REGION_FEATURE in c.features]
    if regions <= 1 or not stores:
        return None
    seconds = prices.hours_per_month * 3600
    names = [n for n in ("storage_per_day", "media_storage_per_day") if scope.estimate(n)]
    if names:
        rate = sum(scope.value(n) for n in names) / SECONDS_PER_DAY
        source = f"({' + '.join(names)}) / seconds_per_day"
    elif scope.estimate("ingress_bandwidth") is not None:
        rate = scope.value("ingress_bandwidth") / peak_factor(scope)
        source = "ingress_bandwidth / peak_factor"
    else:
        return None
    gb = rate * seconds * (regions - 1) / GB
    price = prices.inter_region_gb
    formula = (
        f"{source} = {fmt_bytes(rate)}/s written on average × {fmt_num(seconds)} s/month × "
        f"({regions} − 1) other region{'s' if regions > 2 else ''} ÷ 1e9 × {fmt_price(price)}/GB "
        f"(inter_region_gb); replicated by {', '.join(c.id for c in stores)}"
    )
    return priced(
        "",
        f"cross-region replication transfer ({regions} regions)",
        "egress",
        gb,
        "GB",
        price,
        formula,
    )


__all__ = [
    "DNS_LOOKUPS_PER_USER_DAY",
    "copies_per_region",
    "is_steering",
    "priced",
    "replicated_writes",
    "replication_transfer_item",
    "steering_item",
    "times_regions",
]
