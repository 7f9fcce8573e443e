"""Mermaid diagrams generated from the architecture, so they agree with its tables and always parse.

Every piece of text that reaches a diagram comes from a user or a model, so each one goes through
`label()` (safe characters only, bounded length) and every identifier through `IdMap` (ASCII,
prefixed, unique). The grammar-sensitive characters differ by diagram type - `;` ends a
statement in a sequence diagram, `"` ends a flowchart label, `#...;` is an entity code, `%%`
starts a comment - so the sanitiser removes the union of them, replacing each with a look-alike
that reads the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from agents.artefacts import Architecture, Component, Entity, Flow
from agents.regions import is_steering

CLIENT_ID = "client"

# Characters with a meaning in some Mermaid grammar, and what is shown instead.
_REPLACEMENTS = {
    '"': "'",
    "`": "'",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "|": "/",
    ";": ",",
    "#": "♯",
    "<": "‹",
    ">": "›",
    "&": " and ",
    "\\": "/",
    "~": "-",  # erDiagram reads ~x~ as generics, even inside a quoted comment
    "→": "to",
    "⇒": "to",
    "⟶": "to",
    "➔": "to",
    "←": "from",
    "⇐": "from",
    "↔": "and",
    "⇔": "and",
}
_FORWARD_ARROW_RE = re.compile(r"[-=.~]+>")
_BACKWARD_ARROW_RE = re.compile(r"<[-=.~]+")
_LINE_RE = re.compile(r"--+|==+|~~+")
_SAFE_ID_RE = re.compile(r"[^A-Za-z0-9_]+")
_ER_WORD_RE = re.compile(r"[^A-Za-z0-9_]+")
_RESERVED = {"end", "graph", "subgraph", "style", "class", "classdef", "click", "default"}


def label(text: object, limit: int = 60) -> str:
    """`text` made safe for any Mermaid label: one line, no grammar characters, at most `limit`."""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in value)
    value = _FORWARD_ARROW_RE.sub(" to ", value)
    value = _BACKWARD_ARROW_RE.sub(" from ", value)
    value = _LINE_RE.sub(" - ", value)
    for bad, good in _REPLACEMENTS.items():
        value = value.replace(bad, good)
    value = value.replace("%%", "%").replace(":::", ":")
    # Characters outside the Basic Multilingual Plane (emoji) confuse text measurement.
    value = "".join(ch for ch in value if ord(ch) <= 0xFFFF)
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value or "-"


class IdMap:
    """Stable, unique, grammar-safe Mermaid ids for arbitrary keys."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._ids: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._ids:
            slug = _SAFE_ID_RE.sub("_", unicodedata.normalize("NFKD", key)).strip("_").lower()
            base = f"{self._prefix}{slug[:40] or 'x'}"
            candidate, n = base, 2
            while candidate in self._ids.values() or candidate.lower() in _RESERVED:
                candidate, n = f"{base}_{n}", n + 1
            self._ids[key] = candidate
        return self._ids[key]

    def known(self) -> dict[str, str]:
        """Key -> id for every key seen so far."""
        return dict(self._ids)


def component_ids(arch: Architecture) -> dict[str, str]:
    """Component id -> Mermaid node id, as used by `architecture_diagram`."""
    ids = IdMap("c_")
    return {c.id: ids(c.id) for c in arch.components}


# --- architecture (flowchart) ---------------------------------------------------------------

_STORE_KINDS = {
    "sql_db",
    "kv_store",
    "document_db",
    "object_store",
    "search_index",
    "time_series_db",
    "graph_db",
    "data_warehouse",
}
_EDGE_KINDS = {"cdn", "load_balancer", "api_gateway", "websocket_gateway"}
_ASYNC_KINDS = {"queue", "stream_processor"}
_COMPUTE_KINDS = {"service", "worker", "batch_compute", "scheduler", "coordination", "geo_index"}
_TIERS: list[tuple[str, str, set[str]]] = [
    ("tier_edge", "Edge", _EDGE_KINDS),
    ("tier_compute", "Services", _COMPUTE_KINDS),
    ("tier_async", "Async", _ASYNC_KINDS),
    ("tier_data", "Data", {*_STORE_KINDS, "cache"}),
    ("tier_external", "External", {"external"}),
]


