"""Links between components: the templates' `links_from`, then the usual topology by kind
(entry -> services -> stores, service -> queue -> workers, CDN -> object store)."""

from __future__ import annotations

from ..artefacts import Component, Link
from ._common import COMPUTE_KINDS, ENTRY_KINDS, PRIMARY_STORE_KINDS, Ctx
from .select import Plan

# Targets whose loss only degrades the main path (reads fall back, work is deferred).
NON_CRITICAL_KINDS = frozenset(
    {
        "cache",
        "search_index",
        "data_warehouse",
        "batch_compute",
        "external",
        "scheduler",
        "coordination",
    }  # coordination is consulted for leases and ranges, not per request
)
STORE_LIKE = frozenset(
    {
        "sql_db",
        "kv_store",
        "document_db",
        "time_series_db",
        "graph_db",
        "geo_index",
        "object_store",
        "search_index",
        "coordination",
        "cache",
    }
)


class _Links:
    def __init__(self, comps: list[Component], off_main: frozenset[str] = frozenset()) -> None:
        self.comps = comps
        self.links: list[Link] = []
        self.off_main = off_main  # ids the main user path does not wait on

    def add(self, source: str, target: str, label: str, sync: bool = True) -> None:
        if source == target or any(
            lk.source == source and lk.target == target for lk in self.links
        ):
            return
        kind = next(c.kind for c in self.comps if c.id == target)
        critical = (
            sync
            and kind not in NON_CRITICAL_KINDS
            and source not in self.off_main
            and target not in self.off_main
        )
        self.links.append(
            Link(source=source, target=target, label=label, sync=sync, critical=critical)
        )

    def resolve(self, ref: str) -> list[str]:
        """A template's `links_from` entry: a role id, 'service' (the system's API service),
        'load_balancer'/'entry' (whatever the entry is), or another kind."""
        if any(c.id == ref for c in self.comps):
            return [ref]
        if ref == "service":
            return [c.id for c in self.comps if c.kind == "service"][:1]
        kinds: tuple[str, ...] = (ref,)
        if ref in ("load_balancer", "entry", "lb"):
            kinds = ENTRY_KINDS
        return [c.id for c in self.comps if c.kind in kinds][:2]

    def touched(self, comp_id: str) -> bool:
        return any(comp_id in (lk.source, lk.target) for lk in self.links)


def _first(comps: list[Component], *kinds: str) -> Component | None:
    return next((c for c in comps if c.kind in kinds), None)


def build_links(ctx: Ctx, plans: list[Plan], comps: list[Component]) -> list[Link]:
    """Every link, each between existing components."""
    lk = _Links(comps, frozenset(p.id for p in plans if not p.main_path))
    entry = _first(comps, *ENTRY_KINDS)
    service = _first(comps, "service")
    queue = _first(comps, "queue", "stream_processor")
    worker = _first(comps, "worker")
    object_store = _first(comps, "object_store")
    write_noun = ctx.archetype.write_noun if ctx.archetype else "write"
    plan_of = {p.id: p for p in plans}
    for comp in comps:
        plan = plan_of.get(comp.id)
        if plan and plan.links_from:
            for ref in plan.links_from:
                for source in lk.resolve(ref):
                    label = plan.link_label or f"calls {comp.name}"
                    lk.add(source, comp.id, label, sync=not plan.async_link)
            if lk.touched(comp.id):
                continue
        _default_incoming(lk, comp, entry, service, queue, worker, object_store, write_noun)
    _worker_outputs(lk, comps, worker)
    for comp in comps:  # stream jobs write their aggregates somewhere readable
        if comp.kind == "stream_processor" and not any(x.source == comp.id for x in lk.links):
            store = _first(comps, "kv_store", "document_db", "time_series_db", "sql_db")
            if store:
                lk.add(comp.id, store.id, "write aggregates (rollups)")
    realtime = _first(comps, "websocket_gateway")
    for comp in comps:  # delivery workers push through the connection gateway
        calls_external = any(
            x.source == comp.id and next(c.kind for c in comps if c.id == x.target) == "external"
            for x in lk.links
        )
        if (
            realtime
            and comp.kind == "worker"
            and any("fanout" in n for n in comp.estimates)
            and not calls_external
            and any(
                x.target == comp.id
                and next(c.kind for c in comps if c.id == x.source) in ("queue", "stream_processor")
                for x in lk.links
            )
        ):
            lk.add(comp.id, realtime.id, "push to the recipients' connections")
    if realtime and service:
        lk.add(realtime.id, service.id, "forward client messages (RPC)")
    for comp in comps:  # nothing floats unconnected
        if not lk.touched(comp.id) and service and comp.id != service.id:
            lk.add(service.id, comp.id, f"uses {comp.name}")
    return lk.links


