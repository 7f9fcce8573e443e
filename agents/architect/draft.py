"""draft_architecture: Scope + knowledge base -> a first, reviewable Architecture.

The draft is plausible but deliberately not hardened: it carries what the chosen technologies
provide out of the box plus the basics (TLS at the entry, retries on store calls, autoscaling
of the service tier); the reviewer finds the missing mechanisms and revise_architecture adds them.
"""

from __future__ import annotations

from ..artefacts import Architecture, Component, Decision, Entity, Scope
from ..kb import KnowledgeBase, TechOption
from ._common import ENTRY_KINDS, PRIMARY_STORE_KINDS, STORE_KINDS, Ctx, option_for
from .api_data import build_endpoints, build_entities, relations_per_store
from .decisions import DECIDED_KINDS, DecisionInput, decide
from .deep_dives import build_deep_dives
from .flows import build_flows
from .multi_region import draft_regions, refresh_regions
from .qualities import (
    build_maintainability,
    build_observability,
    build_patterns,
    build_security,
)
from .resilience import build_failure_modes, build_scaling
from .select import Plan, plan_components
from .sizing import (
    apply_sizing,
    default_replication,
    describe_load,
    load_estimates,
    peak_load,
    storage_estimates,
)
from .sizing import (
    availability as component_availability,
)
from .topology import add_link_features, build_links


def nfr_serves(ctx: Ctx, comp: Component) -> list[str]:
    """NFR ids a component carries: availability on the main path, latency on the request
    path, throughput where a load sizes it, durability and retention where data lives."""
    kind = comp.kind
    metrics: list[str] = []
    if kind not in ("worker", "data_warehouse", "batch_compute", "scheduler"):
        metrics.append("availability")
    if kind in (
        *ENTRY_KINDS,
        "service",
        "cache",
        "cdn",
        "websocket_gateway",
        *PRIMARY_STORE_KINDS,
        "search_index",
    ):
        metrics.append("latency_p99")
    if any(
        n.endswith(("_peak", "_per_sec")) or n == "concurrent_connections" for n in comp.estimates
    ):
        metrics.append("throughput")
    if (comp.stateful and kind != "cache") or kind == "object_store":
        metrics += ["durability", "retention"]
    if kind in PRIMARY_STORE_KINDS:
        metrics.append("consistency")
    return ctx.nfr_ids(*metrics)


def _base_features(comp: Component, option: TechOption | None) -> list[str]:
    features = list(option.features) if option else []
    if comp.kind in ENTRY_KINDS:
        features.append("tls")
    if comp.kind in ("service", "worker"):
        features.append("autoscaling")
    return list(dict.fromkeys(features))


def _record(
    decisions: list[Decision],
    decision: Decision,
    option: TechOption,
    options: list[TechOption],
    component_id: str,
) -> TechOption:
    """Keep one decision per distinct choice: a component of the same kind with the same
    weights joins the earlier decision instead of repeating its table."""
    weights = [(c.name, c.weight) for c in decision.criteria]
    for earlier in decisions:
        same_kind = any(o.name == earlier.chosen for o in options)
        if same_kind and [(c.name, c.weight) for c in earlier.criteria] == weights:
            earlier.topic += f", {component_id}"
            earlier.rationale += f" Also applies to {component_id} (same weights)."
            return next(o for o in options if o.name == earlier.chosen)
    decisions.append(decision)
    return option


