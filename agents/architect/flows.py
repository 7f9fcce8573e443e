"""Traced flows: the archetype's concrete example payload through the write path, the read
path and (when there is a queue) the asynchronous tail, hop by hop."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace

from ..artefacts import Component, Endpoint, Entity, Flow, FlowStep, Link
from ._common import ENTRY_KINDS, PRIMARY_STORE_KINDS, Ctx, fmt_bytes, fmt_num, is_read_cache
from .api_data import fill

_ALPHABET = "0123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


def example_id(seed: str, length: int = 7) -> str:
    """A deterministic base-58 id for the example, e.g. 'k3J9xQa'."""
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    chars = []
    for _ in range(length):
        number, rem = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def _json_object(text: str) -> dict[str, object]:
    """The JSON object in an example body or response ('201 {...}'), or {}."""
    start = text.find("{")
    if start < 0:
        return {}
    try:
        data = json.loads(text[start:])
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _payload_fields(payload: str, skip: str) -> list[tuple[str, str]]:
    out = []
    for key, value in _json_object(payload).items():
        if key == skip or value is None:
            continue
        short = value[:24] + ("…" if len(value) > 24 else "") if isinstance(value, str) else value
        text = json.dumps(short, ensure_ascii=False)
        out.append((key, text))
    return out[:3]


def example_key(ctx_seed: str, key_name: str, *examples: str) -> str:
    """The example's own key value (payload, then response) or a generated one."""
    for text in examples:
        value = _json_object(text).get(key_name)
        if isinstance(value, str | int) and str(value):
            return str(value)
    return example_id(ctx_seed)


class _Tracer:
    def __init__(self, arch_comps: list[Component], links: list[Link]) -> None:
        self.comps = {c.id: c for c in arch_comps}
        self.links = links
        self.steps: list[FlowStep] = []
        self.guarded: set[str] = set()

    def hop(self, source: str, target: str, action: str, reply: bool = False) -> None:
        self.steps.append(FlowStep(source=source, target=target, action=action, reply=reply))

    def linked(self, source: str, *kinds: str) -> list[Component]:
        return [
            self.comps[lk.target]
            for lk in self.links
            if lk.source == source and self.comps[lk.target].kind in kinds
        ]


