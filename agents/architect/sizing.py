"""Instance counts from the peak load, storage and availability target (contract formula).

instances = max(ceil(peak_load / (per_node_ops * 0.7)),      # the role's per-node work
                ceil(stored * replication / (per_node_storage * 0.7)),  # storage-bound
                redundancy_min)                                         # 1 / 2 / 3 by target
Each component records the formula with its numbers in `sizing`, and the estimate names that
sized it in `estimates`, so the sizing can be recomputed after a revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..artefacts import Component
from ..kb import ComponentTemplate, TechOption
from ..kb.roles import (
    cached_record_share,
    dedicated_estimates,
    load_share,
    role_capacity,
    role_template,
)
from ._common import (
    ENTRY_KINDS,
    NODE_AVAILABILITY,
    NODELESS_KINDS,
    SINGLE_PRIMARY_KINDS,
    STORE_KINDS,
    UTILISATION,
    Ctx,
    ceil_div,
    fmt_bytes,
    fmt_num,
    fmt_percent,
    fmt_rate,
)

# Which peak estimates size a component, by the template's `load` word.
LOAD_ESTIMATES: dict[str, list[str]] = {
    "read": ["read_qps_peak"],
    "write": ["write_qps_peak"],
    "total": ["read_qps_peak", "write_qps_peak"],
    "fanout": ["fanout_writes_per_sec"],
    "stream": ["write_qps_peak"],
    "media": ["write_qps_peak"],  # × media_share unless the scope estimates media uploads
    "notify": ["write_qps_peak"],  # unless the scope estimates notifications
    "storage": [],
    "none": [],
}
CONNECTION_ESTIMATE = "concurrent_connections"
QUORUM_NODES = 3  # the smallest majority quorum that survives one node loss


def load_estimates(kind: str, load: str, ctx: Ctx) -> list[str]:
    """Names of the estimates whose sum is the peak load of a component."""
    if kind == "websocket_gateway" and ctx.has(CONNECTION_ESTIMATE):
        return [CONNECTION_ESTIMATE]  # connections, not messages, bound a gateway node
    if kind in ("load_balancer", "api_gateway", "service") and load in ("write", "read"):
        load = "total"  # every request crosses the entry and the service tier
    dedicated = dedicated_estimates(load, _rate_names(ctx))
    names = dedicated if dedicated is not None else LOAD_ESTIMATES.get(load, ["write_qps_peak"])
    if names == ["fanout_writes_per_sec"] and not ctx.has("fanout_writes_per_sec"):
        names = ["write_qps_peak"]
    return [n for n in names if ctx.has(n)]


def storage_estimates(
    kind: str, ctx: Ctx, holds_main_data: bool, load: str = "read", holds_media: bool = False
) -> list[str]:
    """Names of the byte estimates a component stores (read caches: the hot set)."""
    if kind == "cache":
        return ["cache_memory"] if ctx.has("cache_memory") and load == "read" else []
    if kind == "object_store":
        names = ["storage_total"] if holds_main_data and ctx.has("storage_total") else []
        media = [n for n in ("media_storage_total", "media_storage_per_day") if ctx.has(n)]
        # the uploads that carry media, when the scope estimates them, bill the store's PUTs
        # one upload rate, the average when estimated: bills are on average traffic
        rates = [n for n in _rate_names(ctx) if "media_upload" in n]
        uploads = ([n for n in rates if "peak" not in n] or rates)[:1]
        return names + media[:1] + uploads if holds_media else names
    if kind in STORE_KINDS and holds_main_data and ctx.has("storage_total"):
        return ["storage_total"]
    return []


def default_replication(kind: str, stateful: bool, kb_replication: int) -> int:
    """3 copies for stateful stores, 2 for caches (primary + replica), 1 for stateless tiers."""
    if kind == "cache":
        return 2
    if not stateful:
        return 1
    if kind in STORE_KINDS or kind in ("queue", "coordination"):
        return max(kb_replication, 3)
    return max(kb_replication, 1)  # object stores replicate inside the service


@dataclass
class SizingResult:
    instances: int
    sizing: str
    utilisation: float  # peak load / (instances * per_node_ops); 0 when not load-bound


def _rate_names(ctx: Ctx) -> list[str]:
    return [e.name for e in ctx.scope.estimates if e.unit == "req/s"]


def _is_average(ctx: Ctx, name: str) -> bool:
    """An average rate (a stated event rate), which sizes nodes only times the peak factor."""
    est = ctx.scope.estimate(name)
    return (
        est is not None
        and est.unit == "req/s"
        and ("avg" in name or "average" in est.label.lower())
        and ctx.value("peak_factor") > 1
    )


def role_of(comp: Component, ctx: Ctx) -> ComponentTemplate | None:
    """The archetype/capability template `comp` was built from (by its role id), if any."""
    caps = [c.id for c in ctx.capabilities]
    return role_template(ctx.kb, ctx.archetype_key, caps, comp.id, comp.kind)


@dataclass(frozen=True)
class RoleLoad:
    """The peak load on a component as sizing sees it, with its written-out formula."""

    value: float
    text: str  # '27,778/s × 0.05 media_share' or '(55,556/s + 27,778/s)'


def role_load(comp: Component, ctx: Ctx, names: list[str] | None = None) -> RoleLoad:
    """Peak load of `comp` from its cited rate estimates: averages × peak_factor, and × the
    role's share of the writes (media roles handle only the writes that carry media)."""
    if names is None:
        byte_names = set(_byte_names(ctx, comp.estimates))
        names = [n for n in comp.estimates if n not in byte_names]
    if not names:
        return RoleLoad(0.0, "")
    unit = " conn" if names == [CONNECTION_ESTIMATE] else "/s"
    values: list[float] = []
    parts: list[str] = []
    for name in names:
        value = ctx.value(name)
        if _is_average(ctx, name):
            factor = ctx.value("peak_factor")
            values.append(value * factor)
            parts.append(f"{fmt_num(value)}{unit} × {fmt_num(factor)} peak_factor")
        else:
            values.append(value)
            parts.append(f"{fmt_num(value)}{unit}")
    total = sum(values)
    text = parts[0] if len(parts) == 1 else "(" + " + ".join(parts) + ")"
    share, share_name = load_share(role_of(comp, ctx), names, ctx.has, ctx.value)
    if share_name is not None:
        total *= share
        text = f"{text} × {fmt_num(share)} {share_name}"
    return RoleLoad(total, text)


