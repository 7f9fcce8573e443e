"""Per-partition headroom of a store that serves a read-heavy path with no cache in front.

A partitioned store (key-value, document, graph or geo index) serves each key from one
partition. Node counts and capacity units only add up when the load spreads; popular keys do
not spread. Under a Zipf(1) popularity over N keys the most popular key draws 1 / H_N of the
reads (H_N ≈ ln N + 0.577, about 5% for a billion keys), and with no cache in front of the
store all of them land on that key's partition. When that exceeds 70% of one partition, the
design is one viral key away from throttling, however many partitions the store has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..artefacts import Component
from ..cost.load import UTILISATION, retention_days
from ..cost.units import fmt_num, fmt_pct, fmt_rate
from ..kb import TechOption
from .context import ReviewContext, listing

EULER_GAMMA = 0.5772  # H_N = ln N + gamma (+ O(1/N))
PARTITIONED_KINDS = ("kv_store", "document_db", "graph_db", "geo_index")
MIN_KEYS = 1000.0
MITIGATIONS = ("hot_key_replication",)
READ_ESTIMATE = "read_qps_peak"
# Caches that keep counters, sessions or connections, not copies of the store's records.
STATE_CACHE_WORDS = ("session", "rate", "limit", "presence", "connection", "lock", "token")


@dataclass(frozen=True)
class HotPartition:
    """The hottest key's reads against one partition, with the words of a finding."""

    problem: str
    fix: str
    copies: int


def _keys(ctx: ReviewContext) -> tuple[float, str]:
    """How many keys the reads spread over, and where that number comes from."""
    scope = ctx.scope
    keys = scope.value("keys_needed", 0.0)
    if keys > 0:
        return max(keys, MIN_KEYS), "keys_needed"
    per_day = scope.value("writes_per_day", 0.0)
    days = retention_days(scope) or 365.0
    return max(per_day * days, MIN_KEYS), "writes_per_day × retention_days"


def _cached(ctx: ReviewContext, store: Component) -> bool:
    """Whether a read-through cache sits in front of `store` (a caller of the store also
    calls a cache that holds the read hot set)."""
    callers = {lk.source for lk in ctx.incoming(store.id)}
    for caller in callers:
        for link in ctx.outgoing(caller):
            cache = ctx.comp(link.target)
            if cache is not None and _holds_hot_set(cache):
                return True
    return False


def _holds_hot_set(cache: Component) -> bool:
    """A cache of stored records (its hot set, or sized by reads alone), not a counter,
    session or connection store."""
    if cache.kind != "cache":
        return False
    text = f"{cache.id} {cache.name}".lower()
    if any(w in text for w in STATE_CACHE_WORDS):
        return False
    reads_only = READ_ESTIMATE in cache.estimates and "write_qps_peak" not in cache.estimates
    return "cache_memory" in cache.estimates or reads_only


def _partition_capacity(store: Component, option: TechOption) -> tuple[float, str]:
    """Reads one key's partition sustains: a capacity unit of a per-request service, else
    every replica of the partition (reads at consistency ONE spread over the copies)."""
    if store.instances == 0:
        return option.per_node_ops, f"{fmt_rate(option.per_node_ops)} per partition"
    copies = max(1, store.replication)
    per = f"{copies} replica(s) × {fmt_rate(option.per_node_ops)}"
    return option.per_node_ops * copies, per


def hot_partition(ctx: ReviewContext, store: Component, option: TechOption) -> HotPartition | None:
    """The hottest key's partition at > 70% in a read-heavy system with no cache in front."""
    if (
        store.kind not in PARTITIONED_KINDS
        or READ_ESTIMATE not in store.estimates
        or not ctx.read_heavy
        or option.per_node_ops <= 0
        or ctx.has(store, *MITIGATIONS)
        or _cached(ctx, store)
    ):
        return None
    reads = ctx.scope.value(READ_ESTIMATE, 0.0)
    keys, source = _keys(ctx)
    share = 1 / (math.log(keys) + EULER_GAMMA)
    hottest = reads * share
    capacity, per = _partition_capacity(store, option)
    util = hottest / capacity
    if util <= UTILISATION:
        return None
    copies = math.ceil(hottest / (capacity * UTILISATION) - 1e-9)
    problem = (
        f"serves every read with no cache in front (reads_per_write "
        f"{fmt_num(ctx.reads_per_write)}): under Zipf popularity over {fmt_num(keys)} keys "
        f"({source}) the hottest key draws 1/(ln N + 0.577) = {fmt_pct(share)} of "
        f"{ctx.value_text(READ_ESTIMATE)} = {fmt_rate(hottest)}, all on one partition "
        f"({per}) = {fmt_pct(util)} of its capacity > {fmt_pct(UTILISATION)}"
    )
    readers = [c.id for c in (ctx.comp(lk.source) for lk in ctx.incoming(store.id)) if c]
    fix = (
        f"put a read-through cache with hot-key replication in front of {store.id} for "
        f"{listing(readers) or 'its readers'}, or replicate hot keys in {store.id} under "
        f"ceil({fmt_num(hottest)} / ({fmt_num(capacity)} × {UTILISATION})) = {copies} suffixed "
        "copies (key#0…) read at random"
    )
    return HotPartition(problem, fix, copies)