def _fill_path(path: str, key: str, *examples: str) -> str:
    """'/v1/c/{conversation_id}/m' -> '/v1/c/cv_42/m', with values from the example bodies."""
    values: dict[str, object] = {}
    for text in examples:
        values = {**_json_object(text), **values}

    def sub(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return str(value) if isinstance(value, str | int) and str(value) else key

    return re.sub(r"\{([^}]+)\}", sub, path)


def _label(tr: _Tracer, source: str, target: str) -> str:
    return next(
        (lk.label for lk in tr.links if lk.source == source and lk.target == target), "call"
    )


def _payload_stores(tr: _Tracer, source: str) -> list[Component]:
    """Object stores holding the main payload (not media, which goes through the CDN)."""
    return [c for c in tr.linked(source, "object_store") if "storage_total" in c.estimates]


def _guards(tr: _Tracer, source: str, key: str) -> None:
    """Rate-limit checks on the way in: counters the entry or the handler consult."""
    if source in tr.guarded:
        return
    tr.guarded.add(source)
    for cache in tr.linked(source, "cache"):
        if is_read_cache(cache) or "rate" not in (cache.id + cache.name).lower():
            continue
        label = _label(tr, source, cache.id)
        tr.hop(source, cache.id, f"{label}: bucket apikey:k_41 (request for {key})")
        tr.hop(cache.id, source, "allowed (tokens left 57 of 60)", reply=True)


def _main_entity(entities: list[Entity], comps: dict[str, Component]) -> Entity | None:
    return next(
        (e for e in entities if comps[e.store].kind in PRIMARY_STORE_KINDS),
        entities[0] if entities else None,
    )


def _pk(entity: Entity | None) -> str:
    if entity is None:
        return "id"
    return next((f.name for f in entity.fields if f.key == "PK"), entity.fields[0].name)


@dataclass
class _Example:
    """The concrete example every flow traces."""

    payload: str
    key_name: str
    key: str
    entity: Entity | None
    store: Component
    noun: str
    read_noun: str
    entry: Component | None
    edge: Component | None  # a CDN in front of the entry


def _queue_for(tr: _Tracer, source: str, load: str) -> Component | None:
    """The first queue `source` publishes to that carries `load` ('read' or 'write')."""
    for queue in tr.linked(source, "queue", "stream_processor"):
        reads = "read_qps_peak" in queue.estimates
        if (load == "read") == reads:
            return queue
    return None


def _front_door(tr: _Tracer, ex: _Example, handler: Component, request: str) -> str:
    """Hops from the client to the handler; returns the component that answers the client."""
    first = ex.edge or ex.entry
    if first is None:
        tr.hop("client", handler.id, request)
        return handler.id
    tr.hop("client", first.id, request + (" (edge miss)" if ex.edge else ""))
    if ex.edge and ex.entry:
        tr.hop(ex.edge.id, ex.entry.id, "forward to the origin")
    if ex.entry:
        _guards(tr, ex.entry.id, ex.key)
        tr.hop(ex.entry.id, handler.id, f"route {request.split(' {')[0]} to a healthy instance")
    return first.id


def _back_out(tr: _Tracer, ex: _Example, handler: Component, response: str) -> None:
    if ex.entry is None and ex.edge is None:
        tr.hop(handler.id, "client", response, reply=True)
        return
    if ex.entry:
        tr.hop(handler.id, ex.entry.id, response, reply=True)
        if ex.edge:
            tr.hop(ex.entry.id, ex.edge.id, response, reply=True)
    last = ex.edge or ex.entry
    assert last is not None
    tr.hop(
        last.id, "client", response + (" (now cached at the edge)" if ex.edge else ""), reply=True
    )


def build_flows(
    ctx: Ctx,
    comps: list[Component],
    links: list[Link],
    endpoints: list[Endpoint],
    entities: list[Entity],
) -> list[Flow]:
    """One write flow, one read flow, and an async flow when a queue carries the work on."""
    by_id = {c.id: c for c in comps}
    entry = next((c for c in comps if c.kind in ENTRY_KINDS), None)
    edge = next(
        (
            by_id[lk.source]
            for lk in links
            if entry and lk.target == entry.id and by_id[lk.source].kind == "cdn"
        ),
        None,
    )
    entity = _main_entity(entities, by_id)
    key_name = _pk(entity)
    payload = fill(ctx.archetype.example_payload if ctx.archetype else "{}", ctx, False)
    write_ep = next((e for e in endpoints if e.method != "GET"), endpoints[0])
    read_ep = next(
        (e for e in endpoints if e.method == "GET" and "{" in e.path),
        next((e for e in endpoints if e.method == "GET"), endpoints[-1]),
    )
    store = (
        by_id[entity.store]
        if entity
        else next((c for c in comps if c.kind in PRIMARY_STORE_KINDS), comps[-1])
    )
    ex = _Example(
        payload=payload,
        key_name=key_name,
        key=example_key(ctx.scope.system_name, key_name, payload, write_ep.response),
        entity=entity,
        store=store,
        noun=ctx.archetype.write_noun if ctx.archetype else "record",
        read_noun=ctx.archetype.read_noun if ctx.archetype else "read",
        entry=entry,
        edge=edge,
    )
    write, write_queue = _write_flow(ctx, by_id, links, write_ep, ex)
    read, read_queue = _read_flow(ctx, by_id, links, read_ep, ex)
    flows = [write, read]
    queue, event = (
        (write_queue, f"{ex.noun}.created")
        if write_queue
        else (read_queue, f"{ex.read_noun} event")
    )
    tail = _async_flow(ctx, by_id, links, queue, event, ex)
    if tail is not None:
        flows.append(tail)
    return flows


def _write_flow(
    ctx: Ctx, by_id: dict[str, Component], links: list[Link], ep: Endpoint, ex: _Example
) -> tuple[Flow, Component | None]:
    tr = _Tracer(list(by_id.values()), links)
    handler = by_id[ep.component]
    path = _fill_path(ep.path, ex.key, ex.payload, ep.request)
    answer: str
    if handler.kind == "websocket_gateway":
        tr.hop("client", handler.id, f"{ep.method} {path} frame {ex.payload}")
        service = next(iter(tr.linked(handler.id, "service")), handler)
        tr.hop(handler.id, service.id, "forward the frame as an RPC (author's connection)")
        answer, handler = handler.id, service
    else:
        answer = _front_door(
            tr, replace(ex, edge=None), handler, f"{ep.method} {path} {ex.payload}"
        )
    _guards(tr, handler.id, ex.key)
    for helper in tr.linked(handler.id, "service"):
        label = _label(tr, handler.id, helper.id)
        if any(w in (helper.id + label).lower() for w in ("key", "id_", "sequence", "ids")):
            tr.hop(handler.id, helper.id, f"{label} (id for the new {ex.noun})")
            tr.hop(
                helper.id,
                handler.id,
                f"{ex.key_name} = {ex.key!r} from its in-memory range",
                reply=True,
            )
        else:
            tr.hop(handler.id, helper.id, label)
            tr.hop(helper.id, handler.id, "200 OK", reply=True)
    for blob in _payload_stores(tr, handler.id):
        tr.hop(handler.id, blob.id, f"PUT objects/{ex.key} ({ctx.display('object_bytes')} body)")
        tr.hop(blob.id, handler.id, "200 OK, ETag stored with the metadata", reply=True)
    fields = ", ".join(f"{k}={v}" for k, v in _payload_fields(ex.payload, ex.key_name))
    ent = ex.entity
    record = f"{ent.bytes_per_record:,} B record" if ent and ent.bytes_per_record else ""
    verb = "INSERT INTO" if ex.store.kind == "sql_db" else "PUT"
    detail = ", ".join(x for x in (f"{ex.key_name}={ex.key!r}", fields, record) if x)
    tr.hop(handler.id, ex.store.id, f"{verb} {ent.name if ent else ex.noun} ({detail})")
    ack = (
        f"committed on the primary, streamed to {ex.store.replication - 1} replica(s)"
        if ex.store.kind in ("sql_db", "document_db")
        else f"acknowledged by the replicas (RF {ex.store.replication})"
    )
    tr.hop(ex.store.id, handler.id, ack, reply=True)
    queue = _queue_for(tr, handler.id, "write")
    if queue is not None:
        tr.hop(
            handler.id,
            queue.id,
            f"{_label(tr, handler.id, queue.id)}: {ex.noun}.created "
            f"{{{ex.key_name}: {ex.key!r}}} (asynchronous; the reply does not wait)",
        )
    response = ep.response or f'201 {{"{ex.key_name}": "{ex.key}"}}'
    if answer != handler.id and by_id[answer].kind == "websocket_gateway":
        tr.hop(handler.id, answer, response, reply=True)
        tr.hop(answer, "client", response, reply=True)
    else:
        _back_out(tr, replace(ex, edge=None), handler, response)
    name = f"{ep.purpose.rstrip('.') or 'write'} ({ep.method} {ep.path})"
    return Flow(name=name, path="write", example=ex.payload, steps=tr.steps), queue


def _read_flow(
    ctx: Ctx, by_id: dict[str, Component], links: list[Link], ep: Endpoint, ex: _Example
) -> tuple[Flow, Component | None]:
    tr = _Tracer(list(by_id.values()), links)
    path = _fill_path(ep.path, ex.key, ex.payload)
    handler = by_id[ep.component]
    if handler.kind == "websocket_gateway":
        handler = next((c for c in by_id.values() if c.kind == "service"), handler)
    _front_door(tr, ex, handler, f"GET {path}")
    _guards(tr, handler.id, ex.key)
    name = ex.entity.name if ex.entity else "record"
    caches = [c for c in tr.linked(handler.id, "cache") if is_read_cache(c)]
    for cache in caches:
        tr.hop(handler.id, cache.id, f"GET {name.lower()}:{ex.key}")
        tr.hop(
            cache.id,
            handler.id,
            f"miss: first read of {ex.key} (hot set "
            f"{ctx.display('cache_memory')} stays cached; later reads hit)",
            reply=True,
        )
    ent = ex.entity
    size = f"{ent.bytes_per_record:,} B" if ent and ent.bytes_per_record else "one row"
    query = (
        f"SELECT * FROM {name} WHERE {ex.key_name} = {ex.key!r}"
        if ex.store.kind == "sql_db"
        else f"GET {name} {ex.key_name}={ex.key!r} (partition by "
        f"{ent.partition_key if ent else ex.key_name})"
    )
    tr.hop(handler.id, ex.store.id, query)
    tr.hop(ex.store.id, handler.id, f"{size} returned", reply=True)
    for blob in _payload_stores(tr, handler.id):
        tr.hop(handler.id, blob.id, f"GET objects/{ex.key} ({ctx.display('object_bytes')})")
        tr.hop(blob.id, handler.id, "object body", reply=True)
    for cache in caches:
        tr.hop(handler.id, cache.id, f"SET {name.lower()}:{ex.key} (cache-aside fill)")
    queue = _queue_for(tr, handler.id, "read")
    if queue is not None:
        tr.hop(
            handler.id,
            queue.id,
            f"{_label(tr, handler.id, queue.id)}: {ex.read_noun} of "
            f"{ex.key} (asynchronous, off the request path)",
        )
    response = ep.response or f'200 {{"{ex.key_name}": "{ex.key}"}}'
    _back_out(tr, ex, handler, response)
    _media_hops(ctx, tr, by_id, ex, response)
    flow = Flow(
        name=f"{ep.purpose.rstrip('.') or 'read'} (GET {ep.path})",
        path="read",
        example=f"GET {path}",
        steps=tr.steps,
    )
    return flow, queue


def _media_hops(
    ctx: Ctx, tr: _Tracer, by_id: dict[str, Component], ex: _Example, response: str
) -> None:
    """The client then fetches referenced media from the CDN (which pulls from the store)."""
    cdn = next((c for c in by_id.values() if c.kind == "cdn" and c is not ex.edge), None)
    if cdn is None or not any(w in response.lower() for w in ("url", "media", "cdn")):
        return
    egress = ctx.display("media_egress") if ctx.has("media_egress") else "edge"
    tr.hop("client", cdn.id, f"GET media/{ex.key} (edge cache; media egress {egress})")
    for origin in tr.linked(cdn.id, "object_store"):
        tr.hop(cdn.id, origin.id, f"origin fetch of media/{ex.key} on an edge miss")
        tr.hop(origin.id, cdn.id, "object body, cached at the edge", reply=True)
    tr.hop(cdn.id, "client", "200 media bytes", reply=True)


_LOOKUP_WORDS = ("member", "lookup", "get", "read", "resolve", "tokens", "who")


def _async_flow(
    ctx: Ctx,
    by_id: dict[str, Component],
    links: list[Link],
    queue: Component | None,
    event: str,
    ex: _Example,
) -> Flow | None:
    """The queue a flow published to, its consumers and what they do with the event."""
    if queue is None:
        return None
    consumers = [by_id[lk.target] for lk in links if lk.source == queue.id]
    if not consumers:
        return None
    tr = _Tracer(list(by_id.values()), links)
    fanout = ctx.value("fanout_writes_per_sec")
    for worker in consumers:
        tr.hop(queue.id, worker.id, f"deliver {event} {ex.key} (at-least-once)")
        outgoing = [x for x in links if x.source == worker.id]
        # look-ups (who are the recipients?) before writes, pushes to clients last
        outgoing.sort(
            key=lambda x: (
                by_id[x.target].kind == "websocket_gateway",
                not any(w in x.label.lower() for w in _LOOKUP_WORDS),
            )
        )
        for lk in outgoing:
            target = by_id[lk.target]
            fans = fanout and (
                target.kind == "websocket_gateway" or "fanout_writes_per_sec" in target.estimates
            )
            extra = f" (fan-out: {fmt_num(fanout)}/s at peak)" if fans else ""
            tr.hop(worker.id, target.id, f"{lk.label} for {ex.key}{extra}")
            if lk.sync and any(w in lk.label.lower() for w in _LOOKUP_WORDS):
                tr.hop(target.id, worker.id, "recipients / targets returned", reply=True)
            if target.kind == "websocket_gateway":
                tr.hop(target.id, "client", f"push {ex.noun} {ex.key} to each online recipient")
        tr.hop(worker.id, queue.id, f"commit offset / ack {ex.key}", reply=True)
    size = fmt_bytes(ctx.value("object_bytes")) if ctx.has("object_bytes") else "small"
    return Flow(
        name=f"asynchronous processing: {event}",
        path="async",
        example=f"event {event} {{id: {ex.key!r}, size: {size}}}",
        steps=tr.steps,
    )
