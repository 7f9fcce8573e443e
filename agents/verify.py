"""Code checks of the artefacts a model returns: numbers recomputed, references resolved,
requirements served, diagrams parsed. Each verifier returns the exact errors (empty = valid)."""

from __future__ import annotations

import math
from collections.abc import Callable

from .artefacts import Architecture, Estimate, Review, Scope
from .formula import evaluate
from .kb import KnowledgeBase
from .scoper import display

_DISPLAY: dict[str, Callable[[float], str]] = {
    "req/s": display.rate,
    "bytes": display.size,
    "bytes/s": display.bandwidth,
    "count": display.count,
    "USD/month": lambda v: f"{display.money(v)}/month",
    "per_day": lambda v: f"{display.count(v)}/day",
    "per_month": lambda v: f"{display.count(v)}/month",
    "seconds": display.duration,
}


def recompute_estimates(chain: list[Estimate], assumptions: dict[str, float]) -> list[Estimate]:
    """Re-evaluate the capacity chain `chain` (formulas in derivation order) on `assumptions`.

    The formulas come from the kernel; only the assumption values may differ, so a model can
    choose assumptions while code does every multiplication.
    """
    env = dict(assumptions)
    out: list[Estimate] = []
    for est in chain:
        inputs = {name: env[name] for name in est.inputs if name in env}
        missing = set(est.inputs) - set(inputs)
        if missing:
            raise KeyError(f"estimate '{est.name}' needs {', '.join(sorted(missing))}")
        value = evaluate(est.formula, inputs)
        shown = est.display
        if not math.isclose(value, est.value, rel_tol=1e-9, abs_tol=1e-12):
            shown = _DISPLAY.get(est.unit, display.count)(value)
        out.append(est.model_copy(update={"value": value, "inputs": inputs, "display": shown}))
        env[est.name] = value
    return out


def verify_scope(candidate: Scope, draft: Scope, kb: KnowledgeBase) -> list[str]:
    """Errors in a model's Scope; its estimates are replaced by code afterwards."""
    errors: list[str] = []
    if candidate.archetype not in kb.archetypes:
        errors.append(f"archetype '{candidate.archetype}' is not in the knowledge base")
    unknown = [c for c in candidate.capabilities if c not in kb.capabilities]
    if unknown:
        errors.append(f"unknown capability ids: {', '.join(unknown)}")
    names = {a.name: a for a in candidate.assumptions}
    for needed in draft.assumptions:
        got = names.get(needed.name)
        if got is None:
            errors.append(f"assumption '{needed.name}' is missing (keep every assumption)")
        elif not math.isfinite(got.value) or got.value < 0:
            errors.append(f"assumption '{needed.name}' must be a non-negative number")
        elif needed.provenance == "stated" and not math.isclose(got.value, needed.value):
            errors.append(
                f"assumption '{needed.name}' was stated by the user as {needed.display}; "
                "keep its value"
            )
    for kind, reqs, prefix in (
        ("functional", candidate.functional, "FR"),
        ("non-functional", candidate.non_functional, "NFR"),
    ):
        ids = [r.id for r in reqs]
        expected = [f"{prefix}-{i}" for i in range(1, len(reqs) + 1)]
        if ids != expected:
            errors.append(f"{kind} requirement ids must be {prefix}-1..{prefix}-{len(reqs)}")
    if not candidate.functional:
        errors.append("there must be at least one functional requirement")
    return errors


def finalize_scope(candidate: Scope, draft: Scope) -> Scope:
    """The model's scope with every estimate recomputed by code from its assumptions."""
    values = {a.name: a.value for a in candidate.assumptions}
    estimates = recompute_estimates(draft.estimates, values)
    return candidate.model_copy(update={"estimates": estimates})


def verify_architecture(arch: Architecture, scope: Scope) -> list[str]:
    """Errors in an architecture: dangling references, unserved requirements, bad tables,
    diagrams that do not parse."""
    errors: list[str] = []
    ids = [c.id for c in arch.components]
    known = set(ids)
    if len(known) != len(ids):
        errors.append("component ids must be unique")
    for link in arch.links:
        for end in (link.source, link.target):
            if end not in known:
                errors.append(f"link {link.source} -> {link.target}: no component '{end}'")
    for flow in arch.flows:
        for step in flow.steps:
            for end in (step.source, step.target):
                if end != "client" and end not in known:
                    errors.append(f"flow '{flow.name}': no component '{end}'")
    for entity in arch.entities:
        if entity.store not in known:
            errors.append(f"entity {entity.name}: store '{entity.store}' is not a component")
    for endpoint in arch.endpoints:
        if endpoint.component not in known:
            errors.append(f"endpoint {endpoint.path}: no component '{endpoint.component}'")
    for decision in arch.decisions:
        if decision.component not in known:
            errors.append(f"decision {decision.id}: no component '{decision.component}'")
        total = sum(c.weight for c in decision.criteria)
        if decision.criteria and not math.isclose(total, 1.0, abs_tol=0.011):
            errors.append(f"decision {decision.id}: weights sum to {total:.2f}, not 1")
        if decision.chosen not in {o.name for o in decision.options}:
            errors.append(f"decision {decision.id}: chosen '{decision.chosen}' is not an option")
    served = {r for c in arch.components for r in c.serves}
    for fr in scope.functional:
        if fr.id not in served:
            errors.append(f"{fr.id} ({fr.text}) is served by no component")
    errors.extend(_diagram_errors(arch))
    return errors


def reweigh_decisions(arch: Architecture) -> Architecture:
    """Every option's weighted score recomputed by code, options sorted best first."""
    decisions = []
    for decision in arch.decisions:
        weights = {c.name: c.weight for c in decision.criteria}
        options = [
            o.model_copy(
                update={
                    "weighted": round(
                        sum(w * o.scores.get(name, 0) for name, w in weights.items()), 2
                    )
                }
            )
            for o in decision.options
        ]
        options.sort(key=lambda o: o.weighted, reverse=True)
        decisions.append(decision.model_copy(update={"options": options}))
    return arch.model_copy(update={"decisions": decisions})


def _diagram_errors(arch: Architecture) -> list[str]:
    from .mermaid import MermaidSyntaxError, validate
    from .writer.diagrams import architecture_diagram, er_diagram, sequence_diagram

    sources = [("architecture", architecture_diagram(arch)), ("data model", er_diagram(arch))]
    sources += [(f"flow '{f.name}'", sequence_diagram(f, arch)) for f in arch.flows]
    errors = []
    for name, source in sources:
        try:
            validate(source)  # the parser alone: layout is the writer's job
        except MermaidSyntaxError as exc:
            errors.append(f"the {name} diagram does not parse: {exc}")
    return errors


def verify_review(review: Review, arch: Architecture) -> list[str]:
    """Errors in a model's review: findings must name existing components."""
    known = {c.id for c in arch.components}
    return [
        f"finding {f.id}: no component '{f.component}'"
        for f in review.findings
        if f.component is not None and f.component not in known
    ]
