"""Role templates of a design: which archetype/capability template a component came from.

The architect names a component after its template's role (`media_processor`, `transcoder`),
so the template — and with it the role's own per-node work (`ops_per_node`) and the load word
that sizes it (`media`, `notify`) — can be found again from the component's id. The architect's
sizing and the reviewer's headroom checks both read it here, so they size and check a role
against the same capacity and the same share of the load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ._loader import KnowledgeBase
from .schema import ComponentTemplate, TechOption

# Load words whose load is a share of the writes: word -> assumption naming the share.
SHARE_OF_WRITES: dict[str, str] = {"media": "media_share"}
# Load words that prefer a dedicated estimate: word -> (substring of the estimate name,
# estimates to fall back on). A media pipeline uses 'media_uploads_peak' when the scope has it.
DEDICATED_ESTIMATE: dict[str, tuple[str, list[str]]] = {
    "media": ("media_upload", ["write_qps_peak"]),
    "notify": ("notification", ["write_qps_peak"]),
}
# Kinds whose template load is taken as given when the role states its own per-node work.
STORE_LIKE = frozenset({"sql_db", "kv_store", "document_db"})


def role_templates(
    kb: KnowledgeBase, archetype: str, capabilities: Iterable[str]
) -> dict[str, ComponentTemplate]:
    """Role id -> template for a system: the archetype's, then its capabilities' (the
    archetype's own capabilities included), first one wins as in the architect's plan."""
    out: dict[str, ComponentTemplate] = {}
    arch = kb.archetypes.get(archetype)
    caps = list(dict.fromkeys([*capabilities, *(arch.capabilities if arch else [])]))
    sources = [arch.components] if arch else []
    sources += [kb.capabilities[c].components for c in caps if c in kb.capabilities]
    for templates in sources:
        for template in templates:
            out.setdefault(template.role, template)
    return out


def role_template(
    kb: KnowledgeBase, archetype: str, capabilities: Iterable[str], component_id: str, kind: str
) -> ComponentTemplate | None:
    """The template a component of `kind` named `component_id` was built from, if any (a
    primary store may have moved kind, e.g. SQL to key-value, and still matches)."""
    template = role_templates(kb, archetype, capabilities).get(component_id)
    if template is None:
        return None
    if template.kind == kind or (template.kind in STORE_LIKE and kind in STORE_LIKE):
        return template
    return None


@dataclass(frozen=True)
class RoleCapacity:
    """What one node of a role sustains, and where the figure comes from."""

    per_node: float
    from_role: bool  # True: the role's own figure (ops_per_node), not the catalogue's

    def label(self, component_id: str, unit: str = "/s") -> str:
        """'0.005/s per transcoder node' or '2,000/s' (catalogue)."""
        text = f"{_num(self.per_node)}{unit}"
        return f"{text} per {component_id} node" if self.from_role else text


def role_capacity(
    template: ComponentTemplate | None, option: TechOption | None, connections: bool = False
) -> RoleCapacity:
    """Per-node capacity: the role's ops_per_node when set (its work is much heavier or
    lighter than the kind's generic figure), else the catalogue option's."""
    if template is not None and template.ops_per_node and not connections:
        return RoleCapacity(template.ops_per_node, True)
    if option is None:
        return RoleCapacity(0.0, False)
    if connections and option.per_node_connections:
        return RoleCapacity(option.per_node_connections, False)
    return RoleCapacity(option.per_node_ops, False)


def load_share(
    template: ComponentTemplate | None,
    cited: Iterable[str],
    has: Callable[[str], bool],
    value: Callable[[str], float],
) -> tuple[float, str | None]:
    """(factor, assumption name) scaling the cited load for a role that only handles a share
    of the writes (media: write_qps_peak × media_share); (1.0, None) otherwise."""
    if template is None:
        return 1.0, None
    share_name = SHARE_OF_WRITES.get(template.load)
    if share_name is None or "write_qps_peak" not in set(cited) or not has(share_name):
        return 1.0, None
    share = value(share_name)
    if not 0 < share < 1:
        return 1.0, None
    return share, share_name


def dedicated_estimates(load: str, names: Iterable[str]) -> list[str] | None:
    """For a load word with a dedicated estimate: the scope's matching rate estimates (peak
    first), else its fallback names; None for other load words."""
    entry = DEDICATED_ESTIMATE.get(load)
    if entry is None:
        return None
    stem, fallback = entry
    found = [n for n in names if stem in n and not n.endswith(("_total", "_bytes"))]
    peaks = [n for n in found if "peak" in n]
    return (peaks or found)[:1] or list(fallback)


def _num(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{round(value):,}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.2g}" if abs(value) < 0.1 else f"{value:.2f}".rstrip("0").rstrip(".")


BLOB_BYTES = 100e3  # objects this large live in an object store, not in a database or cache


def cached_record_share(object_bytes: float, metadata_bytes: float) -> float:
    """Share of the hot set (cache_memory, counted over object + metadata bytes) that a
    record cache holds: all of it for small objects, only the metadata when the objects are
    blobs served from an object store and a CDN."""
    if object_bytes < BLOB_BYTES or metadata_bytes <= 0:
        return 1.0
    return metadata_bytes / (object_bytes + metadata_bytes)
