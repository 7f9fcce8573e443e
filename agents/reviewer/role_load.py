"""The load and per-node capacity of a component as its role sees them.

A component built from a knowledge-base role template may do much heavier or lighter work per
request than its kind's catalogue figure (a transcoder handles 0.005 uploads/s, a fan-out
worker 20,000 deliveries/s), and a media role carries only the writes that hold media. The
architect sizes with these figures (`agents.architect.sizing`); the reviewer checks headroom
against the same ones, so a correctly sized role is not flagged and a shrunk one is.
"""

from __future__ import annotations

from ..artefacts import Component, Scope
from ..cost.load import Figure, per_node_capacity
from ..kb import ComponentTemplate, TechOption
from ..kb.roles import cached_record_share, load_share, role_capacity, role_template
from .context import ReviewContext


def _has(scope: Scope, name: str) -> bool:
    return scope.estimate(name) is not None or any(a.name == name for a in scope.assumptions)


def template_of(ctx: ReviewContext, comp: Component) -> ComponentTemplate | None:
    """The archetype/capability template `comp` was built from, by its role id."""
    return role_template(ctx.kb, ctx.scope.archetype, ctx.scope.capabilities, comp.id, comp.kind)


def role_peak(ctx: ReviewContext, comp: Component) -> Figure:
    """Peak load on `comp`: its cited estimates, times the role's share of the writes."""
    load = ctx.peak(comp)
    if not load.known:
        return load
    scope = ctx.scope
    share, name = load_share(
        template_of(ctx, comp),
        comp.estimates,
        lambda n: _has(scope, n),
        lambda n: scope.value(n, 0.0),
    )
    if name is None:
        return load
    return Figure(
        load.value * share, f"({load.formula}) * {name}", {**load.inputs, name: share}, load.unit
    )


def role_per_node(
    ctx: ReviewContext, comp: Component, option: TechOption, load: Figure | None = None
) -> float:
    """What one node of `comp` sustains: the role's ops_per_node, else the catalogue's."""
    load = load if load is not None else ctx.peak(comp)
    template = template_of(ctx, comp)
    if template is not None and template.ops_per_node and load.unit != " connections":
        return role_capacity(template, option).per_node
    return per_node_capacity(option, load)


def cached_bytes(ctx: ReviewContext, comp: Component, held: Figure | None) -> Figure | None:
    """What a cache keeps per copy: its hot set, only the metadata share of it when the
    objects are blobs kept in an object store (the architect sizes it the same way)."""
    if held is None or comp.kind != "cache":
        return held
    scope = ctx.scope
    object_bytes = scope.value("object_bytes", 0.0)
    metadata_bytes = scope.value("metadata_bytes", 0.0)
    share = cached_record_share(object_bytes, metadata_bytes)
    if share >= 1:
        return held
    return Figure(
        held.value * share,
        f"{held.formula} × metadata_bytes / (object_bytes + metadata_bytes)",
        {**held.inputs, "object_bytes": object_bytes, "metadata_bytes": metadata_bytes},
        held.unit,
    )
