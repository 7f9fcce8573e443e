"""Each review rule fires on a design with its flaw (with the numbers) and is silent without."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from review_fixtures import empty_cost, good_design, good_scope, make_kb

from agents.artefacts import (
    Architecture,
    Assumption,
    Component,
    CostReport,
    Entity,
    EntityField,
    Estimate,
    Link,
    Requirement,
    Scope,
)
from agents.reviewer import RULES, ReviewContext

CONTRACT_RULES = {
    "no-spof",
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

Mutation = Callable[[Scope, Architecture], CostReport | None]


def _ctx(mutate: Mutation | None = None) -> ReviewContext:
    scope, arch = good_scope(), good_design()
    cost = (mutate(scope, arch) if mutate else None) or empty_cost()
    return ReviewContext(scope=scope, arch=arch, cost=cost, kb=make_kb())


def _c(arch: Architecture, cid: str) -> Component:
    comp = arch.component(cid)
    assert comp is not None
    return comp


def _drop(arch: Architecture, cid: str, *features: str) -> None:
    comp = _c(arch, cid)
    comp.features = [f for f in comp.features if f not in features]


def _add(arch: Architecture, cid: str, *features: str) -> None:
    _c(arch, cid).features.extend(features)


def _set_nfr(scope: Scope, metric: str, target: float) -> None:
    nfr = scope.nfr(metric)
    assert nfr is not None
    nfr.target = target


def _est(scope: Scope, name: str, value: float, unit: str = "req/s") -> None:
    scope.estimates.append(
        Estimate(
            name=name,
            label=name,
            value=value,
            unit=unit,
            display=f"{value:,.0f}",
            formula=name,
            inputs={name: value},
        )
    )


def _kv_store(arch: Architecture, key: str) -> None:
    arch.components.append(
        Component(
            id="events_kv",
            name="events",
            kind="kv_store",
            technology="Cassandra",
            instances=3,
            sizing="t",
            stateful=True,
            replication=3,
            serves=["FR-3"],
            estimates=["write_qps_peak"],
            responsibility="r",
            features=["backups", "encryption_at_rest", "fencing_tokens"],
        )
    )
    arch.entities.append(
        Entity(
            name="ViewEvent",
            store="events_kv",
            partition_key=key,
            fields=[EntityField(name=key, type="string", key="PK")],
        )
    )


def _fanout_worker(arch: Architecture, *features: str) -> None:
    arch.components.append(
        Component(
            id="fanout_worker",
            name="timeline fan-out",
            kind="worker",
            technology="Worker pool",
            instances=4,
            sizing="t",
            stateful=False,
            serves=["FR-3"],
            estimates=["fanout_writes_per_sec"],
            responsibility="r",
            features=list(features),
        )
    )


def _followers(scope: Scope) -> None:
    _est(scope, "fanout_writes_per_sec", 23000)
    scope.assumptions.append(
        Assumption(
            name="max_followers",
            label="followers of the top account",
            value=5e7,
            unit="count",
            display="50M",
            provenance="assumed",
            why="celebrity",
        )
    )


@dataclass
class Flaw:
    name: str
    rule: str
    mutate: Mutation
    component: str | None
    severity: str
    expect: tuple[str, ...]


def m(*steps: Callable[[Scope, Architecture], object]) -> Mutation:
    def run(scope: Scope, arch: Architecture) -> CostReport | None:
        result = None
        for step in steps:
            out = step(scope, arch)
            result = out if isinstance(out, CostReport) else result
        return result

    return run


def _set(cid: str, **values: object) -> Callable[[Scope, Architecture], None]:
    def run(_: Scope, arch: Architecture) -> None:
        for key, value in values.items():
            setattr(_c(arch, cid), key, value)

    return run


FLAWS = [
    Flaw(
        "single stateful node",
        "no-spof",
        _set("paste_db", instances=1, replication=1),
        "paste_db",
        "blocker",
        ("paste_db has 1 instance", "every Paste record", "FR-1 and FR-2"),
    ),
    Flaw(
        "single stateless node",
        "no-spof",
        _set("api", instances=1),
        "api",
        "major",
        ("api has 1 instance", "FR-1 and FR-2", "99.5%"),
    ),
    Flaw(
        "replicas without failover",
        "no-spof",
        lambda s, a: _drop(a, "paste_db", "automatic_failover"),
        "paste_db",
        "blocker",
        ("no automatic failover", "3 nodes"),
    ),
    Flaw(
        "composed below a strict SLO",
        "availability-composition",
        lambda s, a: _set_nfr(s, "availability", 99.999),
        None,
        "blocker",
        ("composed availability 99.98% < SLO 99.999%", "lb 99.99%", "min/month"),
    ),
    Flaw(
        "composed just below the SLO",
        "availability-composition",
        lambda s, a: _set_nfr(s, "availability", 99.985),
        None,
        "major",
        ("< SLO 99.985%", "blob 99.99%"),
    ),
    Flaw(
        "two copies, no backups",
        "durability",
        m(
            _set("paste_db", replication=2),
            lambda s, a: _drop(a, "paste_db", "backups", "point_in_time_recovery"),
        ),
        "paste_db",
        "major",
        ("keeps 2 copies", "has no backups", "99.99%"),
    ),
    Flaw(
        "weak store under a 9-nines NFR",
        "durability",
        m(_set("paste_db", replication=2), lambda s, a: _set_nfr(s, "durability", 99.9999999)),
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
        _set("api", instances=2),
        "api",
        "major",
        ("3,828/s", "2 × 2,000/s", "96% utilisation > 70%", "= 3 instances"),
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
        lambda s, a: _drop(a, "paste_cache", "hot_key_replication", "request_coalescing"),
        "paste_cache",
        "major",
        ("read-heavy", "reads_per_write 10", "2 node(s)"),
    ),
    Flaw(
        "kv partitioned by date",
        "hot-keys",
        lambda s, a: _kv_store(a, "created_date"),
        "events_kv",
        "major",
        ("partitions ViewEvent on 'created_date'", "348/s"),
    ),
    Flaw(
        "retried inserts without keys",
        "retry-idempotency",
        lambda s, a: _drop(a, "paste_db", "idempotency_keys", "conditional_writes"),
        "paste_db",
        "major",
        ("api retries", "INSERT paste", "paste_db at up to 348/s"),
    ),
    Flaw(
        "retried publishes to a non-idempotent consumer",
        "retry-idempotency",
        lambda s, a: _drop(a, "counter", "idempotency_keys"),
        "counter",
        "major",
        ("via view_queue", "counter"),
    ),
    Flaw(
        "queue without DLQ",
        "queue-dlq",
        lambda s, a: _drop(a, "view_queue", "dead_letter_queue"),
        "view_queue",
        "major",
        ("view_queue carries 3,480/s", "counter", "no dead-letter queue"),
    ),
    Flaw(
        "queue without backpressure or lag alerts",
        "queue-backpressure",
        lambda s, a: _drop(a, "view_queue", "backpressure", "consumer_lag_alerts"),
        "view_queue",
        "major",
        ("bursts reach 3× the 1,160/s average", "consumers drain 10,000/s"),
    ),
    Flaw(
        "no rate limiting",
        "rate-limiting",
        lambda s, a: _drop(a, "lb", "rate_limiting"),
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
        lambda s, a: _drop(a, "paste_cache", "ttl_invalidation", "invalidate_on_write"),
        "paste_cache",
        "major",
        ("20 GB hot set", "no TTL"),
    ),
    Flaw(
        "herd on expiry",
        "thundering-herd",
        lambda s, a: _drop(a, "paste_cache", "request_coalescing", "jittered_ttl"),
        "paste_cache",
        "minor",
        ("read_qps_peak 3,480", "paste_db"),
    ),
    Flaw(
        "uncapped fan-out",
        "unbounded-fanout",
        m(lambda s, a: _followers(s), lambda s, a: _fanout_worker(a)),
        "fanout_worker",
        "major",
        ("fanout_writes_per_sec 23,000", "50M followers (max_followers)", "into 50M writes"),
    ),
    Flaw(
        "failover without quorum",
        "split-brain",
        lambda s, a: _drop(a, "paste_db", "quorum"),
        "paste_db",
        "major",
        ("3 nodes", "from api"),
    ),
    Flaw(
        "unique keys without conditional writes",
        "check-then-act",
        lambda s, a: _drop(a, "paste_db", "conditional_writes"),
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
        lambda s, a: _set_nfr(s, "latency_p99", 0.05),
        None,
        "major",
        ("lb → api → paste_cache → paste_db → blob", "67 ms", "p99 target 50 ms"),
    ),
    Flaw(
        "store not encrypted",
        "encryption",
        lambda s, a: _drop(a, "paste_db", "encryption_at_rest"),
        "paste_db",
        "minor",
        ("paste_db stores Paste unencrypted", "3 cop"),
    ),
    Flaw(
        "entry without TLS",
        "encryption",
        lambda s, a: _drop(a, "lb", "tls"),
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
        _set("counter", serves=[]),
        "counter",
        "major",
        ("counter (worker, 2 instance(s)) serves no requirement",),
    ),
]


def test_rules_cover_the_contract() -> None:
    assert set(RULES) == CONTRACT_RULES
    assert all(
        callable(rule) and rule.__name__ == rid.replace("-", "_") for rid, rule in RULES.items()
    )


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_silent_on_the_hardened_design(rule_id: str) -> None:
    assert RULES[rule_id](_ctx()) == []


@pytest.mark.parametrize("flaw", FLAWS, ids=[f.name for f in FLAWS])
def test_rule_fires_on_its_flaw(flaw: Flaw) -> None:
    findings = RULES[flaw.rule](_ctx(flaw.mutate))
    mine = [f for f in findings if f.component == flaw.component]
    assert len(mine) == 1, [f.message for f in findings]
    finding = mine[0]
    assert finding.rule == flaw.rule
    assert finding.severity == flaw.severity
    text_of = f"{finding.message} {finding.recommendation}"
    for text in flaw.expect:
        assert text in text_of, text_of
    assert any(ch.isdigit() for ch in finding.message)
    assert len(finding.recommendation) > 30


def test_every_contract_rule_has_a_flaw_case() -> None:
    assert {f.rule for f in FLAWS} == CONTRACT_RULES


def _session_cache(_: Scope, arch: Architecture) -> None:
    """A cache of sessions, not of stored records: no hot read key, no herd onto a store."""
    arch.components.append(
        Component(
            id="session_cache",
            name="sessions",
            kind="cache",
            technology="Redis",
            instances=2,
            sizing="t",
            stateful=False,
            serves=["FR-1"],
            responsibility="r",
            features=["ttl_invalidation"],
        )
    )
    arch.links.append(Link(source="api", target="session_cache", label="GET session"))


SILENT = [
    ("hot-keys", _session_cache),
    ("thundering-herd", _session_cache),
    ("no-spof", _set("paste_db", instances=0, managed=True)),
    (
        "hot-keys",
        lambda s, a: s.assumptions.__setitem__(
            1, s.assumptions[1].model_copy(update={"value": 1.0})
        ),
    ),
    ("hot-keys", lambda s, a: _kv_store(a, "paste_key")),
    (
        "unbounded-fanout",
        m(lambda s, a: _followers(s), lambda s, a: _fanout_worker(a, "fanout_cap")),
    ),
    (
        "clock-ordering",
        m(
            lambda s, a: setattr(s, "archetype", "chat"),
            lambda s, a: _add(a, "api", "server_assigned_ids"),
        ),
    ),
    (
        "split-brain",
        m(
            lambda s, a: _drop(a, "paste_db", "quorum"),
            lambda s, a: _add(a, "paste_db", "fencing_tokens"),
        ),
    ),
    (
        "rate-limiting",
        m(
            lambda s, a: _drop(a, "lb", "rate_limiting"),
            lambda s, a: _add(a, "api", "rate_limiting"),
        ),
    ),
    (
        "retry-idempotency",
        m(
            lambda s, a: _drop(a, "api", "retries_with_backoff"),
            lambda s, a: _drop(a, "paste_db", "idempotency_keys", "conditional_writes"),
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


@pytest.mark.parametrize(
    ("rule_id", "mutate"), SILENT, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SILENT)]
)
def test_rule_is_silent_when_the_mitigation_is_in_place(rule_id: str, mutate: Mutation) -> None:
    assert RULES[rule_id](_ctx(mutate)) == []


def test_split_brain_is_minor_off_the_write_path() -> None:
    def mutate(s: Scope, a: Architecture) -> None:
        _drop(a, "paste_db", "quorum")
        a.links = [lk for lk in a.links if lk.target != "paste_db"]

    (finding,) = RULES["split-brain"](_ctx(mutate))
    assert finding.severity == "minor"


def test_headroom_counts_connections_for_a_websocket_tier() -> None:
    def mutate(s: Scope, a: Architecture) -> None:
        _est(s, "concurrent_connections", 500000, "count")
        api = _c(a, "api")
        api.estimates = ["concurrent_connections"]
        api.instances = 200

    (finding,) = RULES["headroom"](_ctx(mutate))
    assert "500,000 connections (concurrent_connections) on 200 × 2,000 connections" in (
        finding.message
    )
    assert "125% utilisation" in finding.message


def test_headroom_checks_a_cache_hot_set_against_node_memory() -> None:
    ctx = _ctx()
    ctx.kb.kinds["cache"].options[0].per_node_storage_gb = 25  # 20 GB x 2 copies / 2 nodes
    (finding,) = RULES["headroom"](ctx)
    assert finding.component == "paste_cache"
    assert "holds 20 GB per node (cache_memory × 2 copies ÷ 2 nodes) = 80% of 25 GB memory" in (
        finding.message
    )
    assert "= 3 nodes" in finding.recommendation
