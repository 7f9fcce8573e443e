"""Shared context of the architect kernel: the scope's numbers, FR origins, formatting."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..artefacts import Architecture, Component, Scope
from ..errors import KnowledgeBaseError
from ..kb import Archetype, Capability, KnowledgeBase, TechOption
from ..regions import STEERING_FEATURE

UTILISATION = 0.7  # target utilisation of a node at peak (contract sizing formula)
NODE_AVAILABILITY = 0.995  # availability of one node (contract availability formula)
DEFAULT_AVAILABILITY_PCT = 99.9
MAX_REGIONS = 6  # beyond this the region count is a typo, not a deployment plan

STORE_KINDS = frozenset(
    {
        "sql_db",
        "kv_store",
        "document_db",
        "time_series_db",
        "graph_db",
        "search_index",
        "geo_index",
        "data_warehouse",
    }
)
PRIMARY_STORE_KINDS = frozenset({"sql_db", "kv_store", "document_db"})
# Kinds where every node holds a full copy (primary + replicas): replication <= instances.
SINGLE_PRIMARY_KINDS = frozenset({"sql_db", "document_db", "cache", "graph_db"})
# Kinds that are bought as a service, not sized in nodes.
NODELESS_KINDS = frozenset({"cdn", "object_store", "external"})
ENTRY_KINDS = ("api_gateway", "load_balancer")
COMPUTE_KINDS = frozenset(
    {"service", "worker", "websocket_gateway", "stream_processor", "batch_compute", "scheduler"}
)
# Words in capability ids / families that mean money or inventory moves: transactions needed.
TRANSACTIONAL_WORDS = (
    "payment",
    "booking",
    "reserv",
    "ledger",
    "transaction",
    "inventory",
    "order",
    "wallet",
    "checkout",
    "billing",
    "ticket",
)


def redundancy_min(availability_pct: float) -> int:
    """Instances the availability target needs: 1 below 99.9%, 2 at 99.9%, 3 from 99.95%."""
    if availability_pct >= 99.95:
        return 3
    if availability_pct >= 99.9:
        return 2
    return 1


def fmt_num(value: float) -> str:
    """12345.6 -> '12,346'; 0.42 -> '0.42'."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{round(value):,}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.2g}" if abs(value) < 0.1 else f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_rate(value: float) -> str:
    """Requests per second: '1,160/s'."""
    return f"{fmt_num(value)}/s"


def fmt_bytes(value: float) -> str:
    """Decimal units: 2.1e12 -> '2.1 TB'."""
    units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
    size = float(value)
    for unit in units:
        if abs(size) < 1000 or unit == units[-1]:
            text = f"{size:.1f}".rstrip("0").rstrip(".") if size < 100 else f"{size:,.0f}"
            return f"{text} {unit}"
        size /= 1000
    return f"{value} B"  # pragma: no cover - loop always returns


def fmt_percent(percent: float) -> str:
    """A percentage target as written: 99.99 -> '99.99', 99.999999 -> '99.999999'."""
    return f"{percent:.6f}".rstrip("0").rstrip(".")


def fmt_pct(fraction: float, digits: int = 3) -> str:
    """0.99975 -> '99.975%'."""
    return f"{fraction * 100:.{digits}f}".rstrip("0").rstrip(".") + "%"


def ceil_div(numerator: float, denominator: float) -> int:
    """ceil(n / d) for positive d; 0 when n <= 0."""
    if numerator <= 0 or denominator <= 0:
        return 0
    return math.ceil(numerator / denominator - 1e-9)