def _node_shape(kind: str, text: str) -> str:
    """Mermaid node shape syntax for a component kind, around the quoted label."""
    quoted = f'"{text}"'
    if kind in _STORE_KINDS:
        return f"[({quoted})]"  # cylinder
    if kind == "cache":
        return f"({quoted})"  # rounded
    if kind == "queue":
        return f"[[{quoted}]]"  # subroutine: a pipe of messages
    if kind in _EDGE_KINDS:
        return "{{" + quoted + "}}"  # hexagon
    if kind in {"worker", "batch_compute", "scheduler", "stream_processor"}:
        return f"[/{quoted}/]"  # parallelogram: background work
    if kind == "external":
        return f">{quoted}]"  # flag: outside our control
    return f"[{quoted}]"


def _global_edge(c: Component) -> bool:
    """Shared by every region: the traffic steering and the CDN."""
    return is_steering(c) or c.kind == "cdn"


def _component_label(c: Component, regions: int = 1) -> str:
    count = "managed" if c.managed or c.instances == 0 else f"×{c.instances}"
    if regions > 1:
        count = "global" if _global_edge(c) or c.kind == "external" else f"{count} per region"
    return f"{label(c.name, 40)}<br/>{label(c.technology, 30)} {count}"


def _entry_points(arch: Architecture) -> list[str]:
    """Components a client talks to: from flows, else the edge tier, else the first service."""
    known = {c.id for c in arch.components}
    from_flows = [
        s.target
        for f in arch.flows
        for s in f.steps
        if s.source == CLIENT_ID and s.target in known and not s.reply
    ]
    if from_flows:
        return list(dict.fromkeys(from_flows))
    inbound = {link.target for link in arch.links}
    edge = [c.id for c in arch.components if c.kind in _EDGE_KINDS and c.id not in inbound]
    if edge:
        return edge
    services = [c.id for c in arch.components if c.kind == "service"]
    return services[:1] or [c.id for c in arch.components[:1]]


def architecture_diagram(arch: Architecture) -> str:
    """Flowchart LR: a client, one node per component (shape by kind, grouped by tier), links."""
    ids = component_ids(arch)
    regions = max(1, arch.regions)
    lines = ["flowchart LR", f'  {CLIENT_ID}(["Clients"])']
    placed: set[str] = set()
    tiers = list(_TIERS)
    if regions > 1:  # shared edge first; every other tier runs in each region
        tiers = [("tier_global", f"Global, shared by {regions} regions", set())] + [
            (t, title if t == "tier_external" else f"{title}, in each of {regions} regions", k)
            for t, title, k in _TIERS
        ]
    for tier_id, title, kinds in tiers:
        members = [
            c
            for c in arch.components
            if c.id not in placed
            and (
                (tier_id == "tier_global" and _global_edge(c))
                or (c.kind in kinds and not (regions > 1 and _global_edge(c)))
            )
        ]
        if not members:
            continue
        lines.append(f'  subgraph {tier_id}["{label(title)}"]')
        for c in members:
            lines.append(f"    {ids[c.id]}{_node_shape(c.kind, _component_label(c, regions))}")
            placed.add(c.id)
        lines.append("  end")
    for c in arch.components:
        if c.id not in placed:
            lines.append(f"  {ids[c.id]}{_node_shape(c.kind, _component_label(c, regions))}")

    client_targets = set()
    for link in arch.links:
        src = CLIENT_ID if link.source == CLIENT_ID else ids.get(link.source)
        dst = ids.get(link.target)
        if src is None or dst is None:
            continue  # a dangling link would add a node that is not in the components table
        if src == CLIENT_ID:
            client_targets.add(link.target)
        arrow = "-->" if link.sync else "-.->"
        lines.append(f'  {src} {arrow}|"{label(link.label, 40)}"| {dst}')
    for target in _entry_points(arch):
        if target not in client_targets and target in ids:
            lines.append(f"  {CLIENT_ID} --> {ids[target]}")
    return "\n".join(lines) + "\n"


