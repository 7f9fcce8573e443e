"""Data-correctness rules: caches (invalidation, herds, hot keys), check-then-act races, clock
ordering, encryption at rest and in transit."""

from __future__ import annotations

from ..artefacts import Component, Finding
from ..cost.load import STORE_KINDS
from ..cost.units import fmt_bytes, fmt_num, fmt_rate
from .context import ENTRY_KINDS, ReviewContext, listing

# Partition keys with few values or monotonic values concentrate load on one partition.
SKEWED_KEY_WORDS = (
    "date",
    "day",
    "hour",
    "time",
    "created",
    "country",
    "region",
    "status",
    "type",
    "category",
    "bucket",
)
# In fan-out systems, keys of popular producers are hot (one celebrity, one big room).
CELEBRITY_KEY_WORDS = (
    "author",
    "creator",
    "celebrity",
    "followee",
    "channel",
    "room",
    "artist",
    "seller",
    "publisher",
    "event_id",
)
CELEBRITY_TRAITS = (
    "fanout",
    "fan_out",
    "feed",
    "timeline",
    "celebrit",
    "follow",
    "social",
    "broadcast",
    "live",
)
UNIQUENESS_TRAITS = (
    "key_generation",
    "shorten",
    "unique",
    "booking",
    "reserv",
    "inventor",
    "payment",
    "ticket",
    "seat",
    "ledger",
    "wallet",
    "checkout",
    "auction",
    "coupon",
    "username",
    "transfer",
)
ORDERING_TRAITS = ("chat", "messag", "ordering", "sequenc", "collab", "conversation", "inbox")


# Caches that hold counters, sessions or connection state rather than copies of stored
# records: no read-through miss path, so no hot read key or herd onto a store.
STATE_CACHE_WORDS = ("session", "rate", "limit", "presence", "connection", "lock", "token")


def _cache_backends(ctx: ReviewContext, cache: Component) -> list[Component]:
    """Stores the callers of a cache fall back to on a miss: those named like the cache
    ('post_cache' -> 'post_store') when there are any, else every store its callers use."""
    callers = [lk.source for lk in ctx.incoming(cache.id)]
    stores = [
        ctx.comp(lk.target)
        for caller in callers
        for lk in ctx.outgoing(caller)
        if lk.target != cache.id
    ]
    found = list({b.id: b for b in stores if b is not None and b.kind in STORE_KINDS}.values())
    stem = cache.id.split("_")[0]
    named = [b for b in found if b.id.split("_")[0] == stem]
    return named or found


def _read_through(ctx: ReviewContext, cache: Component) -> bool:
    """Whether a cache holds copies of stored records (not counters, sessions, presence)."""
    text = f"{cache.id} {cache.name}".lower()
    return not any(w in text for w in STATE_CACHE_WORDS) and bool(_cache_backends(ctx, cache))


def _reads(ctx: ReviewContext) -> str:
    peak = ctx.scope.estimate("read_qps_peak")
    return f"read_qps_peak {peak.display}" if peak else "the peak read rate"


def cache_invalidation(ctx: ReviewContext) -> list[Finding]:
    """A cache with neither TTLs nor invalidate-on-write serves stale data indefinitely."""
    findings = []
    hot = ctx.scope.estimate("cache_memory")
    for cache in ctx.of_kind("cache"):
        if ctx.has(cache, "ttl_invalidation", "invalidate_on_write"):
            continue
        size = f" a {fmt_bytes(hot.value)} hot set (cache_memory)" if hot else " hot records"
        message = (
            f"{cache.id} holds{size} with no TTL and no invalidate-on-write: after an update or "
            "delete the old value is served until eviction, for as long as it stays hot."
        )
        backends = [b.id for b in _cache_backends(ctx, cache)] or ["the database"]
        fix = (
            f"Delete the key from {cache.id} after every committed write to {listing(backends)} "
            "and give entries a TTL (minutes for mutable records) so a missed invalidation heals "
            "itself."
        )
        findings.append(ctx.finding("cache-invalidation", cache.id, message, fix))
    return findings


