"""The API (endpoints) and the data model (entities) from the knowledge-base templates."""

from __future__ import annotations

import re
from typing import Literal, cast

from ..artefacts import Endpoint, Entity, EntityField, Relation
from ._common import PRIMARY_STORE_KINDS, Ctx
from .select import Plan, endpoint_templates, entity_templates, store_kind_of

_KEYS = ("PK", "FK", "UK")
_CARDINALITIES = ("one_to_one", "one_to_many", "many_to_many")
# Rough bytes per field type, for entities whose template gives no record size.
_TYPE_BYTES = {
    "string": 40,
    "text": 400,
    "int": 4,
    "bigint": 8,
    "timestamp": 8,
    "bool": 1,
    "float": 8,
    "decimal": 16,
    "uuid": 16,
    "blob": 1000,
    "json": 200,
}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def fill(text: str, ctx: Ctx, keep_unknown: bool = True) -> str:
    """Replace {estimate_or_assumption} with its display value; unknown names stay as-is
    (path parameters like {key}) unless keep_unknown is False."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        extra = {
            "system_name": ctx.scope.system_name,
            "write_noun": ctx.archetype.write_noun if ctx.archetype else "record",
            "read_noun": ctx.archetype.read_noun if ctx.archetype else "read",
        }
        if name in extra:
            return extra[name]
        if ctx.has(name):
            return ctx.display(name)
        return match.group(0) if keep_unknown else name.replace("_", " ")

    return _PLACEHOLDER.sub(sub, text)


def _pick(plans: list[Plan], kind: str, origin: str) -> str | None:
    same_kind = [p for p in plans if p.kind == kind]
    for plan in same_kind:
        if origin in plan.origins:
            return plan.id
    return same_kind[0].id if same_kind else None


def build_endpoints(ctx: Ctx, plans: list[Plan]) -> list[Endpoint]:
    """Endpoints of the archetype and capabilities, each tied to FRs and a handler."""
    service = next(p.id for p in plans if p.kind == "service")
    out: list[Endpoint] = []
    for origin, ep in endpoint_templates(ctx):
        handler = _pick(plans, ep.handler_kind, origin) or service
        frs = ctx.fr_for(origin, ep.fr) if ep.fr is not None else ctx.fr_for(origin, None)[:1]
        out.append(
            Endpoint(
                method=ep.method.upper(),
                path=ep.path,
                purpose=ep.purpose,
                request=fill(ep.request, ctx),
                response=fill(ep.response, ctx),
                serves=frs,
                component=handler,
            )
        )
    noun = ctx.archetype.write_noun if ctx.archetype else "record"
    resource = f"/v1/{re.sub(r'[^a-z0-9]+', '-', noun.lower()).strip('-')}s"
    first_fr = ctx.all_fr_ids[:1]
    if not any(e.method != "GET" for e in out):
        out.insert(
            0,
            Endpoint(
                method="POST",
                path=resource,
                purpose=f"create a {noun}",
                request='{"data": "..."}',
                response='201 {"id": "..."}',
                serves=first_fr,
                component=service,
            ),
        )
    if not any(e.method == "GET" for e in out):
        out.append(
            Endpoint(
                method="GET",
                path=resource + "/{id}",
                purpose=f"read a {noun}",
                response='200 {"id": "...", "data": "..."}',
                serves=ctx.all_fr_ids[1:2] or first_fr,
                component=service,
            )
        )
    return out


def parse_field(spec: str) -> EntityField:
    """'paste_key:string:PK' -> EntityField(name, type, key)."""
    parts = [p.strip() for p in spec.split(":")]
    name = parts[0]
    ftype = parts[1] if len(parts) > 1 and parts[1] else "string"
    key = parts[2].upper() if len(parts) > 2 and parts[2].upper() in _KEYS else ""
    note = ":".join(parts[3:]) if len(parts) > 3 else ""
    return EntityField(
        name=name, type=ftype, key=cast(Literal["PK", "FK", "UK", ""], key), note=note
    )


def parse_relation(spec: str) -> Relation:
    """'Paste:one_to_many:creates' -> Relation."""
    parts = [p.strip() for p in spec.split(":")]
    card = parts[1] if len(parts) > 1 and parts[1] in _CARDINALITIES else "one_to_many"
    label = parts[2] if len(parts) > 2 else "has"
    return Relation(
        target=parts[0],
        cardinality=cast(Literal["one_to_one", "one_to_many", "many_to_many"], card),
        label=label,
    )


def build_entities(ctx: Ctx, plans: list[Plan], remap: dict[str, str]) -> list[Entity]:
    """Entities with their store (a component id), partition key and record size."""
    fallback = next((p.id for p in plans if p.kind in PRIMARY_STORE_KINDS), plans[0].id)
    out: list[Entity] = []
    for origin, ent in entity_templates(ctx):
        store = _pick(plans, store_kind_of(ent.store_kind, plans, remap), origin) or fallback
        fields = [parse_field(f) for f in ent.fields]
        size = ent.bytes_per_record or sum(_TYPE_BYTES.get(f.type, 40) for f in fields)
        partition = ent.partition_key or next((f.name for f in fields if f.key == "PK"), None)
        out.append(
            Entity(
                name=ent.name,
                store=store,
                fields=fields,
                relations=[parse_relation(r) for r in ent.relations],
                partition_key=partition,
                bytes_per_record=size,
            )
        )
    return out


def relations_per_store(entities: list[Entity]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ent in entities:
        counts[ent.store] = counts.get(ent.store, 0) + len(ent.relations)
    return counts
