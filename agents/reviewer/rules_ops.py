"""Operational rules: SLOs and alerts, the budget, and requirements nothing serves."""

from __future__ import annotations

from ..artefacts import Finding
from ..cost.units import fmt_target_pct, fmt_usd
from .context import ReviewContext, listing

BUDGET_BLOCKER_RATIO = 1.25  # more than 25% over budget is a blocker, not a tuning job
AVAILABILITY_WORDS = ("availab", "uptime", "success", "error rate", "5xx", "%")
LATENCY_WORDS = ("latency", "p99", "p95", " ms", "response time")


def slo_alerting(ctx: ReviewContext) -> list[Finding]:
    """What is not measured against an objective is not operated: SLIs, SLOs, alerts."""
    obs = ctx.arch.observability
    gaps: list[str] = []
    if obs is None:
        gaps.append("no observability at all (0 SLIs, 0 SLOs, 0 dashboards, 0 alerts)")
    else:
        if not obs.alerts:
            gaps.append(f"{len(obs.slis)} SLIs but 0 alerts: nobody is paged when an SLO burns")
        slo_text = " ".join(obs.slos).lower()
        for metric, words in (("availability", AVAILABILITY_WORDS), ("latency_p99", LATENCY_WORDS)):
            nfr = ctx.scope.nfr(metric)
            if nfr is not None and nfr.target and not any(w in slo_text for w in words):
                shown = (
                    fmt_target_pct(nfr.target)
                    if metric == "availability"
                    else f"{nfr.target * 1000:.10g} ms"
                )
                gaps.append(f"{nfr.id} ({metric} {shown}) has no SLO")
    if not gaps:
        return []
    nfrs = [r for r in ctx.scope.non_functional if r.metric in ("availability", "latency_p99")]
    message = "Observability gaps: " + "; ".join(gaps) + "."
    targets = ", ".join(
        f"{r.metric} "
        + (fmt_target_pct(r.target) if r.metric == "availability" else f"{r.target:.10g} s")
        for r in nfrs
        if r.target
    )
    fix = (
        f"Define SLOs from the NFRs ({targets or 'availability and p99 latency'}) over 30-day "
        "windows, dashboards per tier (rate, errors, duration, saturation) and multi-window "
        "burn-rate alerts (2% of the error budget in 1 h pages)."
    )
    return [ctx.finding("slo-alerting", None, message, fix)]


def budget(ctx: ReviewContext) -> list[Finding]:
    """The bill must fit the budget; far over it the design, not tuning, must change."""
    cost = ctx.cost
    limit = cost.budget_monthly_usd
    if limit is None or limit <= 0 or cost.total_monthly_usd <= limit:
        return []
    total = cost.total_monthly_usd
    ratio = total / limit
    top = sorted(cost.items, key=lambda i: -i.monthly_usd)[:3]
    largest = ", ".join(f"{i.item} {fmt_usd(i.monthly_usd)}" for i in top)
    message = (
        f"the monthly total {fmt_usd(total)} is {ratio:.0%} of the {fmt_usd(limit)} budget "
        f"(over by {fmt_usd(total - limit)})"
        + (f"; the largest items: {largest}." if largest else ".")
    )
    levers = sorted(cost.levers, key=lambda lv: -lv.monthly_saving_usd)[:3]
    if levers:
        saving = sum(lv.monthly_saving_usd for lv in levers)
        fix = (
            "Apply the savings levers: "
            + "; ".join(f"{lv.name} (−{fmt_usd(lv.monthly_saving_usd)})" for lv in levers)
            + f" — up to {fmt_usd(saving)}/month if they do not overlap"
            + (
                "; that does not close the gap, so also cut scope or raise the budget."
                if saving < total - limit
                else "."
            )
        )
    else:
        fix = (
            f"Cut {fmt_usd(total - limit)}/month: right-size or reserve the largest tiers, or "
            "agree a higher budget."
        )
    shift = 1 if ratio > BUDGET_BLOCKER_RATIO else 0
    return [ctx.finding("budget", None, message, fix, shift)]


def unserved_requirement(ctx: ReviewContext) -> list[Finding]:
    """Every FR is served by a component, and every component serves something."""
    findings = []
    served = {s for c in ctx.arch.components for s in c.serves}
    served |= {s for e in ctx.arch.endpoints for s in e.serves if ctx.comp(e.component)}
    missing = [fr for fr in ctx.scope.functional if fr.id not in served]
    if missing:
        message = (
            f"{len(missing)} of {len(ctx.scope.functional)} functional requirements served by "
            "no component: " + "; ".join(f"{fr.id} '{fr.text}'" for fr in missing) + "."
        )
        fix = (
            f"Assign {listing([fr.id for fr in missing])} to the component that implements "
            "them (with an endpoint), or record them as non-goals."
        )
        findings.append(ctx.finding("unserved-requirement", None, message, fix))
    known = {r.id for r in [*ctx.scope.functional, *ctx.scope.non_functional]}
    for comp in ctx.arch.components:
        unknown = [s for s in comp.serves if s not in known]
        if comp.serves and not unknown:
            continue
        if not comp.serves:
            message = (
                f"{comp.id} ({comp.kind}, {comp.instances} instance(s)) serves no requirement: "
                "either a requirement is missing from the scope or the component is not needed."
            )
        else:
            message = f"{comp.id} serves {listing(unknown)}, which the scope does not define."
        fix = f"Tie {comp.id} to the FR/NFR it exists for, or remove it (and its cost)."
        findings.append(ctx.finding("unserved-requirement", comp.id, message, fix))
    return findings