def _default_incoming(
    lk: _Links,
    comp: Component,
    entry: Component | None,
    service: Component | None,
    queue: Component | None,
    worker: Component | None,
    object_store: Component | None,
    write_noun: str,
) -> None:
    kind = comp.kind
    if kind in ENTRY_KINDS:
        return
    if kind in ("service", "websocket_gateway") and entry:
        label = "WebSocket upgrade (sticky)" if kind == "websocket_gateway" else "HTTPS /v1/*"
        lk.add(entry.id, comp.id, label)
    elif kind == "cdn":
        if object_store:
            lk.add(comp.id, object_store.id, "origin fetch on cache miss")
        elif entry:
            lk.add(comp.id, entry.id, "origin fetch on cache miss")
    elif kind == "cache" and service:
        lk.add(service.id, comp.id, "GET/SET hot keys (cache-aside)")
    elif kind in ("queue", "stream_processor") and service:
        lk.add(service.id, comp.id, f"publish {write_noun} event", sync=False)
    elif kind == "worker":
        source = queue or service
        if source:
            lk.add(source.id, comp.id, "consume events", sync=False)
    elif kind in ("data_warehouse", "batch_compute"):
        source = queue or service
        if source:
            lk.add(source.id, comp.id, "export events for analytics", sync=False)
    elif kind == "external":
        source = worker or service
        if source:
            lk.add(source.id, comp.id, "call provider API")
    elif kind == "scheduler":
        if queue:
            lk.add(comp.id, queue.id, "enqueue due jobs", sync=False)
    elif kind in STORE_LIKE and service:
        verb = "PUT/GET objects" if kind == "object_store" else "read/write records"
        lk.add(service.id, comp.id, verb)


def _worker_outputs(lk: _Links, comps: list[Component], worker: Component | None) -> None:
    if worker is None or any(x.source == worker.id for x in lk.links):
        return
    fed_by_store = any(
        x.target == worker.id
        and next(c.kind for c in comps if c.id == x.source) in PRIMARY_STORE_KINDS
        for x in lk.links
    )
    if fed_by_store:  # change-data-capture consumer: clean up what the store points to
        for comp in comps:
            if comp.kind == "object_store":
                lk.add(worker.id, comp.id, "delete objects of expired records")
            elif (
                comp.kind == "cache"
                and "read_qps_peak" in comp.estimates
                and ("write_qps_peak" not in comp.estimates)
            ):
                lk.add(worker.id, comp.id, "evict keys of expired records")
        if any(x.source == worker.id for x in lk.links):
            return
    realtime = _first(comps, "websocket_gateway")
    if realtime:
        lk.add(worker.id, realtime.id, "push event to connected recipients")
    store = _first(comps, "kv_store", "document_db", "sql_db")
    if store:
        lk.add(worker.id, store.id, "write results (fan-out rows, status)")
    search = _first(comps, "search_index")
    if search:
        lk.add(worker.id, search.id, "index document", sync=False)


def add_link_features(comps: list[Component], links: list[Link]) -> None:
    """Basic mechanisms of a competent first draft: retries on calls to stateful components."""
    stateful = {c.id for c in comps if c.stateful or c.kind in PRIMARY_STORE_KINDS}
    for comp in comps:
        if (
            comp.kind in COMPUTE_KINDS
            and any(lk.source == comp.id and lk.target in stateful for lk in links)
            and "retries_with_backoff" not in comp.features
        ):
            comp.features.append("retries_with_backoff")
