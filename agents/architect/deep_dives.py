"""Deep dives: the hard parts of this system, from the archetype's and capabilities' deep-dive
templates (most important first), with the scope's numbers filled in."""

from __future__ import annotations

from ..artefacts import Component, DeepDive
from ..kb import DeepDiveTemplate
from ._common import Ctx
from .api_data import fill

MIN_DEEP_DIVES = 2
MAX_DEEP_DIVES = 4
MAX_COMPONENTS = 4


def deep_dive_ids(ctx: Ctx, comps: list[Component]) -> list[str]:
    """Template ids in priority order: archetype, capabilities, then by component overlap."""
    ordered: list[str] = []
    sources = [ctx.archetype.deep_dives] if ctx.archetype else []
    sources += [c.deep_dives for c in ctx.capabilities]
    for ids in sources:
        for dd_id in ids:
            if dd_id in ctx.kb.deep_dives and dd_id not in ordered:
                ordered.append(dd_id)
    if len(ordered) < MIN_DEEP_DIVES:  # fill from the kinds this design actually has
        kinds = {c.kind for c in comps}
        scored = sorted(
            (t for t in ctx.kb.deep_dives.values() if t.id not in ordered),
            key=lambda t: (-len(kinds & set(t.component_kinds)), t.id),
        )
        ordered += [t.id for t in scored if kinds & set(t.component_kinds)][
            : MIN_DEEP_DIVES - len(ordered)
        ]
    return ordered[:MAX_DEEP_DIVES]


def _origin_frs(ctx: Ctx, dd_id: str) -> set[str]:
    """FR ids of the archetype/capabilities that list this deep dive."""
    frs: set[str] = set()
    if ctx.archetype is not None and dd_id in ctx.archetype.deep_dives:
        frs |= set(ctx.fr_for(ctx.archetype.id, None))
    for cap in ctx.capabilities:
        if dd_id in cap.deep_dives:
            frs |= set(ctx.fr_for(cap.id, None))
    return frs


def _here(
    template: DeepDiveTemplate, comps: list[Component], frs: set[str]
) -> tuple[list[str], str]:
    of_kind = [c for c in comps if c.kind in template.component_kinds]
    # components serving the FRs that brought the deep dive first, then those on the
    # fan-out path, then the rest of the kinds named; at most MAX_COMPONENTS
    ranked = sorted(
        of_kind,
        key=lambda c: (not frs & set(c.serves), not any("fanout" in n for n in c.estimates)),
    )
    matching = [c for c in ranked if frs & set(c.serves)]
    involved = (matching or ranked)[:MAX_COMPONENTS]
    if not involved:
        involved = [c for c in comps if c.kind == "service"][:1]
    parts = [
        f"{c.name} ({c.technology}, {c.instances or 'managed'}{' nodes' if c.instances else ''})"
        for c in involved[:3]
    ]
    return [c.id for c in involved], ("In this design: " + "; ".join(parts) + ".") if parts else ""


def build_deep_dives(ctx: Ctx, comps: list[Component]) -> list[DeepDive]:
    out: list[DeepDive] = []
    for dd_id in deep_dive_ids(ctx, comps):
        t = ctx.kb.deep_dives[dd_id]
        ids, here = _here(t, comps, _origin_frs(ctx, dd_id))
        mechanism = fill(t.mechanism, ctx, keep_unknown=False)
        out.append(
            DeepDive(
                id=t.id,
                title=fill(t.title, ctx, keep_unknown=False),
                problem=fill(t.problem, ctx, keep_unknown=False),
                mechanism=f"{mechanism} {here}".strip(),
                options=[fill(o, ctx, keep_unknown=False) for o in t.options],
                tradeoff=fill(t.tradeoff, ctx, keep_unknown=False),
                failure_modes=[fill(f, ctx, keep_unknown=False) for f in t.failure_modes],
                components=ids,
            )
        )
    return out
