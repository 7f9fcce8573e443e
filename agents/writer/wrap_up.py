"""Risks, limits and roadmap, computed from the artefacts (never canned text).

Risks come from what the review left open or accepted, close-call decisions, the budget margin,
the assumed numbers the capacity chain depends on most, single points of failure, failure modes
that lose data, and the critical path's availability against its target. Limits come from the
10x/100x plan, the region count and the budget. The roadmap orders the work those imply.
"""

from __future__ import annotations

import re

from agents.artefacts import Architecture, CostReport, Review, Risk, Scope, WrapUp
from agents.regions import CROSS_REGION_FEATURE, replication_mode

from . import fmt
from .analysis import (
    CONSTANTS,
    assumption_influence,
    composed_availability,
    critical_path,
    decision_margin,
    scaling_word,
)

_CLOSE_CALL_POINTS = 0.25  # weighted-score lead (on a 1-5 scale) below which a choice is fragile
_LIKELIHOOD = {"blocker": "high", "major": "medium", "minor": "low"}
_IMPACT = {"blocker": "high", "major": "high", "minor": "medium"}
_RANK = {"high": 0, "medium": 1, "low": 2}


def wrap_up(scope: Scope, arch: Architecture, cost: CostReport, review: Review | None) -> WrapUp:
    """Risks (most serious first), limits and an ordered roadmap for this design."""
    risks = [
        *_finding_risks(arch, review),
        *_decision_risks(arch),
        *_budget_risks(cost),
        *_assumption_risks(scope, arch),
        *_structural_risks(scope, arch, review),
    ]
    risks.sort(key=lambda r: _RANK.get(r.impact, 3) + _RANK.get(r.likelihood, 3))
    return WrapUp(
        risks=risks,
        limits=_limits(scope, arch, cost),
        roadmap=_roadmap(scope, arch, cost, review),
    )


def _name(arch: Architecture, component_id: str | None) -> str:
    comp = arch.component(component_id) if component_id else None
    return comp.name if comp else (component_id or "the design")


def _finding_risks(arch: Architecture, review: Review | None) -> list[Risk]:
    if review is None:
        return []
    risks = []
    for f in review.findings:
        if f.status == "resolved":
            continue
        where = _name(arch, f.component)
        if f.status == "open":
            text = f"{f.id} ({f.rule}, {f.severity}, still open) on {where}: {f.message}"
            mitigation = f.recommendation
        else:
            text = f"{f.id} ({f.rule}, {f.severity}) on {where} was accepted: {f.message}"
            mitigation = f"Accepted for now; the fix when it matters: {f.recommendation}"
        likelihood = _LIKELIHOOD[f.severity] if f.status == "open" else "low"
        risks.append(
            Risk(
                risk=text, likelihood=likelihood, impact=_IMPACT[f.severity], mitigation=mitigation
            )
        )
    return risks


def _decision_risks(arch: Architecture) -> list[Risk]:
    risks = []
    for d in arch.decisions:
        margin = decision_margin(d)
        if margin is None or margin.runner_up is None or margin.points is None:
            continue
        lead, rival = margin.points, margin.runner_up
        if lead >= _CLOSE_CALL_POINTS:
            continue
        scores = f"{margin.chosen.weighted:.2f} vs {rival.weighted:.2f}"
        if lead < 0:
            text = (
                f"{d.id} {d.topic}: {margin.chosen.name} was chosen although {rival.name} "
                f"scores higher ({scores})"
            )
        else:
            text = (
                f"{d.id} {d.topic}: a close call, {margin.chosen.name} leads {rival.name} by "
                f"only {lead:.2f} points ({scores}); a small change in the weights flips it"
            )
        comp = arch.component(d.component)
        stateful = comp is not None and comp.stateful
        mitigation = (
            f"Keep {_name(arch, d.component)} behind its interface so {rival.name} can replace "
            f"it{'; switching later means migrating its data' if stateful else ''}."
        )
        if d.sensitivity:
            mitigation += f" {d.sensitivity}"
        risks.append(
            Risk(
                risk=text,
                likelihood="medium",
                impact="medium" if stateful else "low",
                mitigation=mitigation,
            )
        )
    return risks


def _budget_risks(cost: CostReport) -> list[Risk]:
    total, budget = cost.total_monthly_usd, cost.budget_monthly_usd
    levers = sorted(cost.levers, key=lambda lv: -lv.monthly_saving_usd)
    lever_text = "; ".join(
        f"{lv.name} (saves {fmt.usd(lv.monthly_saving_usd)}/month)" for lv in levers[:3]
    )
    if not budget:
        return [
            Risk(
                risk=f"No budget was given; the bill of {fmt.usd(total)}/month is checked against "
                "nothing",
                likelihood="medium",
                impact="low",
                mitigation="Agree a budget and set the budget alarms of the cost section.",
            )
        ]
    share = total / budget
    if share > 1:
        over = total - budget
        savings = sum(lv.monthly_saving_usd for lv in levers)
        closes = "which would close the gap" if savings >= over else "which would not close it"
        return [
            Risk(
                risk=f"The bill of {fmt.usd(total)}/month exceeds the {fmt.usd(budget)} budget by "
                f"{fmt.usd(over)} ({share - 1:.0%})",
                likelihood="high",
                impact="high",
                mitigation=f"Savings levers: {lever_text or 'none identified'}, {closes}.",
            )
        ]
    headroom = budget / total if total else float("inf")
    return [
        Risk(
            risk=f"The bill uses {share:.0%} of the budget "
            f"({fmt.usd(total)} of {fmt.usd(budget)}); load growth of {headroom:.1f}× "
            "exhausts it if cost grows with load",
            likelihood="high" if share > 0.8 else "medium" if share > 0.5 else "low",
            impact="medium",
            mitigation=f"Budget alarms; levers ready: {lever_text}."
            if lever_text
            else "Budget alarms at 80% of the budget.",
        )
    ]


