"""Volume-tiered CDN egress: each GB of the month is billed at the tier it falls in.

cost(total_gb) = sum over tiers of min(total_gb, up_to) - previous bound, × tier price
The blended USD/GB (cost ÷ total) prices every egress line of the month, so lines add up to the
tiered total and each shows the same tier breakdown.
"""

from __future__ import annotations

from ..kb.schema import EgressTier
from .units import fmt_num, fmt_price


def tiered_cost(total_gb: float, tiers: list[EgressTier]) -> float:
    """USD for `total_gb` GB in a month through the volume tiers (cheapest last)."""
    cost, floor = 0.0, 0.0
    for tier in tiers:
        top = total_gb if tier.up_to_gb is None else min(total_gb, tier.up_to_gb)
        if top > floor:
            cost += (top - floor) * tier.usd_per_gb
        if tier.up_to_gb is None or total_gb <= tier.up_to_gb:
            return cost
        floor = tier.up_to_gb
    return cost + (total_gb - floor) * tiers[-1].usd_per_gb  # beyond the last bounded tier


def blended_price(total_gb: float, tiers: list[EgressTier], flat: float) -> float:
    """Average USD/GB of the month's volume; the flat price without tiers or traffic."""
    if not tiers or total_gb <= 0:
        return flat
    return tiered_cost(total_gb, tiers) / total_gb


def tier_text(total_gb: float, tiers: list[EgressTier]) -> str:
    """The tiers the month's volume reaches, e.g. 'first 10,000 GB at $0.085, ...'."""
    parts: list[str] = []
    floor = 0.0
    for tier in tiers:
        top = total_gb if tier.up_to_gb is None else min(total_gb, tier.up_to_gb)
        if top <= floor:
            break
        span = f"{fmt_num(floor)}–{fmt_num(top)} GB" if floor else f"first {fmt_num(top)} GB"
        parts.append(f"{span} at {fmt_price(tier.usd_per_gb)}")
        if tier.up_to_gb is None or total_gb <= tier.up_to_gb:
            break
        floor = tier.up_to_gb
    return ", ".join(parts)
