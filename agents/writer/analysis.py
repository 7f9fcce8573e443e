"""Numbers the writer derives from the artefacts: critical-path availability, decision margins,
and how strongly each assumption drives the capacity chain (recomputed with agents.formula)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from agents.artefacts import Architecture, Component, Decision, Option, Scope
from agents.formula import evaluate
from agents.regions import compose

# Inputs that are definitions, not guesses: their influence is not a risk.
CONSTANTS = {
    "seconds_per_day",
    "days_per_year",
    "days_per_month",
    "seconds_per_month",
    "hours_per_month",
}


ENTRY_KINDS = {"cdn", "load_balancer", "api_gateway", "websocket_gateway"}


def critical_path(arch: Architecture) -> list[Component]:
    """Components a user request depends on, as the reviewer counts them: everything reachable
    from the entry points (components nothing calls, edge kinds first) over critical links."""
    targets = {link.target for link in arch.links}
    roots = [c for c in arch.components if c.id not in targets]
    entries = [c for c in roots if c.kind in ENTRY_KINDS] or [
        c for c in roots if c.kind != "external"
    ]
    order: list[str] = []
    queue = [c.id for c in entries]
    while queue:
        current = queue.pop(0)
        if current in order or arch.component(current) is None:
            continue
        order.append(current)
        queue.extend(lk.target for lk in arch.links if lk.source == current and lk.critical)
    return [c for c in (arch.component(i) for i in order) if c is not None]


def composed_availability(components: list[Component], regions: int = 1) -> float:
    """Availability of the critical path: components in series multiply; with n active regions
    the regional part is in parallel, A_global × (1 − (1 − A_region)^n)."""
    if not components:
        return 1.0
    if regions <= 1:
        return math.prod(c.availability for c in components)
    return compose([(c, c.availability) for c in components], regions, str).value


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def criterion_score(option: Option, criterion: str) -> int | None:
    """The option's score for a criterion, matching 'ops burden' to 'ops_burden'."""
    if criterion in option.scores:
        return option.scores[criterion]
    wanted = _norm(criterion)
    return next((v for k, v in option.scores.items() if _norm(k) == wanted), None)


def recomputed_weight(decision: Decision, option: Option) -> float | None:
    """Sum of weight × score over the criteria, or None if a score is missing."""
    total = 0.0
    for criterion in decision.criteria:
        score = criterion_score(option, criterion.name)
        if score is None:
            return None
        total += criterion.weight * score
    return total


@dataclass
class Margin:
    """The chosen option against the best alternative."""

    chosen: Option
    runner_up: Option | None

    @property
    def points(self) -> float | None:
        """Weighted-score lead of the chosen option (negative when an alternative scores higher)."""
        if self.runner_up is None:
            return None
        return self.chosen.weighted - self.runner_up.weighted


def decision_margin(decision: Decision) -> Margin | None:
    """The chosen option and its best rival, or None if the chosen option is not in the table."""
    chosen = next((o for o in decision.options if o.name == decision.chosen), None)
    if chosen is None:
        chosen = next(
            (o for o in decision.options if _norm(o.name) == _norm(decision.chosen)), None
        )
    if chosen is None:
        return None
    others = sorted((o for o in decision.options if o is not chosen), key=lambda o: -o.weighted)
    return Margin(chosen=chosen, runner_up=others[0] if others else None)


@dataclass
class Influence:
    """How the capacity chain depends on one assumption."""

    name: str
    dependents: list[str] = field(default_factory=list)  # estimates it feeds, transitively
    doubling: dict[str, float] = field(default_factory=dict)  # estimate -> factor when doubled


def _recompute(scope: Scope, overrides: dict[str, float]) -> dict[str, float] | None:
    """Values of every estimate with some inputs overridden, or None if a formula fails."""
    values = {a.name: a.value for a in scope.assumptions}
    values.update(overrides)
    for est in scope.estimates:
        inputs = {k: values.get(k, v) for k, v in est.inputs.items()}
        try:
            values[est.name] = evaluate(est.formula, inputs)
        except Exception:  # a malformed formula only loses the sensitivity figure
            return None
    return values


def assumption_influence(scope: Scope) -> list[Influence]:
    """Each assumption with the estimates downstream of it and how they move when it doubles,
    most influential first."""
    feeds: dict[str, set[str]] = {}
    for est in scope.estimates:
        for name in est.inputs:
            feeds.setdefault(name, set()).add(est.name)
    base = _recompute(scope, {})
    out: list[Influence] = []
    for assumption in scope.assumptions:
        seen: list[str] = []
        frontier = [assumption.name]
        while frontier:
            for nxt in sorted(feeds.get(frontier.pop(), ())):
                if nxt not in seen:
                    seen.append(nxt)
                    frontier.append(nxt)
        order = [e.name for e in scope.estimates if e.name in seen]
        influence = Influence(name=assumption.name, dependents=order)
        doubled = _recompute(scope, {assumption.name: assumption.value * 2}) if base else None
        if base and doubled:
            for name in order:
                if base.get(name):
                    influence.doubling[name] = doubled[name] / base[name]
        out.append(influence)
    out.sort(key=lambda inf: -len(inf.dependents))
    return out


def scaling_word(factor: float) -> str:
    """How an estimate moves when its input doubles: 'linearly', 'sub-linearly', ..."""
    if abs(factor - 2) < 0.05:
        return "linearly"
    if factor > 2:
        return "super-linearly"
    if abs(factor - 1) < 0.02:
        return "not at all"
    if factor < 1:
        return "inversely"
    return "sub-linearly"
