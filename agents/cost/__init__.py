"""The cost analyst's kernel: a priced bill of materials against the budget, with levers.

`estimate_cost(arch, scope, kb)` prices every component from the dated price table in the
knowledge base (`kb.prices`, overridable with a user `prices.yaml`), shows the formula of every
line, compares the total with the budget NFR and proposes savings levers and budget alarms.
"""

from __future__ import annotations

from ..artefacts import Architecture, CostReport, Scope
from ..kb import KnowledgeBase
from .bom import PricedDesign, build_bill
from .levers import budget_alarms, savings_levers
from .load import Figure, average_load, option_for, peak_load, redundancy_min, stored_bytes
from .units import fmt_usd

__all__ = [
    "Figure",
    "average_load",
    "estimate_cost",
    "option_for",
    "peak_load",
    "redundancy_min",
    "stored_bytes",
]


def _budget(scope: Scope) -> float | None:
    nfr = scope.nfr("budget")
    return float(nfr.target) if nfr is not None and nfr.target else None


def _notes(bom: PricedDesign, kb: KnowledgeBase, total: float, budget: float | None) -> list[str]:
    prices = kb.prices
    notes = [
        f"Prices from {prices.source}, dated {prices.version}, on-demand unless a component "
        f"has reserved instances ({prices.reserved_discount:.0%} off); "
        f"{prices.hours_per_month:g} h/month.",
        "Not included: traffic between zones"
        + (" and regions" if bom.regions <= 1 else "")
        + ", backups' own storage, support plans, taxes, and the team's time to run "
        "self-managed components.",
        "Egress is billed on the average rate (peak ÷ peak_factor when only the peak is "
        "estimated); ingress is free on most providers.",
    ]
    if any(i.category == "storage" and "tiered" in i.item for i in bom.items):
        notes.append(
            "Tiered data older than 30 days is billed once: object storage keeps its own copies."
        )
    if bom.regions > 1:
        notes.append(
            f"{bom.regions} active regions: every regional component's nodes, storage and "
            "memory are billed once per region (each region is sized for the full peak), "
            "writes to replicated stores are applied in every region, and the data written "
            "crosses regions at the inter-region transfer price; the CDN, DNS and third-party "
            "services are billed once."
        )
    notes.extend(bom.notes)
    if budget is not None and total > budget:
        notes.append(
            f"Over budget by {fmt_usd(total - budget)} ({total / budget:.0%} of "
            f"{fmt_usd(budget)}); see the savings levers."
        )
    return notes


def estimate_cost(arch: Architecture, scope: Scope, kb: KnowledgeBase) -> CostReport:
    """The monthly bill of `arch` under the load of `scope`, priced from `kb.prices`."""
    bom = build_bill(arch, scope, kb)
    total = round(sum(item.monthly_usd for item in bom.items), 2)
    budget = _budget(scope)
    return CostReport(
        items=bom.items,
        total_monthly_usd=total,
        budget_monthly_usd=budget,
        within_budget=None if budget is None else total <= budget,
        price_table=f"{kb.prices.source} ({kb.prices.version})",
        levers=savings_levers(arch, scope, kb, bom),
        alarms=budget_alarms(total, budget, bom.items),
        notes=_notes(bom, kb, total, budget),
    )