def _build_component(
    ctx: Ctx, plan: Plan, relations: dict[str, int], decisions: list[Decision]
) -> Component:
    kind_info = ctx.kb.kinds.get(plan.kind)
    stateful = kind_info.stateful if kind_info else plan.kind in STORE_KINDS
    estimates = load_estimates(plan.kind, plan.load, ctx) + storage_estimates(
        plan.kind, ctx, plan.holds_main_data, plan.load, plan.holds_media
    )
    responsibility = plan.responsibility + (f" Why here: {plan.reason}." if plan.reason else "")
    comp = Component(
        id=plan.id,
        name=plan.name,
        kind=plan.kind,
        technology=plan.kind,
        responsibility=responsibility,
        instances=1,
        sizing="",
        stateful=stateful,
        replication=default_replication(
            plan.kind, stateful, kind_info.replication if kind_info else 1
        ),
        serves=list(plan.serves),
        estimates=estimates,
    )
    option: TechOption | None = None
    if kind_info and kind_info.options:
        # a technology the requirements ask for replaces the kind's default
        option = ctx.preferred_option(plan.kind) or kind_info.options[0]
        if plan.kind in DECIDED_KINDS and len(kind_info.options) >= 2:
            load = peak_load(comp, ctx)
            storage = sum(
                ctx.value(n)
                for n in estimates
                if n in ("storage_total", "media_storage_per_day", "cache_memory")
            )
            decision, option = decide(
                DecisionInput(
                    component_id=plan.id,
                    component_name=plan.name,
                    kind=plan.kind,
                    load=load,
                    load_desc=describe_load(comp, ctx),
                    relations=relations.get(plan.id, 0),
                    storage_bytes=storage,
                ),
                kind_info.options,
                ctx,
                f"D-{len(decisions) + 1}",
            )
            option = _record(decisions, decision, option, kind_info.options, plan.id)
        comp.technology = option.name
        comp.managed = option.managed
    comp.features = _base_features(comp, option)
    apply_sizing(comp, option, ctx)
    comp.serves = list(dict.fromkeys([*comp.serves, *nfr_serves(ctx, comp)]))
    return comp


def _partition_keys(entities: list[Entity]) -> dict[str, str]:
    """Component id -> partition key of the first entity it holds."""
    keys: dict[str, str] = {}
    for ent in entities:
        if ent.partition_key and ent.store not in keys:
            keys[ent.store] = ent.partition_key
    return keys


def refresh_derived(arch: Architecture, ctx: Ctx, kb: KnowledgeBase) -> None:
    """Recompute what follows from the components: availability, failure modes, scaling,
    SLIs/SLOs/dashboards (keeping the alerts), security/maintainability lists, patterns."""
    for comp in arch.components:
        comp.availability = round(component_availability(comp, option_for(kb, comp)), 9)
    alerts = arch.observability.alerts if arch.observability else []
    arch.failure_modes = build_failure_modes(ctx, arch.components, arch.links, kb)
    arch.scaling = build_scaling(
        ctx, arch.components, kb, _partition_keys(arch.entities), arch.regions
    )
    arch.observability = build_observability(ctx, arch.components, arch.endpoints)
    arch.observability.alerts = list(alerts)
    arch.patterns = build_patterns(ctx, arch.components, arch.links)
    refresh_regions(arch, ctx.availability_pct)


def draft_architecture(scope: Scope, kb: KnowledgeBase) -> Architecture:
    """The first design for `scope`: components, links, API, data model, flows, decisions,
    deep dives and qualities, every number computed from the scope's estimates."""
    ctx = Ctx.build(scope, kb)
    plans, remap = plan_components(ctx)
    entities = build_entities(ctx, plans, remap)
    endpoints = build_endpoints(ctx, plans)
    relations = relations_per_store(entities)
    decisions: list[Decision] = []
    comps = [_build_component(ctx, plan, relations, decisions) for plan in plans]
    links = build_links(ctx, plans, comps)
    add_link_features(comps, links)
    arch = Architecture(
        components=comps,
        links=links,
        endpoints=endpoints,
        entities=entities,
        flows=build_flows(ctx, comps, links, endpoints, entities),
        decisions=decisions,
        deep_dives=build_deep_dives(ctx, comps),
        failure_modes=[],
        security=build_security(ctx, comps, endpoints, entities),
        maintainability=build_maintainability(ctx, comps, links, endpoints),
    )
    draft_regions(arch, ctx, kb)
    refresh_derived(arch, ctx, kb)
    return arch
