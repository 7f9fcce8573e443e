"""Which components the system needs: the archetype's and capabilities' templates, then rules
on the numbers (entry, service tier, cache, CDN, object store, queue + workers, store kind)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kb import ComponentTemplate, EndpointTemplate, EntityTemplate
from ._common import PRIMARY_STORE_KINDS, Ctx, fmt_bytes, fmt_num, fmt_rate
from .store_kind import choose_store_kind, main_store_role

READ_HEAVY_RATIO = 5.0  # reads per write from which a cache pays off
READ_HEAVY_QPS = 2_000.0  # or this many reads/s at peak
CDN_EGRESS_BYTES = 50e6  # egress (bytes/s) from which a CDN pays off
BLOB_BYTES = 100e3  # objects this large belong in an object store


@dataclass
class Plan:
    """A component to build, before technology and sizing."""

    id: str
    kind: str
    name: str
    responsibility: str
    load: str = "write"
    origins: list[str] = field(default_factory=list)
    links_from: list[str] = field(default_factory=list)
    link_label: str = ""
    async_link: bool = False
    main_path: bool = True  # False: links to and from it are off the critical path
    reason: str = ""
    serves: list[str] = field(default_factory=list)
    holds_main_data: bool = False
    holds_media: bool = False


def templates(ctx: Ctx) -> list[tuple[str, ComponentTemplate]]:
    out: list[tuple[str, ComponentTemplate]] = []
    if ctx.archetype is not None:
        out += [(ctx.archetype.id, t) for t in ctx.archetype.components]
    for cap in ctx.capabilities:
        out += [(cap.id, t) for t in cap.components]
    return out


def endpoint_templates(ctx: Ctx) -> list[tuple[str, EndpointTemplate]]:
    out: list[tuple[str, EndpointTemplate]] = []
    if ctx.archetype is not None:
        out += [(ctx.archetype.id, e) for e in ctx.archetype.endpoints]
    for cap in ctx.capabilities:
        out += [(cap.id, e) for e in cap.endpoints]
    return out


def entity_templates(ctx: Ctx) -> list[tuple[str, EntityTemplate]]:
    out: list[tuple[str, EntityTemplate]] = []
    seen: set[str] = set()
    sources = [(ctx.archetype.id, ctx.archetype.entities)] if ctx.archetype else []
    sources += [(c.id, c.entities) for c in ctx.capabilities]
    for origin, ents in sources:
        for ent in ents:
            if ent.name not in seen:
                seen.add(ent.name)
                out.append((origin, ent))
    return out


def read_write_frs(ctx: Ctx) -> tuple[list[str], list[str]]:
    """FR ids served by read endpoints (GET) and by write endpoints (everything else)."""
    reads: list[str] = []
    writes: list[str] = []
    for origin, ep in endpoint_templates(ctx):
        target = reads if ep.method.upper() == "GET" else writes
        for fr in ctx.fr_for(origin, ep.fr) if ep.fr is not None else []:
            if fr not in target:
                target.append(fr)
    return reads, writes


def _add(plans: list[Plan], plan: Plan) -> Plan:
    taken = {p.id for p in plans}
    base, n = plan.id, 2
    while plan.id in taken:
        plan.id, n = f"{base}_{n}", n + 1
    plans.append(plan)
    return plan


def _first(plans: list[Plan], *kinds: str) -> Plan | None:
    return next((p for p in plans if p.kind in kinds), None)


def plan_components(ctx: Ctx) -> tuple[list[Plan], dict[str, str]]:
    """The component plans and the store-kind remapping {template kind: chosen kind}."""
    plans: list[Plan] = []
    remap: dict[str, str] = {}
    by_role: dict[str, Plan] = {}
    main_role = main_store_role(ctx)
    for origin, t in templates(ctx):
        if t.role in by_role:  # the same role from two origins serves both
            if origin not in by_role[t.role].origins:
                by_role[t.role].origins.append(origin)
            continue
        main = origin == ctx.archetype_key and t.role == main_role
        kind, reason = choose_store_kind(t.kind, ctx, t.load, main=main)
        if kind != t.kind:
            remap[t.kind] = kind
        plan = _add(
            plans,
            Plan(
                id=t.role,
                kind=kind,
                name=t.name,
                responsibility=t.responsibility,
                load=t.load,
                origins=[origin],
                links_from=list(t.links_from),
                link_label=t.link_label,
                async_link=t.async_link,
                main_path=t.main_path,
                reason=reason,
                # an object store holds the main data when the archetype puts it there or
                # when the written objects are blobs; media stores hold the media estimates
                holds_main_data=t.load == "storage"
                and (
                    t.kind != "object_store"
                    or origin == ctx.archetype_key
                    or ctx.value("object_bytes") >= BLOB_BYTES
                ),
            ),
        )
        by_role[t.role] = plan
    _add_rule_components(ctx, plans)
    _add_entity_stores(ctx, plans, remap)
    _mark_main_store(ctx, plans, remap)
    _mark_media_store(ctx, plans)
    _assign_frs(ctx, plans)
    return plans, remap


def _add_rule_components(ctx: Ctx, plans: list[Plan]) -> None:
    system = ctx.scope.system_name
    arche = ctx.archetype_key
    all_origins = [arche, *(c.id for c in ctx.capabilities)]
    if not any(p.kind == "service" and arche in p.origins for p in plans):
        # capability services (key generation, ...) sit behind the system's own API service
        plans.insert(
            0,
            Plan(
                id="api",
                kind="service",
                name=f"{system} API service",
                responsibility="Stateless request handling: validation, ids, "
                "reads and writes against the stores.",
                load="total",
                origins=list(all_origins),
                reason="every request needs a stateless tier that scales horizontally",
            ),
        )
    if _first(plans, "api_gateway", "load_balancer") is None:
        public = [
            p
            for p in plans
            if p.kind == "websocket_gateway" or (p.kind == "service" and arche in p.origins)
        ]
        gateway = len(ctx.capabilities) >= 4 or len(public) >= 2
        kind = "api_gateway" if gateway and "api_gateway" in ctx.kb.kinds else "load_balancer"
        why = (
            (
                f"{len(public)} public services and {len(ctx.capabilities)} capabilities behind "
                "one entry: routing, auth and quotas in one place"
            )
            if kind == "api_gateway"
            else ("one service tier: L7 load balancing and TLS termination suffice")
        )
        plans.insert(
            0,
            Plan(
                id="gateway" if kind == "api_gateway" else "lb",
                kind=kind,
                name="API gateway" if kind == "api_gateway" else "load balancer",
                responsibility="Entry point: TLS termination, routing to the "
                "service tier, health checks.",
                load="total",
                origins=list(all_origins),
                reason=why,
            ),
        )
    read_heavy = ctx.reads_per_write >= READ_HEAVY_RATIO or ctx.read_peak >= READ_HEAVY_QPS
    if read_heavy and _first(plans, "cache") is None and "cache" in ctx.kb.kinds:
        why = (
            f"read-heavy: reads_per_write = {fmt_num(ctx.reads_per_write)}, read_qps_peak = "
            f"{fmt_rate(ctx.read_peak)}; hot set cache_memory = "
            f"{ctx.display('cache_memory')}"
        )
        _add(
            plans,
            Plan(
                id="cache",
                kind="cache",
                name="read cache",
                responsibility="Cache-aside copy of hot records in memory so most "
                "reads skip the store.",
                load="read",
                origins=[arche],
                reason=why,
            ),
        )
    egress = max(ctx.value("media_egress"), ctx.value("egress_bandwidth"))
    if (
        (ctx.media or egress >= CDN_EGRESS_BYTES)
        and _first(plans, "cdn") is None
        and ("cdn" in ctx.kb.kinds)
    ):
        why = f"egress {fmt_bytes(egress)}/s at the edge instead of from our origin"
        _add(
            plans,
            Plan(
                id="cdn",
                kind="cdn",
                name="CDN",
                responsibility="Serves media and static objects from edge caches near the users.",
                load="read",
                origins=[arche],
                reason=why,
            ),
        )
    blobs = ctx.media or ctx.value("object_bytes") >= BLOB_BYTES
    if blobs and _first(plans, "object_store") is None and "object_store" in ctx.kb.kinds:
        why = (
            f"blobs of {ctx.display('object_bytes')} and media "
            f"{ctx.display('media_storage_per_day')}/day do not belong in a database"
        )
        _add(
            plans,
            Plan(
                id="blob_store",
                kind="object_store",
                name="object store",
                responsibility="Stores large objects and media by key; the "
                "database keeps only their metadata.",
                load="storage",
                origins=[arche],
                reason=why,
                holds_main_data=ctx.value("object_bytes") >= BLOB_BYTES,
            ),
        )
    fanout = ctx.value("fanout_writes_per_sec")
    unfed_worker = any(p.kind == "worker" and not p.links_from for p in plans)
    wants_async = fanout > 0 or unfed_worker
    if (
        wants_async
        and _first(plans, "queue", "stream_processor") is None
        and ("queue" in ctx.kb.kinds)
    ):
        why = (
            f"fan-out of {fmt_rate(fanout)} deliveries must not block the write"
            if fanout > 0
            else "asynchronous work leaves the write path"
        )
        _add(
            plans,
            Plan(
                id="event_queue",
                kind="queue",
                name="event queue",
                responsibility="Durable buffer between the write path and the "
                "workers; absorbs bursts.",
                load="fanout" if fanout else "write",
                origins=[arche],
                reason=why,
            ),
        )
    queues = [p for p in plans if p.kind == "queue"]
    consumed = {ref for p in plans for ref in p.links_from}
    unconsumed = [q for q in queues if q.id not in consumed and "queue" not in consumed]
    if unconsumed and _first(plans, "worker") is None:
        _add(
            plans,
            Plan(
                id="workers",
                kind="worker",
                name="async workers",
                responsibility="Consume the queue and do the deferred work "
                "(fan-out, indexing, notifications).",
                load="fanout" if fanout else "write",
                origins=[arche],
                links_from=[unconsumed[0].id],
                async_link=True,
                reason="a queue needs consumers",
            ),
        )
    if (
        ctx.has("concurrent_connections")
        and _first(plans, "websocket_gateway") is None
        and ("websocket_gateway" in ctx.kb.kinds)
    ):
        _add(
            plans,
            Plan(
                id="realtime_gateway",
                kind="websocket_gateway",
                name="websocket gateway",
                responsibility="Holds the clients' "
                "persistent connections and pushes events to them.",
                origins=[arche],
                reason=f"{ctx.display('concurrent_connections')} "
                "concurrent connections need push, not polling",
            ),
        )
    if (
        any("search" in c.id for c in ctx.capabilities)
        and _first(plans, "search_index") is None
        and "search_index" in ctx.kb.kinds
    ):
        _add(
            plans,
            Plan(
                id="search_index",
                kind="search_index",
                name="search index",
                responsibility="Inverted index for full-text queries.",
                load="read",
                origins=[c.id for c in ctx.capabilities if "search" in c.id],
                reason="full-text search cannot run on the primary store",
            ),
        )


def _add_entity_stores(ctx: Ctx, plans: list[Plan], remap: dict[str, str]) -> None:
    """Every entity needs a store of its kind; add one when no template provided it."""
    for origin, ent in entity_templates(ctx):
        kind = store_kind_of(ent.store_kind, plans, remap)
        if _first(plans, kind) is None and kind in ctx.kb.kinds:
            if kind in PRIMARY_STORE_KINDS:
                kind2, reason = choose_store_kind(kind, ctx, main=False)
                if kind2 != kind:
                    remap[kind] = kind2
                    kind = kind2
                    if _first(plans, kind) is not None:
                        continue
            else:
                reason = ""
            _add(
                plans,
                Plan(
                    id=f"{origin}_{kind}" if kind != "sql_db" else f"{origin}_db",
                    kind=kind,
                    name=f"{ent.name} store",
                    responsibility=f"Store of record for {ent.name} records.",
                    load="write",
                    origins=[origin],
                    reason=reason or f"holds the {ent.name} entity",
                ),
            )
    if _first(plans, *PRIMARY_STORE_KINDS) is None:
        kind, reason = choose_store_kind("sql_db", ctx)
        _add(
            plans,
            Plan(
                id="main_db",
                kind=kind,
                name=f"{ctx.scope.system_name} store",
                responsibility="Store of record for the system's data.",
                origins=[ctx.archetype_key],
                reason=reason or "a store of record for the written data",
            ),
        )


def store_kind_of(kind: str, plans: list[Plan], remap: dict[str, str]) -> str:
    """The kind an entity of `kind` lives in: that kind when a store of it exists, else the
    kind its template store was moved to."""
    if any(p.kind == kind for p in plans):
        return kind
    return remap.get(kind, kind)


def _mark_main_store(ctx: Ctx, plans: list[Plan], remap: dict[str, str]) -> None:
    """The store that carries storage_total: the archetype's blob store when it has one
    (the database then keeps only small metadata), else the store of its first entity."""
    if any(p.holds_main_data for p in plans):
        return
    first = ctx.archetype.entities[0] if ctx.archetype and ctx.archetype.entities else None
    kind = store_kind_of(first.store_kind, plans, remap) if first else None
    store = (_first(plans, kind) if kind and kind != "object_store" else None) or _first(
        plans, *PRIMARY_STORE_KINDS
    )
    if store is not None:
        store.holds_main_data = True


def _mark_media_store(ctx: Ctx, plans: list[Plan]) -> None:
    """The object store that keeps uploaded media (media_upload's, else the first one)."""
    blobs = [p for p in plans if p.kind == "object_store"]
    if not ctx.media or not blobs:
        return
    media = next((p for p in blobs if any("media" in o for o in p.origins)), None)
    (media or next((p for p in blobs if not p.holds_main_data), blobs[0])).holds_media = True


def _assign_frs(ctx: Ctx, plans: list[Plan]) -> None:
    reads, writes = read_write_frs(ctx)
    everything = ctx.all_fr_ids
    for p in plans:
        if p.kind in ("api_gateway", "load_balancer"):
            frs = everything
        elif p.kind == "cache" and ctx.archetype_key in p.origins:
            frs = reads or ctx.fr_for(ctx.archetype_key, None)
        elif p.kind == "cdn":
            frs = [f for o in p.origins for f in ctx.fr_for(o, None) if f in reads] or reads
        elif p.kind in ("queue", "worker", "stream_processor"):
            own = [f for o in p.origins for f in ctx.fr_for(o, None)]
            frs = [f for f in own if f in writes] or own
        else:
            frs = [f for o in p.origins for f in ctx.fr_for(o, None)]
        p.serves = list(dict.fromkeys(frs))
    services = [p for p in plans if p.kind == "service"]
    served = {f for p in plans if p.kind not in ENTRY for f in p.serves}
    for fr in everything:  # user-stated FRs with no template go through the service tier
        if fr not in served and services:
            services[0].serves.append(fr)


ENTRY = ("api_gateway", "load_balancer")