def _assumption_risks(scope: Scope, arch: Architecture) -> list[Risk]:
    assumed = {a.name: a for a in scope.assumptions if a.provenance == "assumed"}
    sizing = {e for c in arch.components for e in c.estimates}
    questions = {q.assumption: q.question for q in scope.open_questions if q.assumption}
    stepped = {
        e.name for e in scope.estimates if re.search(r"\b(ceil|floor|round|max|min)\(", e.formula)
    }
    risks = []
    for inf in assumption_influence(scope):
        a = assumed.get(inf.name)
        if a is None or a.name in CONSTANTS or not inf.dependents:
            continue
        key = [e for e in inf.dependents if e in sizing] or inf.dependents
        # Rounded estimates (node counts) move in steps; judge the scaling on the smooth ones.
        smooth = [e for e in key if e in inf.doubling and e not in stepped] or key
        moves = {scaling_word(inf.doubling[e]) for e in smooth if e in inf.doubling}
        how = (
            f"capacity scales {moves.pop()} with it"
            if len(moves) == 1
            else "capacity moves with it"
        )
        shown = ", ".join(key[:3]) + (f" and {len(key) - 3} more" if len(key) > 3 else "")
        text = (
            f"{a.label} ({a.name} = {a.display}) is assumed, not stated: {how} — "
            f"{len(inf.dependents)} of {len(scope.estimates)} estimates depend on it ({shown})"
        )
        ask = questions.get(a.name)
        mitigation = f"Confirm it ({ask})" if ask else "Confirm it with the product owner"
        mitigation += "; the capacity chain and the bill recompute from it."
        risks.append(
            Risk(
                risk=text,
                likelihood="medium",
                impact="high" if set(key) & sizing else "medium",
                mitigation=mitigation,
            )
        )
        if len(risks) == 3:
            break
    return risks


def _structural_risks(scope: Scope, arch: Architecture, review: Review | None) -> list[Risk]:
    risks = []
    findings = [f for f in (review.findings if review else []) if f.status != "resolved"]
    flagged = {f.component for f in findings if f.rule == "no-spof"}
    composition_flagged = any(f.rule == "availability-composition" for f in findings)
    for c in arch.components:
        if c.instances == 1 and not c.managed and c.id not in flagged:
            risks.append(
                Risk(
                    risk=f"{c.name} runs as a single instance: losing it "
                    + ("loses its data until restored" if c.stateful else "stops what it serves"),
                    likelihood="medium",
                    impact="high" if c.stateful else "medium",
                    mitigation="A second instance in another zone"
                    + (" with automatic failover" if c.stateful else ""),
                )
            )
    for fm in arch.failure_modes:
        if not fm.data_safe:
            risks.append(
                Risk(
                    risk=f"When {fm.scenario}, acknowledged data can be lost: {fm.data_note}",
                    likelihood="low",
                    impact="medium",
                    mitigation=fm.mitigation,
                )
            )
    target = scope.nfr("availability")
    path = critical_path(arch)
    if target and target.target and path and not composition_flagged:
        composed = composed_availability(path, arch.regions) * 100
        if composed < target.target:
            risks.append(
                Risk(
                    risk=f"The critical path ({len(path)} components in series) composes to "
                    f"{composed:.3f}% availability, below the {fmt.percent(target.target)} target",
                    likelihood="high",
                    impact="high",
                    mitigation="Raise the weakest component's availability (more replicas, a "
                    "managed service) or take it off the synchronous path.",
                )
            )
    return risks


def _clause(text: str, *, lower: bool = False) -> str:
    """`text` to embed in a sentence: no closing period; optionally a lower-case start (unless
    it starts with an acronym such as 'API')."""
    text = text.strip().rstrip(".").strip()
    if lower and len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _single_primary_limits(scope: Scope, arch: Architecture) -> list[str]:
    """SQL stores that take writes on one primary: replicas add reads, never writes."""
    writes = scope.estimate("write_qps_peak")
    limits = []
    for c in arch.components:
        if c.kind != "sql_db" or "write_qps_peak" not in c.estimates or writes is None:
            continue
        keys = [e.partition_key for e in arch.entities if e.store == c.id and e.partition_key]
        by = f"by {', '.join(dict.fromkeys(keys))}" if keys else "by a key of its main entity"
        limits.append(
            f"Cannot scale the {c.name}'s writes ({writes.display} at peak today) past what one "
            f"{c.technology} primary sustains: read replicas add reads, never writes; then we "
            f"would need to partition it {by} (or move it to a store that shards writes)."
        )
    return limits


