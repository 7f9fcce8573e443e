"""Load, storage and sizing figures of a component, shared by the cost analyst and the reviewer.

A component cites the capacity estimates that size it (`Component.estimates`); these helpers turn
the citations into one peak load, one average load and one stored volume, each with the formula
that produced it, so every bill line and every review finding can show its derivation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..artefacts import Architecture, Component, Scope
from ..errors import KnowledgeBaseError
from ..kb import KnowledgeBase, TechOption

UTILISATION = 0.7  # target utilisation of a node at peak (contract sizing formula)
NODE_AVAILABILITY = 0.995  # availability of one unmanaged node (contract formula)
DEFAULT_PEAK_FACTOR = 3.0
DEFAULT_AVAILABILITY_PCT = 99.9
SECONDS_PER_DAY = 86400.0

# Kinds that hold the system's data at rest (billed for storage, checked for durability).
STORE_KINDS = frozenset(
    {
        "sql_db",
        "kv_store",
        "document_db",
        "object_store",
        "time_series_db",
        "graph_db",
        "data_warehouse",
        "search_index",
        "geo_index",
    }
)
DATABASE_KINDS = STORE_KINDS - {"object_store"}
PRIMARY_DB_KINDS = ("sql_db", "kv_store", "document_db")
# Estimates in these units are rates (or concurrent counts) that load a node.
_RATE_UNITS = frozenset({"req/s", "per_day", "count"})


@dataclass(frozen=True)
class Figure:
    """A derived number with the formula and inputs that produced it."""

    value: float
    formula: str
    inputs: dict[str, float] = field(default_factory=dict)
    unit: str = "/s"  # how to show value: '/s' for rates, ' connections' for concurrent counts

    @property
    def known(self) -> bool:
        return bool(self.formula)


NONE = Figure(0.0, "", {})


def option_for(component: Component, kb: KnowledgeBase) -> TechOption | None:
    """The catalogue option a component runs on: by name/synonym, then by name inside the
    component's technology text ('PostgreSQL 16 (primary + replica)'), else None."""
    try:
        return kb.option(component.kind, component.technology)
    except KnowledgeBaseError:
        pass
    found = kb.find_technology(component.technology)
    if found is not None:
        return found[1]
    kind = kb.kinds.get(component.kind)
    if kind is None:
        return None
    text = component.technology.lower()
    for opt in kind.options:
        if any(n.lower() in text for n in (opt.name, *opt.synonyms) if len(n) > 2):
            return opt
    return None


def availability_target_pct(scope: Scope) -> float:
    nfr = scope.nfr("availability")
    return nfr.target if nfr is not None and nfr.target else DEFAULT_AVAILABILITY_PCT


def redundancy_min(scope: Scope) -> int:
    """Instances the availability target needs: 1 below 99.9%, 2 at 99.9%, 3 from 99.95%."""
    pct = availability_target_pct(scope)
    if pct >= 99.95:
        return 3
    if pct >= 99.9:
        return 2
    return 1


def peak_factor(scope: Scope) -> float:
    value = scope.value("peak_factor", DEFAULT_PEAK_FACTOR)
    return value if value >= 1 else DEFAULT_PEAK_FACTOR


def retention_days(scope: Scope) -> float | None:
    """Retention in days: the assumption, else the retention NFR (seconds), else None."""
    days = scope.value("retention_days", 0.0)
    if days > 0:
        return days
    nfr = scope.nfr("retention")
    if nfr is not None and nfr.target:
        return nfr.target / SECONDS_PER_DAY
    return None


def nodes_needed(peak: float, per_node_ops: float, minimum: int) -> int:
    """Contract sizing: max(ceil(peak / (per_node_ops x 0.7)), redundancy minimum)."""
    if peak <= 0 or per_node_ops <= 0:
        return minimum
    return max(math.ceil(peak / (per_node_ops * UTILISATION) - 1e-9), minimum)


def _is_peak(name: str, label: str, unit: str) -> bool:
    """Whether a rate estimate is a peak figure: by name, then label; per-day counts are not."""
    return not (unit == "per_day" or "avg" in name or "average" in label.lower())


def _twin(name: str, want: str) -> str | None:
    """The avg/peak counterpart of an estimate name, e.g. read_qps_avg <-> read_qps_peak."""
    have = "avg" if want == "peak" else "peak"
    return name.replace(have, want) if have in name else None


