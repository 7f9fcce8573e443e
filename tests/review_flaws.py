"""The flaw table of the reviewer tests: one mutation of the hardened design per rule (with
the component, severity and figures the finding must name), and mutations that put a
mitigation in place so the rule must stay silent."""

from __future__ import annotations

from dataclasses import dataclass

from review_fixtures import empty_cost
from review_mutations import (
    Mutation,
    add_fanout_worker,
    add_features,
    add_followers,
    add_kv_store,
    add_session_cache,
    add_uncached_kv,
    drop_features,
    set_fields,
    set_nfr,
    steps,
)

from agents.artefacts import Link, Requirement

CONTRACT_RULES = {
    "no-spof",
    "zone-spread",
    "availability-composition",
    "durability",
    "budget",
    "headroom",
    "hot-keys",
    "retry-idempotency",
    "queue-dlq",
    "queue-backpressure",
    "rate-limiting",
    "slo-alerting",
    "cache-invalidation",
    "thundering-herd",
    "unbounded-fanout",
    "split-brain",
    "check-then-act",
    "clock-ordering",
    "latency-budget",
    "encryption",
    "unserved-requirement",
}


@dataclass
class Flaw:
    name: str
    rule: str
    mutate: Mutation
    component: str | None
    severity: str
    expect: tuple[str, ...]