def slug(text: str) -> str:
    """'Paste metadata store' -> 'paste_metadata_store'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "component"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


@dataclass
class Ctx:
    """Everything the architect's rules read: scope, knowledge base and derived facts."""

    scope: Scope
    kb: KnowledgeBase
    archetype: Archetype | None
    capabilities: list[Capability]
    origin_frs: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, scope: Scope, kb: KnowledgeBase) -> Ctx:
        archetype = kb.archetypes.get(scope.archetype)
        caps = [kb.capabilities[c] for c in scope.capabilities if c in kb.capabilities]
        if archetype is not None:  # capabilities the archetype always needs
            for cap_id in archetype.capabilities:
                if cap_id in kb.capabilities and all(c.id != cap_id for c in caps):
                    caps.append(kb.capabilities[cap_id])
        ctx = cls(scope=scope, kb=kb, archetype=archetype, capabilities=caps)
        ctx.origin_frs = ctx._group_frs()
        return ctx

    # ---- requirements -------------------------------------------------------------------
    @property
    def archetype_key(self) -> str:
        return self.archetype.id if self.archetype else self.scope.archetype

    def _group_frs(self) -> dict[str, list[str]]:
        cap_ids = {c.id for c in self.capabilities}
        groups: dict[str, list[str]] = {self.archetype_key: []}
        for fr in self.scope.functional:
            origin = fr.capability if fr.capability in cap_ids else self.archetype_key
            groups.setdefault(origin or self.archetype_key, []).append(fr.id)
        return groups

    def origin_texts(self, origin: str) -> list[str]:
        if self.archetype is not None and origin == self.archetype.id:
            return self.archetype.functional
        cap = next((c for c in self.capabilities if c.id == origin), None)
        return cap.functional if cap else []

    def fr_for(self, origin: str, index: int | None) -> list[str]:
        """FR ids of a template's origin; `index` picks one (matched by text, then position)."""
        group = self.origin_frs.get(origin, [])
        if index is None:
            return list(group)
        texts = self.origin_texts(origin)
        if 0 <= index < len(texts):
            wanted = _norm(texts[index])
            for fr in self.scope.functional:
                if fr.id in group and _norm(fr.text) == wanted:
                    return [fr.id]
        if 0 <= index < len(group):
            return [group[index]]
        return group[:1]

    @property
    def all_fr_ids(self) -> list[str]:
        return [fr.id for fr in self.scope.functional]

    def nfr_ids(self, *metrics: str) -> list[str]:
        return [r.id for r in self.scope.non_functional if r.metric in metrics]

    @property
    def availability_pct(self) -> float:
        nfr = self.scope.nfr("availability")
        return nfr.target if nfr and nfr.target else DEFAULT_AVAILABILITY_PCT

    @property
    def redundancy(self) -> int:
        return redundancy_min(self.availability_pct)

    @property
    def p99_seconds(self) -> float | None:
        nfr = self.scope.nfr("latency_p99")
        return nfr.target if nfr and nfr.target else None

    @property
    def budget_usd(self) -> float | None:
        nfr = self.scope.nfr("budget")
        return nfr.target if nfr and nfr.target else None

    @property
    def transactional(self) -> bool:
        """Money or inventory moves: the data needs multi-row transactions."""
        words = [self.scope.archetype, *(c.id for c in self.capabilities)]
        if self.archetype is not None and self.archetype.family == "ledger":
            return True
        return any(w in word for word in words for w in TRANSACTIONAL_WORDS)

    @property
    def regions(self) -> int:
        """Active regions the requirements ask for (1 unless stated or 'multi-region')."""
        value = self.scope.value("regions", 1.0)
        return max(1, min(MAX_REGIONS, round(value)))

    @property
    def preferred(self) -> list[tuple[str, TechOption]]:
        """(kind id, option) of every technology the requirements ask for, in their order;
        the global traffic steering is not a technology choice of a regional component."""
        found: list[tuple[str, TechOption]] = []
        for name in self.scope.preferences:
            hit = self.kb.find_technology(name)
            if hit is not None and STEERING_FEATURE not in hit[1].features:
                found.append(hit)
        return found

    def preferred_option(self, kind: str) -> TechOption | None:
        """The first option of `kind` the requirements ask for, if any."""
        return next((opt for k, opt in self.preferred if k == kind), None)

    # ---- numbers ------------------------------------------------------------------------
    def value(self, name: str, default: float = 0.0) -> float:
        return self.scope.value(name, default)

    def has(self, name: str) -> bool:
        return self.scope.estimate(name) is not None or any(
            a.name == name for a in self.scope.assumptions
        )

    def display(self, name: str) -> str:
        est = self.scope.estimate(name)
        if est is not None:
            return est.display
        for a in self.scope.assumptions:
            if a.name == name:
                return a.display
        return name.replace("_", " ")

    @property
    def read_peak(self) -> float:
        return self.value("read_qps_peak")

    @property
    def write_peak(self) -> float:
        return self.value("write_qps_peak")

    @property
    def reads_per_write(self) -> float:
        if self.has("reads_per_write"):
            return self.value("reads_per_write")
        return self.read_peak / self.write_peak if self.write_peak else 0.0

    @property
    def media(self) -> bool:
        return self.value("media_storage_per_day") > 0 or self.value("media_egress") > 0


def option_for(kb: KnowledgeBase, comp: Component) -> TechOption | None:
    """The catalogue option a component runs on (by its technology name), if known."""
    try:
        return kb.option(comp.kind, comp.technology)
    except KnowledgeBaseError:
        found = kb.find_technology(comp.technology)
        return found[1] if found else None


def is_read_cache(comp: Component) -> bool:
    """A cache on the read path (sized by reads only), not counters or a connection registry."""
    return (
        comp.kind == "cache"
        and "read_qps_peak" in comp.estimates
        and ("write_qps_peak" not in comp.estimates)
    )


def components_of(arch: Architecture, *kinds: str) -> list[Component]:
    return [c for c in arch.components if c.kind in kinds]
