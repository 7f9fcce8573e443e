"""Multi-region facts every role shares: which components are global, how availability composes
over active regions, and how each kind of store replicates between regions.

With n active regions behind a global traffic-steering component (latency-based DNS with health
checks), a request fails only when the steering fails or every region fails:

    A = A_global × (1 − (1 − A_region)^n)

where A_region is the product of the regional components on the critical path (each region runs
its own copy of them) and A_global the product of the global ones (steering, CDN, third-party
providers), which every region shares. With one region everything is in series.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .artefacts import Component

STEERING_FEATURE = "global_traffic_steering"
CROSS_REGION_FEATURE = "cross_region_replication"
# Kinds that are one global service whatever the region count.
GLOBAL_KINDS = frozenset({"cdn", "external"})
# Stores of record that replicate to every region (caches, queues and indexes stay regional:
# they are rebuilt or drained where they are).
REPLICATED_KINDS = frozenset(
    {"sql_db", "kv_store", "document_db", "object_store", "time_series_db", "graph_db"}
)
DNS_TTL_S = 60
HEALTH_CHECK_INTERVAL_S = 10
HEALTH_CHECK_FAILURES = 3
# A failed region stops receiving new lookups after the failed checks, and cached answers
# expire after one TTL.
FAILOVER_S = HEALTH_CHECK_INTERVAL_S * HEALTH_CHECK_FAILURES + DNS_TTL_S
MULTI_REGION_SLO_PCT = 99.99  # from this target one region of managed services rarely suffices


def is_steering(component: Component) -> bool:
    """Whether the component is the global traffic steering (DNS with health checks)."""
    return STEERING_FEATURE in component.features


def is_global(component: Component) -> bool:
    """Whether the component is shared by every region instead of deployed in each."""
    return is_steering(component) or component.kind in GLOBAL_KINDS


@dataclass(frozen=True)
class Composition:
    """Availability of the critical path over the active regions, with its derivation."""

    value: float
    regional: float  # one region's path
    shared: float  # the global components in series with every region
    regions: int
    formula: str


def compose(
    figures: Sequence[tuple[Component, float]], regions: int, fmt: Callable[[float], str]
) -> Composition:
    """Compose the critical path's availabilities; `fmt` shows an availability (0..1)."""
    n = max(1, regions)
    if n == 1:
        value = math.prod(a for _, a in figures)
        chain = " × ".join(f"{c.id} {fmt(a)}" for c, a in figures)
        return Composition(value, value, 1.0, 1, chain)
    shared = [(c, a) for c, a in figures if is_global(c)]
    regional = [(c, a) for c, a in figures if not is_global(c)]
    a_region = math.prod(a for _, a in regional)
    a_shared = math.prod(a for _, a in shared)
    value = a_shared * (1 - (1 - a_region) ** n)
    region_chain = " × ".join(f"{c.id} {fmt(a)}" for c, a in regional) or "1"
    shared_chain = " × ".join(f"{c.id} {fmt(a)}" for c, a in shared)
    formula = (
        f"A_region = {region_chain} = {fmt(a_region)}; "
        f"A = {shared_chain + ' × ' if shared_chain else ''}"
        f"(1 − (1 − A_region)^{n}) over {n} active regions"
    )
    return Composition(value, a_region, a_shared, n, formula)


def weakness(
    figures: Sequence[tuple[Component, float]], regions: int
) -> list[tuple[Component, float]]:
    """(component, how much of the path's unavailability it explains), weakest first: a global
    component's own 1 − A; a regional one's 1 − A times the chance the other regions are down
    too, (1 − A_region)^(n−1)."""
    n = max(1, regions)
    a_region = math.prod(a for c, a in figures if n == 1 or not is_global(c))
    others_down = (1 - a_region) ** (n - 1)
    scored = [(c, (1 - a) if n == 1 or is_global(c) else (1 - a) * others_down) for c, a in figures]
    return sorted(scored, key=lambda pair: -pair[1])


@dataclass(frozen=True)
class ReplicationMode:
    """How a store copies its data to the other regions, and what a region loss may lose."""

    mode: str
    rpo: str  # recovery point objective in words
    rpo_s: float  # seconds of acknowledged writes a region loss may lose (0 = none)
    writes: str  # where writes go


_MODES: tuple[tuple[tuple[str, ...], ReplicationMode], ...] = (
    (
        ("cockroach", "spanner", "yugabyte"),
        ReplicationMode(
            "multi-region Raft groups: a write commits on a quorum spanning regions",
            "0 (synchronous quorum)",
            0.0,
            "any region; each write pays one cross-region round trip",
        ),
    ),
    (
        ("dynamodb",),
        ReplicationMode(
            "global table: every region accepts writes, replicated asynchronously "
            "(last writer wins per item)",
            "≈1 s (replication lag)",
            1.0,
            "the local region",
        ),
    ),
    (
        ("aurora",),
        ReplicationMode(
            "Aurora Global Database: storage-level asynchronous replication from the writer "
            "region; managed failover promotes the other region",
            "≈1 s (replication lag)",
            1.0,
            "the writer region; other regions read locally and forward writes",
        ),
    ),
    (
        ("cassandra", "scylla", "keyspaces"),
        ReplicationMode(
            "multi-datacenter replication (NetworkTopologyStrategy, RF 3 per region), "
            "LOCAL_QUORUM writes, asynchronous between regions",
            "seconds (hinted handoff and repair close the gap)",
            5.0,
            "the local region",
        ),
    ),
    (
        ("mongo", "documentdb", "atlas"),
        ReplicationMode(
            "replica-set members in every region; the primary's region takes writes, the "
            "others replicate asynchronously",
            "seconds (replication lag)",
            5.0,
            "the primary's region",
        ),
    ),
    (
        ("s3", "r2", "minio", "object"),
        ReplicationMode(
            "cross-region replication of every new object (asynchronous; with replication "
            "time control 99.99% of objects within 15 min)",
            "≤ 15 min of new objects",
            900.0,
            "the local region's bucket",
        ),
    ),
)
_DEFAULT_MODE = ReplicationMode(
    "asynchronous streaming replica in every other region; one writer region, promoted "
    "elsewhere on a region loss",
    "seconds (replication lag)",
    5.0,
    "the writer region; other regions read locally",
)


def replication_mode(component: Component) -> ReplicationMode:
    """How `component` replicates across regions, by its technology."""
    text = f"{component.technology} {component.kind}".lower()
    for words, mode in _MODES:
        if any(w in text for w in words):
            return mode
    return _DEFAULT_MODE


def regional_sizing(sizing: str, instances: int, regions: int) -> str:
    """A sizing string made explicit about regions ('… per region × 2 regions = 6 in total')."""
    if regions <= 1 or "per region" in sizing:
        return sizing
    if instances > 0:
        return (
            f"{sizing} per region × {regions} regions = {instances * regions} in total "
            "(each region is sized for the full peak so one region carries all traffic "
            "when another fails)"
        )
    return f"{sizing}; one deployment per region × {regions} regions"