def rate_figure(names: list[str], scope: Scope, want: str) -> Figure:
    """Sum of the rate estimates `names`, as peak ('peak') or average ('avg') operations/s."""
    pf = peak_factor(scope)
    terms: list[str] = []
    inputs: dict[str, float] = {}
    total = 0.0
    cited = list(dict.fromkeys(names))
    for name in cited:
        est = scope.estimate(name)
        if est is None or est.unit not in _RATE_UNITS:
            continue
        if est.unit == "count" and "connection" not in name:
            continue  # counts other than concurrent connections do not load a node
        if est.unit == "count":  # concurrent connections: the same at peak and on average
            total += est.value
            terms.append(name)
            inputs[name] = est.value
            continue
        value, term = est.value, name
        if est.unit == "per_day":
            value, term = est.value / SECONDS_PER_DAY, f"{name} / seconds_per_day"
            inputs["seconds_per_day"] = SECONDS_PER_DAY
        if _is_peak(name, est.label, est.unit) == (want == "peak"):
            total += value
            terms.append(term)
            inputs[name] = est.value
            continue
        twin_name = _twin(name, want)
        if twin_name is not None and twin_name in cited:
            continue  # the twin is cited too and counted on its own
        twin = scope.estimate(twin_name) if twin_name else None
        if twin is not None and twin_name is not None:
            total += twin.value
            terms.append(twin_name)
            inputs[twin_name] = twin.value
            continue
        total += value * pf if want == "peak" else value / pf
        terms.append(f"{term} * peak_factor" if want == "peak" else f"{term} / peak_factor")
        inputs[name] = est.value
        inputs["peak_factor"] = pf
    if not terms:
        return NONE
    counts_only = all("connection" in t for t in terms)
    return Figure(total, " + ".join(terms), inputs, " connections" if counts_only else "/s")


def peak_load(component: Component, scope: Scope) -> Figure:
    """Peak operations/s (or concurrent connections) the component's cited estimates put on it."""
    return rate_figure(component.estimates, scope, "peak")


def average_load(component: Component, scope: Scope) -> Figure:
    """Average operations/s on the component (what per-request prices bill)."""
    return rate_figure(component.estimates, scope, "avg")


# Storage estimate suffixes -> days of data one unit of the estimate covers ("" = a total).
_PERIOD_DAYS = {"_per_day": 1.0, "_per_month": 30.4375, "_per_year": 365.0, "_total": 0.0}


def _strip_period(name: str) -> tuple[str, str]:
    for suffix in _PERIOD_DAYS:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _stored_figure(names: list[str], scope: Scope) -> Figure:
    """Bytes kept over the retention period from storage estimates (one per data set: a total
    when there is one, else a per-period figure scaled by the retention)."""
    best: dict[str, tuple[int, str]] = {}
    rank = {"_total": 0, "": 1, "_per_year": 2, "_per_month": 3, "_per_day": 4}
    for name in names:
        est = scope.estimate(name)
        if est is None or est.unit != "bytes" or "storage" not in name:
            continue
        base, suffix = _strip_period(name)
        if base not in best or rank[suffix] < best[base][0]:
            best[base] = (rank[suffix], name)
    terms: list[str] = []
    inputs: dict[str, float] = {}
    total = 0.0
    days = retention_days(scope) or 365.0
    for _, name in best.values():
        value = scope.value(name)
        inputs[name] = value
        period = _PERIOD_DAYS.get(_strip_period(name)[1], 0.0)
        if period:
            total += value * days / period
            per = "" if period == 1 else f" / {period:g}"
            terms.append(f"{name} * retention_days{per}")
            inputs["retention_days"] = days
        else:
            total += value
            terms.append(name)
    if not terms:
        return NONE
    return Figure(total, " + ".join(terms), inputs)


def _fallback_storage(arch: Architecture, scope: Scope) -> dict[str, Figure]:
    """When no component cites a storage estimate: the main database holds storage_total and
    the first object store holds the media (or storage_total when there is no database)."""
    db = next((c for k in PRIMARY_DB_KINDS for c in arch.components if c.kind == k), None)
    if db is None:
        db = next((c for c in arch.components if c.kind in DATABASE_KINDS), None)
    blob = next((c for c in arch.components if c.kind == "object_store"), None)
    main = ["storage_total", "storage_per_year", "storage_per_day"]
    media = ["media_storage_total", "media_storage_per_day"]
    has_media = any(scope.estimate(n) is not None for n in media)
    result: dict[str, Figure] = {}
    if db is not None:
        result[db.id] = _stored_figure(main, scope)
    if blob is not None and (has_media or db is None):
        result[blob.id] = _stored_figure(media if has_media else main, scope)
    return {k: v for k, v in result.items() if v.known}


def stored_bytes(arch: Architecture, scope: Scope) -> tuple[dict[str, Figure], bool]:
    """Bytes each component keeps over the retention period, before replication, and whether
    the split was inferred by kind (no component cites a storage estimate)."""
    cited = {
        c.id: _stored_figure(c.estimates, scope)
        for c in arch.components
        if c.kind != "cache" and (c.stateful or c.kind in STORE_KINDS)
    }
    cited = {k: v for k, v in cited.items() if v.known}
    if cited:
        return cited, False
    fallback = _fallback_storage(arch, scope)
    return fallback, bool(fallback)


def per_node_capacity(option: TechOption, load: Figure) -> float:
    """What one node sustains for this load: connections for a connection count, else ops/s."""
    if load.unit == " connections" and option.per_node_connections:
        return option.per_node_connections
    return option.per_node_ops


def held_bytes(component: Component, scope: Scope, stored: dict[str, Figure]) -> Figure | None:
    """Bytes a component keeps per copy: a cache's hot set (memory), else its stored data."""
    if component.kind == "cache":
        est = scope.estimate("cache_memory")
        if est is None or "cache_memory" not in component.estimates:
            return None
        return Figure(est.value, "cache_memory", {"cache_memory": est.value}, "")
    return stored.get(component.id)