def thundering_herd(ctx: ReviewContext) -> list[Finding]:
    """When a hot key expires, every concurrent request misses and hits the store at once."""
    findings = []
    for cache in ctx.of_kind("cache"):
        if ctx.has(cache, "request_coalescing", "jittered_ttl") or not _read_through(ctx, cache):
            continue
        backends = [b.id for b in _cache_backends(ctx, cache)]
        message = (
            f"{cache.id} has neither request coalescing nor jittered TTLs: when a hot key "
            f"expires, the concurrent misses ({_reads(ctx)} in total) all go to "
            f"{listing(backends)} at once, and keys written together expire together."
        )
        fix = (
            "Coalesce misses (one loader per key, others wait: single-flight) and add ±10% "
            "jitter to TTLs; refresh the hottest keys ahead of expiry."
        )
        findings.append(ctx.finding("thundering-herd", cache.id, message, fix))
    return findings


def hot_keys(ctx: ReviewContext) -> list[Finding]:
    """One hot key lives on one node: caches in read-heavy or celebrity systems need hot-key
    replication or coalescing; key-value stores must not partition on a skewed key."""
    celebrity = ctx.fanout_estimate is not None or bool(ctx.mentions(*CELEBRITY_TRAITS))
    findings: dict[str, Finding] = {}
    if ctx.read_heavy or celebrity:
        why = (
            f"reads_per_write {fmt_num(ctx.reads_per_write)}"
            if ctx.read_heavy
            else f"fan-out ({ctx.fanout_estimate or listing(ctx.mentions(*CELEBRITY_TRAITS))})"
        )
        for cache in ctx.of_kind("cache"):
            if ctx.has(cache, "hot_key_replication", "request_coalescing"):
                continue
            if not _read_through(ctx, cache):
                continue
            option = ctx.option(cache)
            per_node = f" (per node {fmt_rate(option.per_node_ops)})" if option else ""
            message = (
                f"the system is {'read-heavy' if ctx.read_heavy else 'fan-out heavy'} ({why}) "
                f"and {cache.id} spreads keys over {max(cache.instances, 1)} node(s){per_node}: "
                f"every read of one viral key lands on a single node, so a key drawing a large "
                f"share of {_reads(ctx)} saturates it while the rest idle."
            )
            fix = (
                f"Replicate hot keys on {cache.id} (key#n suffixes or a client-side local cache "
                "for the top keys) and coalesce concurrent misses."
            )
            findings[cache.id] = ctx.finding("hot-keys", cache.id, message, fix)
    for entity in ctx.arch.entities:
        store = ctx.comp(entity.store)
        key = (entity.partition_key or "").lower()
        if store is None or store.kind != "kv_store" or not key or store.id in findings:
            continue
        skew = [w for w in SKEWED_KEY_WORDS if w in key]
        if celebrity:
            skew += [w for w in CELEBRITY_KEY_WORDS if w in key]
        if not skew:
            continue
        rate = ctx.peak(store)
        load = f" at {fmt_rate(rate.value)} peak ({rate.formula})" if rate.known else ""
        message = (
            f"{store.id} partitions {entity.name} on '{entity.partition_key}'{load}: a "
            f"{'low-cardinality or monotonic' if skew[0] in SKEWED_KEY_WORDS else 'popular'} key "
            f"sends a skewed share of the traffic to one partition across "
            f"{max(store.instances, 1)} node(s)."
        )
        fix = (
            f"Partition {entity.name} on a high-cardinality key (hash of the id), or salt the hot "
            "key into N sub-keys and merge on read."
        )
        findings[store.id] = ctx.finding("hot-keys", store.id, message, fix)
    return list(findings.values())


