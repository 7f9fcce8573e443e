"""The product scoper's kernel: requirements -> Scope (needs as metrics + the capacity chain).

Deterministic: the archetype and capabilities come from knowledge-base keywords, numbers from
the text and front matter (stated) or the archetype's typical load (assumed, with why), and the
capacity chain is computed in code with a checkable formula for every figure.
"""

from __future__ import annotations

from dataclasses import replace

from ..artefacts import Requirements, Scope
from ..kb import KnowledgeBase
from ..quantities import extract_quantities
from . import display
from .assumptions import build_assumptions
from .capacity import capacity_chain
from .classify import Classification, classify
from .inputs import AssumptionSet
from .preferences import multi_region_phrase, stated_preferences
from .requirements_list import (
    MACHINE_DAU,
    functional_requirements,
    non_functional_requirements,
    non_goals,
    open_questions,
)
from .stated import gather_stated
from .text import asks_forever, design_subject, find_injections, stated_non_goals, without_lines


def _system_name(req: Requirements, text: str, c: Classification) -> str:
    if req.title:
        return req.title
    subject = design_subject(text)
    return subject or c.archetype.name


def _summary(name: str, c: Classification, a: AssumptionSet, scope: Scope) -> str:
    arch = c.archetype
    wn, rn = display.plural(arch.write_noun), display.plural(arch.read_noun)
    dau = a.get("dau")
    retention = a.get("retention_days")
    parts = [
        f"{name} is a {arch.name.lower()}"
        + (f" for {dau.display} daily active users" if dau and dau.value >= MACHINE_DAU else "")
        + f": {display.count(scope.value('writes_per_day'))} new {wn} a day "
        f"({display.rate(scope.value('write_qps_avg'))} average, "
        f"{display.rate(scope.value('write_qps_peak'))} peak) and "
        f"{display.count(scope.value('reads_per_day'))} {rn} a day "
        f"({display.rate(scope.value('read_qps_peak'))} at peak)",
        f"it stores {display.size(scope.value('storage_per_month'))} of new content a month, "
        f"{display.size(scope.value('storage_total'))} over "
        f"{retention.display if retention else 'its retention'}",
    ]
    targets = []
    if (nfr := scope.nfr("availability")) and nfr.target is not None:
        targets.append(f"{display.percent(nfr.target)} available")
    if (nfr := scope.nfr("latency_p99")) and nfr.target is not None:
        targets.append(f"p99 under {display.duration(nfr.target)}")
    if (nfr := scope.nfr("budget")) and nfr.target is not None:
        targets.append(f"budget {display.money(nfr.target)}/month")
    if targets:
        parts.append("targets: " + ", ".join(targets))
    regions = a.get("regions")
    if regions is not None and regions.value > 1:
        parts.append(f"it runs active-active in {display.count(regions.value)} regions")
    if scope.preferences:
        parts.append("the requirements ask for " + ", ".join(scope.preferences))
    stated_count = sum(1 for x in a.items if x.provenance == "stated")
    parts.append(
        f"{stated_count} input{' was' if stated_count == 1 else 's were'} stated, the rest "
        "assumed (see open questions)"
    )
    return "; ".join(parts) + "."


def _with_requested_capabilities(
    c: Classification, req: Requirements, kb: KnowledgeBase, warnings: list[str]
) -> Classification:
    """Capabilities named in the front matter (`capabilities: [search]`, e.g. from a change
    request) are added to the ones the text revealed."""
    raw = req.front_matter.get("capabilities") or []
    wanted = [raw] if isinstance(raw, str) else [str(x) for x in raw]
    added = [x for x in wanted if x in kb.capabilities and x not in c.capabilities]
    unknown = [x for x in wanted if x not in kb.capabilities]
    if unknown:
        warnings.append(
            f"Front matter names unknown capabilities ({', '.join(unknown)}); they were ignored."
        )
    if not added:
        return c
    return replace(
        c,
        capabilities=[*c.capabilities, *added],
        detected_capabilities=[*c.detected_capabilities, *added],
    )


def _add_multi_region(assumptions: AssumptionSet, text: str) -> None:
    """ "multi-region" without a number: two active regions, the smallest such deployment."""
    if assumptions.get("regions") is not None:
        return
    phrase = multi_region_phrase(text)
    if phrase is None:
        return
    assumptions.add(
        "regions",
        "regions served",
        2.0,
        "count",
        "2",
        "assumed",
        f'the text asks for "{phrase}" without a number; two active regions is the smallest '
        "multi-region deployment",
    )


def scope_requirements(req: Requirements, kb: KnowledgeBase) -> Scope:
    """Turn the requirements into a Scope: archetype, capabilities, FRs, NFRs as metrics,
    stated/assumed inputs and the capacity chain.

    Raises ImplausibleNumberError when a stated number is impossible.
    """
    warnings: list[str] = []
    injections = find_injections(req.text)
    text = without_lines(req.text, [i.line for i in injections])
    for inj in injections:
        warnings.append(
            f'Line {inj.line} addresses a language model ("{inj.text}"); it was treated as '
            "data and not followed."
        )
    title = req.title or ""
    quantities = extract_quantities(text)
    c = classify(kb, text, title, [(q.start, q.end) for q in quantities])
    c = _with_requested_capabilities(c, req, kb, warnings)
    if c.score == 0:
        warnings.append(
            f"No archetype matched the text; designing from the closest one, {c.archetype.name} "
            f"({c.reason})."
        )
    stated = gather_stated(req, c.archetype, quantities)
    warnings.extend(stated.warnings)
    assumptions = build_assumptions(stated, c, forever=asks_forever(text))
    _add_multi_region(assumptions, text)
    preferences = stated_preferences(req.front_matter, text, kb, warnings)
    estimates = capacity_chain(assumptions, c.archetype.write_noun, c.archetype.read_noun)
    functional = functional_requirements(c.archetype, c.capabilities, kb, text)
    nfrs = non_functional_requirements(
        c.archetype, c.capabilities, stated, assumptions, estimates, text
    )
    name = _system_name(req, text, c)
    scope = Scope(
        system_name=name,
        summary="",
        archetype=c.archetype.id,
        archetype_score=c.score,
        capabilities=c.capabilities,
        functional=functional,
        non_functional=nfrs,
        assumptions=assumptions.items,
        estimates=estimates,
        non_goals=non_goals(c.archetype, stated_non_goals(text)),
        open_questions=open_questions(c.archetype, assumptions, nfrs, stated),
        warnings=warnings,
        preferences=preferences,
    )
    scope.summary = _summary(name, c, assumptions, scope)
    return scope


__all__ = ["scope_requirements"]