def serverless(option: TechOption | None) -> bool:
    """Billed per request with no nodes to run (DynamoDB, S3, SQS, Lambda...)."""
    return bool(option and option.managed and option.instance_class == "serverless")


def node_capacity(comp: Component, option: TechOption | None, ctx: Ctx) -> float:
    """What one node of `comp` sustains: the role's own ops_per_node when its template sets
    one (transcoding, image resizing, a matching engine), else the catalogue option's figure
    (connections for a connection-bound gateway)."""
    names = [n for n in comp.estimates if n not in set(_byte_names(ctx, comp.estimates))]
    connections = names == [CONNECTION_ESTIMATE]
    return role_capacity(role_of(comp, ctx), option, connections).per_node


def size_component(
    comp: Component, option: TechOption | None, ctx: Ctx, floor: int = 0, floor_note: str = ""
) -> SizingResult:
    """Instances of `comp` from its estimates, its per-node capacity and the target."""
    byte_names = _byte_names(ctx, comp.estimates)
    load_names = [n for n in comp.estimates if n not in byte_names]
    connections = load_names == [CONNECTION_ESTIMATE]
    capacity = role_capacity(role_of(comp, ctx), option, connections)
    per_node_ops = capacity.per_node
    unit = " conn" if connections else "/s"
    per_node_text = capacity.label(comp.id, unit)
    bought = comp.kind in NODELESS_KINDS and (option is None or option.managed)
    if bought or serverless(option):
        scale = ", ".join(f"{n} = {ctx.display(n)}" for n in comp.estimates) or "demand"
        units = ""
        if load_names and per_node_ops > 0 and comp.kind not in NODELESS_KINDS:
            load = role_load(comp, ctx, load_names)
            need = ceil_div(load.value, per_node_ops * UTILISATION)
            units = (
                f"; ⌈{load.text} ÷ ({per_node_text} × {UTILISATION})⌉ = {need} "
                "capacity units at peak"
            )
        return SizingResult(
            0, f"managed, no nodes to run (billed per request/GB); scales with {scale}{units}", 0.0
        )
    terms: list[tuple[int, str]] = []
    load_value = 0.0
    if load_names and per_node_ops > 0:
        load = role_load(comp, ctx, load_names)
        load_value = load.value
        need = ceil_div(load.value, per_node_ops * UTILISATION)
        terms.append((need, f"⌈{load.text} ÷ ({per_node_text} × {UTILISATION})⌉ = {need}"))
    per_node_gb = option.per_node_storage_gb if option else None
    if byte_names and per_node_gb:
        stored = sum(ctx.value(n) for n in byte_names)
        share = cache_share(comp, ctx)
        shown = fmt_bytes(stored)
        if share < 1:  # a record cache of blob metadata: the blobs are in the object store
            shown = f"{shown} × {share:.2g} metadata share"
            stored *= share
        # disks and memory, like CPUs, stay at most 70% full (the reviewer's headroom)
        need = ceil_div(stored * comp.replication, per_node_gb * 1e9 * UTILISATION)
        disk = f"({fmt_num(per_node_gb)} GB × {UTILISATION})"
        terms.append((need, f"⌈{shown} × {comp.replication} ÷ {disk}⌉ = {need}"))
    if (
        comp.kind in ENTRY_KINDS
        and option is not None
        and option.managed
        and ("multi_az" in option.features)
    ):  # one managed balancer already spans the zones
        terms.append((1, "1 managed across zones"))
    else:
        terms.append((ctx.redundancy, f"{ctx.redundancy} for {fmt_percent(ctx.availability_pct)}%"))
    if comp.stateful and comp.kind not in SINGLE_PRIMARY_KINDS and comp.replication > 1:
        terms.append((comp.replication, f"{comp.replication} for RF {comp.replication}"))
    if comp.stateful and "quorum" in comp.features and comp.kind != "cache":
        terms.append((QUORUM_NODES, f"{QUORUM_NODES} for a majority quorum"))
    if floor > max(n for n, _ in terms):
        terms.append((floor, f"{floor} {floor_note or 'after review'}".strip()))
    instances = max(n for n, _ in terms)
    body = terms[0][1] if len(terms) == 1 else "max(" + ", ".join(t for _, t in terms) + ")"
    sizing = (
        body if len(terms) == 1 and body.endswith(f"= {instances}") else (f"{body} = {instances}")
    )
    utilisation = load_value / (instances * per_node_ops) if load_value and per_node_ops else 0.0
    return SizingResult(instances, sizing, round(utilisation, 3))