def check_then_act(ctx: ReviewContext) -> list[Finding]:
    """Unique keys and reservations need an atomic conditional write, not read-then-write."""
    traits = ctx.mentions(*UNIQUENESS_TRAITS)
    if not traits:
        return []
    findings = []
    for store in ctx.of_kind("sql_db", "kv_store", "document_db"):
        written = [lk for lk in ctx.incoming(store.id) if ctx.is_write(lk)]
        if not written and not ctx.entities_in(store):
            continue
        if ctx.has(store, "conditional_writes"):
            continue
        writes = ctx.scope.estimate("write_qps_peak")
        rate = f" at up to {writes.display} (write_qps_peak)" if writes else ""
        message = (
            f"the system needs uniqueness or reservations ({listing(traits)}) and {store.id} "
            f"takes writes{rate} without conditional writes: two requests can both check that "
            "a key or a slot is free and both write it."
        )
        fix = (
            f"Make the claim atomic in {store.id}: INSERT … ON CONFLICT DO NOTHING / a unique "
            "constraint, or a conditional put (attribute_not_exists / compare-and-set on a "
            "version), and handle the conflict as a retry with a new key or a sold-out answer."
        )
        findings.append(ctx.finding("check-then-act", store.id, message, fix))
    return findings


def clock_ordering(ctx: ReviewContext) -> list[Finding]:
    """Messages ordered by client clocks reorder: the server must assign ids/sequence."""
    traits = ctx.mentions(*ORDERING_TRAITS)
    if not traits or any(ctx.has(c, "server_assigned_ids") for c in ctx.arch.components):
        return []
    write_targets = [ctx.comp(lk.target) for lk in ctx.arch.links if ctx.is_write(lk)]
    handlers = [
        c for c in write_targets if c is not None and c.kind in ("service", "websocket_gateway")
    ]
    handlers = handlers or ctx.of_kind("websocket_gateway", "service")
    target = handlers[0].id if handlers else None
    writes = ctx.scope.estimate("write_qps_peak")
    rate = f" at up to {writes.display}" if writes else ""
    message = (
        f"an ordering-sensitive system ({listing(traits)}) with no server-assigned ids or "
        f"sequence numbers: messages arrive{rate} from devices whose clocks drift by seconds, so "
        "ordering by client timestamps reorders conversations and cannot detect gaps."
    )
    fix = (
        f"Assign a per-conversation sequence number (or a time-ordered id such as a Snowflake id) "
        f"in {target or 'the write service'} and order and deduplicate by it; keep client time "
        "for display only."
    )
    return [ctx.finding("clock-ordering", target, message, fix)]


def encryption(ctx: ReviewContext) -> list[Finding]:
    """Data at rest is encrypted in every store; public entries terminate TLS."""
    findings = []
    for comp in ctx.arch.components:
        holds_data = comp.kind in STORE_KINDS or (comp.stateful and comp.kind in ("queue",))
        if holds_data and not ctx.has(comp, "encryption_at_rest"):
            what = listing(ctx.entities_in(comp)) if ctx.entities_in(comp) else "its data"
            message = (
                f"{comp.id} stores {what} unencrypted at rest across {comp.replication} "
                "cop(ies) and its backups: a leaked disk or snapshot exposes it."
            )
            fix = f"Enable encryption at rest on {comp.id} with keys in a KMS, rotated yearly."
            findings.append(ctx.finding("encryption", comp.id, message, fix))
        elif comp in ctx.entries and comp.kind in ENTRY_KINDS and not ctx.has(comp, "tls"):
            demand = ctx.scope.value("read_qps_peak") + ctx.scope.value("write_qps_peak")
            load = f" ({fmt_rate(demand)} at peak)" if demand else ""
            message = (
                f"{comp.id} is a public entry without TLS{load}: requests, sessions and tokens "
                "travel in clear."
            )
            fix = f"Terminate TLS 1.2+ at {comp.id} (managed certificates) and redirect HTTP."
            findings.append(ctx.finding("encryption", comp.id, message, fix))
    return findings