FLAWS = [
    Flaw(
        "single stateful node",
        "no-spof",
        set_fields("paste_db", instances=1, replication=1),
        "paste_db",
        "blocker",
        ("paste_db has 1 instance", "every Paste record", "FR-1 and FR-2"),
    ),
    Flaw(
        "single stateless node",
        "no-spof",
        set_fields("api", instances=1),
        "api",
        "major",
        ("api has 1 instance", "FR-1 and FR-2", "99.5%"),
    ),
    Flaw(
        "replicas without failover",
        "no-spof",
        lambda s, a: drop_features(a, "paste_db", "automatic_failover"),
        "paste_db",
        "blocker",
        ("no automatic failover", "3 nodes"),
    ),
    Flaw(
        "replicas in one zone",
        "zone-spread",
        lambda s, a: drop_features(a, "paste_db", "multi_az"),
        "paste_db",
        "major",
        ("paste_db runs 3 nodes (primary + 2 replicas)", "every Paste record", "3 availability"),
    ),
    Flaw(
        "stateless tier in one zone",
        "zone-spread",
        lambda s, a: drop_features(a, "api", "multi_az"),
        None,
        "minor",
        ("stateless tiers api (3 nodes)", "topology spread constraints"),
    ),
    Flaw(
        "composed below a strict SLO",
        "availability-composition",
        lambda s, a: set_nfr(s, "availability", 99.999),
        None,
        "blocker",
        ("composed availability 99.98% < SLO 99.999%", "lb 99.99%", "min/month"),
    ),
    Flaw(
        "composed just below the SLO",
        "availability-composition",
        lambda s, a: set_nfr(s, "availability", 99.985),
        None,
        "major",
        ("< SLO 99.985%", "blob 99.99%"),
    ),
    Flaw(
        "two copies, no backups",
        "durability",
        steps(
            set_fields("paste_db", replication=2),
            lambda s, a: drop_features(a, "paste_db", "backups", "point_in_time_recovery"),
        ),
        "paste_db",
        "major",
        ("keeps 2 copies", "has no backups", "99.99%"),
    ),
    Flaw(
        "weak store under a 9-nines NFR",
        "durability",
        steps(
            set_fields("paste_db", replication=2), lambda s, a: set_nfr(s, "durability", 99.9999999)
        ),
        "paste_db",
        "blocker",
        ("keeps 2 copies", "99.9999999%"),
    ),
    Flaw(
        "far over budget",
        "budget",
        lambda s, a: empty_cost(total=7000, budget=5000),
        None,
        "blocker",
        ("$7,000", "140%", "$5,000", "over by $2,000"),
    ),
    Flaw(
        "a little over budget",
        "budget",
        lambda s, a: empty_cost(total=5500, budget=5000),
        None,
        "major",
        ("110%", "over by $500"),
    ),
    Flaw(
        "hot service tier",
        "headroom",
        set_fields("api", instances=2),
        "api",
        "major",
        ("3,828/s", "2 × 2,000/s", "96% utilisation > 70%", "= 3 instances"),
    ),
    Flaw(
        "hot partition with no cache in front",
        "headroom",
        lambda s, a: add_uncached_kv(s, a),
        "profile_kv",
        "major",
        ("no cache in front", "hottest key draws", "3 replica(s) × 10,000/s", "suffixed copies"),
    ),
    Flaw(
        "full disks",
        "headroom",
        lambda s, a: setattr(s.estimate("metadata_storage_total"), "value", 4e12),
        "paste_db",
        "major",
        ("4 TB per node", "200% of 2,000 GB"),
    ),
    Flaw(
        "hot keys in a read-heavy cache",
        "hot-keys",
        lambda s, a: drop_features(a, "paste_cache", "hot_key_replication", "request_coalescing"),
        "paste_cache",
        "major",
        ("read-heavy", "reads_per_write 10", "2 node(s)"),
    ),
    Flaw(
        "kv partitioned by date",
        "hot-keys",
        lambda s, a: add_kv_store(a, "created_date"),
        "events_kv",
        "major",
        ("partitions ViewEvent on 'created_date'", "348/s"),
    ),
    Flaw(
        "retried inserts without keys",
        "retry-idempotency",
        lambda s, a: drop_features(a, "paste_db", "idempotency_keys", "conditional_writes"),
        "paste_db",
        "major",
        ("api retries", "INSERT paste", "paste_db at up to 348/s"),
    ),
    Flaw(
        "retried publishes to a non-idempotent consumer",
        "retry-idempotency",
        lambda s, a: drop_features(a, "counter", "idempotency_keys"),
        "counter",
        "major",
        ("via view_queue", "counter"),
    ),
    Flaw(
        "queue without DLQ",
        "queue-dlq",
        lambda s, a: drop_features(a, "view_queue", "dead_letter_queue"),
        "view_queue",
        "major",
        ("view_queue carries 3,480/s", "counter", "no dead-letter queue"),
    ),
    Flaw(
        "queue without backpressure or lag alerts",
        "queue-backpressure",
        lambda s, a: drop_features(a, "view_queue", "backpressure", "consumer_lag_alerts"),
        "view_queue",
        "major",
        ("bursts reach 3× the 1,160/s average", "consumers drain 10,000/s"),
    ),
    Flaw(
        "no rate limiting",
        "rate-limiting",
        lambda s, a: drop_features(a, "lb", "rate_limiting"),
        "lb",
        "major",
        ("Peak demand is 3,828/s", "serve at most 6,000/s", "1.57× the peak"),
    ),
    Flaw(
        "no observability",
        "slo-alerting",
        lambda s, a: setattr(a, "observability", None),
        None,
        "major",
        ("no observability at all",),
    ),
    Flaw(
        "SLO missing for the availability NFR",
        "slo-alerting",
        lambda s, a: setattr(a.observability, "slos", ["p99 latency < 200 ms"]),
        None,
        "major",
        ("NFR-1 (availability 99.9%) has no SLO",),
    ),
    Flaw(
        "no alerts",
        "slo-alerting",
        lambda s, a: setattr(a.observability, "alerts", []),
        None,
        "major",
        ("0 alerts",),
    ),
    Flaw(
        "cache never invalidated",
        "cache-invalidation",
        lambda s, a: drop_features(a, "paste_cache", "ttl_invalidation", "invalidate_on_write"),
        "paste_cache",
        "major",
        ("20 GB hot set", "no TTL"),
    ),
    Flaw(
        "herd on expiry",
        "thundering-herd",
        lambda s, a: drop_features(a, "paste_cache", "request_coalescing", "jittered_ttl"),
        "paste_cache",
        "minor",
        ("read_qps_peak 3,480", "paste_db"),
    ),
    Flaw(
        "uncapped fan-out",
        "unbounded-fanout",
        steps(lambda s, a: add_followers(s), lambda s, a: add_fanout_worker(a)),
        "fanout_worker",
        "major",
        ("fanout_writes_per_sec 23,000", "50M followers (max_followers)", "into 50M writes"),
    ),
    Flaw(
        "failover without quorum",
        "split-brain",
        lambda s, a: drop_features(a, "paste_db", "quorum"),
        "paste_db",
        "major",
        ("3 nodes", "from api"),
    ),
    Flaw(
        "unique keys without conditional writes",
        "check-then-act",
        lambda s, a: drop_features(a, "paste_db", "conditional_writes"),
        "paste_db",
        "major",
        ("key_generation", "348 (write_qps_peak)"),
    ),
    Flaw(
        "chat ordered by client clocks",
        "clock-ordering",
        lambda s, a: setattr(s, "archetype", "chat"),
        "api",
        "minor",
        ("ordering-sensitive system (chat and messaging)", "348"),
    ),
    Flaw(
        "slow read path",
        "latency-budget",
        lambda s, a: set_nfr(s, "latency_p99", 0.05),
        None,
        "major",
        ("lb → api → paste_cache → paste_db → blob", "67 ms", "p99 target 50 ms"),
    ),
    Flaw(
        "store not encrypted",
        "encryption",
        lambda s, a: drop_features(a, "paste_db", "encryption_at_rest"),
        "paste_db",
        "minor",
        ("paste_db stores Paste unencrypted", "3 cop"),
    ),
    Flaw(
        "entry without TLS",
        "encryption",
        lambda s, a: drop_features(a, "lb", "tls"),
        "lb",
        "minor",
        ("public entry without TLS (3,828/s at peak)",),
    ),
    Flaw(
        "FR served by nothing",
        "unserved-requirement",
        lambda s, a: s.functional.append(
            Requirement(id="FR-4", kind="functional", text="Expire pastes")
        ),
        None,
        "major",
        ("1 of 4 functional requirements served by no component", "FR-4 'Expire pastes'"),
    ),
    Flaw(
        "component serving nothing",
        "unserved-requirement",
        set_fields("counter", serves=[]),
        "counter",
        "major",
        ("counter (worker, 2 instance(s)) serves no requirement",),
    ),
]