def cache_share(comp: Component, ctx: Ctx) -> float:
    """Share of cache_memory a cache holds: only the records' metadata when the objects are
    blobs kept in an object store (object_bytes >= 100 KB), else all of it."""
    if comp.kind != "cache" or "cache_memory" not in comp.estimates:
        return 1.0
    return cached_record_share(ctx.value("object_bytes"), ctx.value("metadata_bytes"))


def _byte_names(ctx: Ctx, names: list[str]) -> list[str]:
    out = []
    for n in names:
        est = ctx.scope.estimate(n)
        if est is not None and est.unit == "bytes":
            out.append(n)
    return out


def availability(comp: Component, option: TechOption | None) -> float:
    """managed => the service's designed availability (catalogue sla_pct); stateless or
    automatic failover => 1 - (1 - 0.995)^n; else one node."""
    if (comp.managed or comp.instances == 0) and option is not None and option.sla_pct:
        return option.sla_pct / 100
    if comp.instances == 0:
        return 0.9999  # managed without a stated SLA
    if not comp.stateful or "automatic_failover" in comp.features:
        return 1 - (1 - NODE_AVAILABILITY) ** comp.instances
    return NODE_AVAILABILITY


def _role_estimates(comp: Component, ctx: Ctx) -> list[str] | None:
    """A service role that states its own per-node work is sized by its own load word (an id
    generator sees the writes only), not promoted to all traffic like the API tier."""
    template = role_of(comp, ctx)
    if (
        template is None
        or not template.ops_per_node
        or comp.kind != "service"
        or template.load not in ("read", "write")
    ):
        return None
    names = [n for n in LOAD_ESTIMATES[template.load] if ctx.has(n)]
    return names + _byte_names(ctx, comp.estimates) if names else None


def apply_sizing(
    comp: Component, option: TechOption | None, ctx: Ctx, floor: int = 0, floor_note: str = ""
) -> SizingResult:
    """Set instances, sizing, replication bound and availability on `comp` in place."""
    own = _role_estimates(comp, ctx)
    if own is not None:
        comp.estimates = own
    result = size_component(comp, option, ctx, floor, floor_note)
    comp.instances = result.instances
    comp.sizing = result.sizing
    if comp.kind in SINGLE_PRIMARY_KINDS and comp.instances > 0:
        # primary + replicas: no more copies than nodes
        comp.replication = max(1, min(comp.replication, comp.instances))
    comp.availability = round(availability(comp, option), 9)
    return result


def peak_load(comp: Component, ctx: Ctx) -> float:
    """The peak load (req/s or connections) that sizes `comp`; 0 when none."""
    return role_load(comp, ctx).value


def describe_load(comp: Component, ctx: Ctx) -> str:
    """'read_qps_peak = 11,574/s' for prose ('write_qps_peak × media_share = 1,389/s')."""
    load = peak_load(comp, ctx)
    names = [n for n in comp.estimates if n not in set(_byte_names(ctx, comp.estimates))]
    if not names:
        return "no request load"
    unit = " connections" if names == [CONNECTION_ESTIMATE] else "/s"
    shown = [f"{n} × peak_factor" if _is_average(ctx, n) else n for n in names]
    label = " + ".join(shown)
    _, share_name = load_share(role_of(comp, ctx), names, ctx.has, ctx.value)
    if share_name is not None:
        label = f"{label} × {share_name}" if len(shown) == 1 else f"({label}) × {share_name}"
    return f"{label} = {fmt_num(load)}{unit}" if unit != "/s" else f"{label} = {fmt_rate(load)}"