# --- sequence -------------------------------------------------------------------------------


def sequence_diagram(flow: Flow, arch: Architecture) -> str:
    """sequenceDiagram of one traced flow: participants in order of appearance, replies dashed."""
    names = {c.id: c.name for c in arch.components}
    ids = IdMap("p_")
    lines = ["sequenceDiagram", "  autonumber"]
    seen: list[str] = []
    for step in flow.steps:
        for key in (step.source, step.target):
            if key not in seen:
                seen.append(key)
    for key in seen:
        if key == CLIENT_ID:
            lines.append(f"  actor {ids(key)} as Client")
        else:
            lines.append(f"  participant {ids(key)} as {label(names.get(key, key), 40)}")
    for step in flow.steps:
        arrow = "-->>" if step.reply else "->>"
        lines.append(f"  {ids(step.source)}{arrow}{ids(step.target)}: {label(step.action, 90)}")
    if not flow.steps:
        lines.append(f"  Note over {ids(CLIENT_ID)}: no steps recorded")
    return "\n".join(lines) + "\n"


def flow_participants(flow: Flow) -> list[str]:
    """Keys of the participants of a flow, in order of appearance."""
    return list(dict.fromkeys(k for s in flow.steps for k in (s.source, s.target)))


# --- data model (erDiagram) -----------------------------------------------------------------

_CARDINALITY = {
    "one_to_one": "||--||",
    "one_to_many": "||--o{",
    "many_to_many": "}o--o{",
}


def _er_word(text: str, fallback: str) -> str:
    """A word the erDiagram grammar accepts for a type or attribute name."""
    word = _ER_WORD_RE.sub("_", unicodedata.normalize("NFKD", text)).strip("_")
    if not word or not word[0].isalpha():
        word = f"{fallback}_{word}" if word else fallback
    return word[:40]


def er_diagram(arch: Architecture) -> str:
    """erDiagram: entities with typed fields and keys; relations with crow's-foot cardinality."""
    ids = IdMap("E_")
    by_name = {e.name.lower(): e for e in arch.entities}
    lines = ["erDiagram"]
    for entity in arch.entities:
        alias = label(entity.name, 40).replace("%", " pct")  # '%' breaks an erDiagram alias
        lines.append(f'  {ids(entity.name)}["{alias}"] {{')
        for fld in entity.fields:
            lines.append("    " + _er_field(fld.type, fld.name, fld.key, fld.note))
        lines.append("  }")
    for entity in arch.entities:
        for rel in entity.relations:
            target = by_name.get(rel.target.lower())
            if target is None:
                continue  # would create an entity that is not in the data-model table
            card = _CARDINALITY.get(rel.cardinality, "||--o{")
            lines.append(
                f'  {ids(entity.name)} {card} {ids(target.name)} : "{label(rel.label, 30)}"'
            )
    if not arch.entities:
        lines.append('  E_none["no entities"] {\n    string none\n  }')
    return "\n".join(lines) + "\n"


def _er_field(ftype: str, name: str, key: str, note: str) -> str:
    parts = [_er_word(ftype, "t"), _er_word(name, "f")]
    if key in ("PK", "FK", "UK"):
        parts.append(key)
    if note:
        parts.append(f'"{label(note, 40)}"')
    return " ".join(parts)


def entity_ids(entities: Iterable[Entity]) -> dict[str, str]:
    """Entity name -> erDiagram id, as used by `er_diagram`."""
    ids = IdMap("E_")
    return {e.name: ids(e.name) for e in entities}