SILENT = [
    ("zone-spread", set_fields("paste_db", instances=0, managed=True)),
    ("zone-spread", lambda s, a: drop_features(a, "counter", "multi_az")),  # not critical
    # composed 99.97998% against 99.98%: 0.1% over the error budget is rounding, not a flaw
    ("availability-composition", lambda s, a: set_nfr(s, "availability", 99.98)),
    ("hot-keys", add_session_cache),
    ("thundering-herd", add_session_cache),
    ("no-spof", set_fields("paste_db", instances=0, managed=True)),
    (
        "hot-keys",
        lambda s, a: s.assumptions.__setitem__(
            1, s.assumptions[1].model_copy(update={"value": 1.0})
        ),
    ),
    ("hot-keys", lambda s, a: add_kv_store(a, "paste_key")),
    (
        "unbounded-fanout",
        steps(lambda s, a: add_followers(s), lambda s, a: add_fanout_worker(a, "fanout_cap")),
    ),
    (
        "clock-ordering",
        steps(
            lambda s, a: setattr(s, "archetype", "chat"),
            lambda s, a: add_features(a, "api", "server_assigned_ids"),
        ),
    ),
    (
        "split-brain",
        steps(
            lambda s, a: drop_features(a, "paste_db", "quorum"),
            lambda s, a: add_features(a, "paste_db", "fencing_tokens"),
        ),
    ),
    (
        "rate-limiting",
        steps(
            lambda s, a: drop_features(a, "lb", "rate_limiting"),
            lambda s, a: add_features(a, "api", "rate_limiting"),
        ),
    ),
    (
        "retry-idempotency",
        steps(
            lambda s, a: drop_features(a, "api", "retries_with_backoff"),
            lambda s, a: drop_features(a, "paste_db", "idempotency_keys", "conditional_writes"),
        ),
    ),
    ("budget", lambda s, a: empty_cost(total=7000, budget=None)),
    ("latency-budget", lambda s, a: s.non_functional.remove(s.nfr("latency_p99"))),
    (
        "availability-composition",
        lambda s, a: a.links.append(
            Link(source="api", target="paste_cache", label="GET again", critical=False)
        ),
    ),
]