def _peak(scope: Scope) -> tuple[float, str]:
    for name, what in (("read_qps_peak", "reads/s"), ("write_qps_peak", "writes/s")):
        value = scope.value(name)
        if value:
            return value, what
    return 0.0, ""


def _limits(scope: Scope, arch: Architecture, cost: CostReport) -> list[str]:
    peak, what = _peak(scope)
    limits = []
    for step in sorted(arch.scaling, key=lambda s: s.factor):
        load = f" ({fmt.count(peak * step.factor)} {what})" if peak else ""
        limits.append(
            f"Cannot handle {step.factor}× today's load{load} as built: {step.breaks}; "
            f"then we would need: {step.next_step}."
        )
    limits += _single_primary_limits(scope, arch)
    if arch.regions == 1:
        limits.append(
            "Cannot survive the loss of its only region; then we would need a second region "
            "with asynchronous replication and DNS failover (roughly "
            f"{fmt.usd(2 * cost.total_monthly_usd)}/month instead of "
            f"{fmt.usd(cost.total_monthly_usd)})."
        )
    limits += _region_limits(arch)
    if cost.budget_monthly_usd and cost.total_monthly_usd:
        headroom = cost.budget_monthly_usd / cost.total_monthly_usd
        if headroom < 100:
            lever = max(cost.levers, key=lambda lv: lv.monthly_saving_usd, default=None)
            then = f"{lever.name}" if lever else "a larger budget"
            limits.append(
                f"Cannot grow past about {headroom:.1f}× today's load within the "
                f"{fmt.usd(cost.budget_monthly_usd)}/month budget if cost grows with load; "
                f"then we would need {then} or a larger budget."
            )
    storage = scope.estimate("storage_total")
    if storage and not arch.scaling:
        limits.append(
            f"Holds {storage.display} over the retention period as sized; more data needs "
            "the stores resized or sharded."
        )
    return limits


def _region_limits(arch: Architecture) -> list[str]:
    """What a multi-region deployment still cannot do: lose a region without losing the
    asynchronous stores' replication lag of writes."""
    if arch.regions <= 1:
        return []
    lagging = [
        (c, replication_mode(c))
        for c in arch.components
        if CROSS_REGION_FEATURE in c.features and replication_mode(c).rpo_s > 0
    ]
    if not lagging:
        return []
    stores = ", ".join(f"{c.name} (RPO {m.rpo})" for c, m in lagging)
    return [
        f"Cannot lose a region without losing its last acknowledged writes: {stores} replicate "
        "asynchronously; then we would need synchronous multi-region consensus (Spanner, "
        "CockroachDB), paying a cross-region round trip on every write."
    ]


def _roadmap(
    scope: Scope, arch: Architecture, cost: CostReport, review: Review | None
) -> list[str]:
    steps = []
    open_findings = review.open() if review else []
    serious = [f for f in open_findings if f.severity in ("blocker", "major")]
    for f in serious:
        steps.append(f"Before launch: fix {f.id} ({f.rule}) — {_clause(f.recommendation)}.")
    minor = [f.id for f in open_findings if f.severity == "minor"]
    if minor:
        steps.append(f"Soon after launch: the minor findings {', '.join(minor)}.")
    assumed = [a.name for a in scope.assumptions if a.provenance == "assumed"]
    drivers = [
        inf.name
        for inf in assumption_influence(scope)
        if inf.name in assumed and inf.name not in CONSTANTS and inf.dependents
    ][:3]
    if drivers:
        steps.append(
            f"Confirm the assumed inputs that size the system ({', '.join(drivers)}); the "
            "capacity chain and the bill recompute from them."
        )
    if scope.open_questions:
        steps.append(
            f"Answer the {len(scope.open_questions)} open question(s); the design proceeds on "
            "the proposed defaults until then."
        )
    if arch.observability and arch.observability.alerts:
        steps.append(
            "Launch with the SLO alerts in place: " + "; ".join(arch.observability.alerts[:2]) + "."
        )
    peak, what = _peak(scope)
    for step in sorted(arch.scaling, key=lambda s: s.factor):
        at = f" ({fmt.count(peak * step.factor)} {what})" if peak else ""
        steps.append(f"At {step.factor}× load{at}: {step.next_step}.")
    if cost.levers:
        lever = max(cost.levers, key=lambda lv: lv.monthly_saving_usd)
        when = "When the bill nears the budget" if cost.budget_monthly_usd else "To cut the bill"
        steps.append(
            f"{when}: {lever.name}, saving {fmt.usd(lever.monthly_saving_usd)}/month; "
            f"the price: {_clause(lever.tradeoff, lower=True)}."
        )
    if arch.regions == 1:
        steps.append("When a regional outage becomes unacceptable: a second region.")
    return steps
