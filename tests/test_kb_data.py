"""The built-in knowledge base loads, is complete and internally consistent."""

from __future__ import annotations

import json
import string
from collections.abc import Iterable

import pytest

from agents.kb import (
    Archetype,
    Capability,
    ComponentTemplate,
    EntityTemplate,
    KnowledgeBase,
    default_kb,
)

CONTRACT_KINDS = {
    "cdn", "load_balancer", "api_gateway", "service", "worker", "cache", "sql_db", "kv_store",
    "document_db", "object_store", "queue", "stream_processor", "search_index", "time_series_db",
    "graph_db", "websocket_gateway", "coordination", "data_warehouse", "batch_compute",
    "scheduler", "geo_index", "external",
}  # fmt: skip
CONTRACT_RULES = {
    "no-spof", "zone-spread", "availability-composition", "durability", "budget", "headroom",
    "hot-keys", "retry-idempotency", "queue-dlq", "queue-backpressure", "rate-limiting",
    "slo-alerting", "cache-invalidation", "thundering-herd", "unbounded-fanout", "split-brain",
    "check-then-act", "clock-ordering", "latency-budget", "encryption", "unserved-requirement",
}  # fmt: skip
CONTRACT_FEATURES = {
    "automatic_failover", "multi_az", "backups", "point_in_time_recovery", "dead_letter_queue",
    "backpressure", "consumer_lag_alerts", "idempotency_keys", "retries_with_backoff",
    "circuit_breaker", "rate_limiting", "ttl_invalidation", "invalidate_on_write",
    "request_coalescing", "jittered_ttl", "hot_key_replication", "conditional_writes",
    "fencing_tokens", "quorum", "fanout_cap", "server_assigned_ids", "tls", "encryption_at_rest",
    "autoscaling", "reserved_instances", "storage_tiering", "read_replicas",
    "cross_region_replication", "global_traffic_steering",
}  # fmt: skip
CRITERIA = {
    "throughput", "latency", "durability", "consistency", "ops_burden", "cost", "flexibility",
    "ecosystem",
}  # fmt: skip
FAMILIES = {
    "data_store", "batch", "stream", "storage", "messaging", "user_facing", "ledger",
    "orchestration",
}  # fmt: skip
PLACEHOLDERS = {
    "writes_per_day", "reads_per_day", "write_qps_avg", "read_qps_avg", "write_qps_peak",
    "read_qps_peak", "storage_per_day", "storage_per_year", "storage_total", "ingress_bandwidth",
    "egress_bandwidth", "cache_memory", "media_storage_per_day", "media_egress",
    "fanout_writes_per_sec", "concurrent_connections", "media_storage_total", "keys_needed",
    "location_updates_per_sec", "dau", "writes_per_user_per_day",
    "reads_per_write", "object_bytes", "metadata_bytes", "retention_days", "peak_factor",
    "cache_hot_fraction",
}  # fmt: skip
LOADS = {"read", "write", "total", "fanout", "storage", "stream", "none", "media", "notify"}
CARDINALITIES = {"one_to_one", "one_to_many", "many_to_many"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def _system_components(kb: KnowledgeBase, arch: Archetype) -> list[ComponentTemplate]:
    comps = list(arch.components)
    for cap_id in arch.capabilities:
        comps += kb.capabilities[cap_id].components
    return comps


def _check_links(comps: Iterable[ComponentTemplate], kinds: set[str], where: str) -> None:
    comps = list(comps)
    roles = {c.role for c in comps}
    for comp in comps:
        assert comp.load in LOADS, f"{where}/{comp.role}: load {comp.load}"
        assert comp.ops_per_node is None or comp.ops_per_node > 0, f"{where}/{comp.role}"
        for source in comp.links_from:
            assert source in roles or source in kinds, f"{where}/{comp.role}: from {source}"
            assert source != comp.role, f"{where}/{comp.role} links from itself"


def test_counts_and_version(kb: KnowledgeBase) -> None:
    assert len(kb.archetypes) >= 20
    assert len(kb.capabilities) >= 15
    assert len(kb.patterns) >= 15
    assert len(kb.deep_dives) >= 25
    assert kb.version == "2026-11-26"
    assert {"url_shortener", "pastebin", "chat"} <= set(kb.archetypes)
    assert {"short_links", "media_upload", "realtime_messaging", "rate_limiting"} <= set(
        kb.capabilities
    )


def test_every_family_is_represented(kb: KnowledgeBase) -> None:
    families = {a.family for a in kb.archetypes.values()}
    assert families == FAMILIES


def test_catalogue_has_every_contract_kind_with_sane_options(kb: KnowledgeBase) -> None:
    assert set(kb.kinds) == CONTRACT_KINDS
    for kind in kb.kinds.values():
        assert 2 <= len(kind.options) <= 4, kind.id
        assert kind.replication >= 1
        for opt in kind.options:
            where = f"{kind.id}/{opt.name}"
            assert opt.per_node_ops > 0, where
            assert opt.per_node_storage_gb is None or opt.per_node_storage_gb > 0, where
            assert set(opt.scores) == CRITERIA, where
            assert all(1 <= v <= 5 for v in opt.scores.values()), where
            assert set(opt.features) <= CONTRACT_FEATURES, where
            assert opt.consistency in {"strong", "eventual", "tunable", "n/a"}, where
            assert (opt.sla_pct is not None) == opt.managed, where
            assert opt.instance_class in kb.prices.instance_hour, where
            if opt.storage_class is not None:
                assert opt.storage_class in kb.prices.storage_gb_month, where
            for load, key in opt.request_price_keys.items():
                assert load in {"read", "write", "any"}, where
                assert key in kb.prices.requests_per_million, where
        # options of one kind must differ in their scores, or a decision would be a coin toss
        score_rows = {tuple(sorted(o.scores.items())) for o in kind.options}
        assert len(score_rows) == len(kind.options), kind.id


def test_prices_are_plausible(kb: KnowledgeBase) -> None:
    prices = kb.prices
    assert prices.hours_per_month == 730
    assert "us-east-1" in prices.source
    assert 0 < prices.reserved_discount < 1
    assert 0 < prices.cdn_egress_gb <= prices.egress_gb
    assert prices.storage_gb_month["object"] < prices.storage_gb_month["block_ssd"]
    assert prices.storage_gb_month["archive"] < prices.storage_gb_month["object_ia"]
    assert prices.instance_hour["serverless"] == 0
    assert all(v >= 0 for v in prices.instance_hour.values())
    assert prices.instance_hour["general_small"] < prices.instance_hour["general_large"]


def test_rules_cover_the_contract(kb: KnowledgeBase) -> None:
    assert set(kb.rules) == CONTRACT_RULES
    for rule in kb.rules.values():
        assert rule.severity in {"blocker", "major", "minor"}
        assert len(rule.rationale) > 150, rule.id


def test_archetype_references_resolve(kb: KnowledgeBase) -> None:
    kinds = set(kb.kinds)
    for arch in kb.archetypes.values():
        assert arch.family in FAMILIES, arch.id
        assert set(arch.capabilities) <= set(kb.capabilities), arch.id
        assert 2 <= len(arch.deep_dives) <= 4, arch.id
        assert set(arch.deep_dives) <= set(kb.deep_dives), arch.id
        assert len(arch.functional) >= 3, arch.id
        assert arch.components and arch.entities and arch.endpoints, arch.id
        comps = _system_components(kb, arch)
        assert {c.kind for c in comps} <= kinds, arch.id
        _check_links(comps, kinds, arch.id)
        for comp in arch.components:
            # one role, one kind: a capability may share a role only with the same kind
            same = [c for c in comps if c.role == comp.role]
            assert {c.kind for c in same} == {comp.kind}, f"{arch.id}/{comp.role}"
        for ep in arch.endpoints:
            assert ep.handler_kind in kinds, arch.id
            assert ep.fr is None or 0 <= ep.fr < len(arch.functional), f"{arch.id} {ep.path}"
            if ep.request:
                json.loads(ep.request)
        json.loads(arch.example_payload)
        d = arch.defaults
        assert d.dau > 0 and d.writes_per_user_per_day > 0 and d.object_bytes > 0, arch.id
        assert 90 <= d.availability_pct < 100 and d.p99_ms > 0 and d.peak_factor >= 1, arch.id
        assert 0 <= d.media_share <= 1 and (d.media_share == 0) == (d.media_bytes == 0), arch.id


def test_served_frs_have_endpoints(kb: KnowledgeBase) -> None:
    for arch in kb.archetypes.values():
        served = {ep.fr for ep in arch.endpoints if ep.fr is not None}
        assert 0 in served, arch.id


def test_capability_references_resolve(kb: KnowledgeBase) -> None:
    kinds = set(kb.kinds)
    for cap in kb.capabilities.values():
        assert cap.functional and cap.components and cap.keywords, cap.id
        assert set(cap.deep_dives) <= set(kb.deep_dives), cap.id
        assert set(cap.patterns) <= set(kb.patterns), cap.id
        assert {c.kind for c in cap.components} <= kinds, cap.id
        _check_links(cap.components, kinds | {"service"}, cap.id)
        for ep in cap.endpoints:
            assert ep.handler_kind in kinds, cap.id
            assert ep.fr is None or 0 <= ep.fr < len(cap.functional), f"{cap.id} {ep.path}"
            if ep.request:
                json.loads(ep.request)


def _entities(kb: KnowledgeBase, owner: Archetype | Capability) -> list[EntityTemplate]:
    ents = list(owner.entities)
    if isinstance(owner, Archetype):
        for cap_id in owner.capabilities:
            ents += kb.capabilities[cap_id].entities
    return ents


def test_entities_are_well_formed(kb: KnowledgeBase) -> None:
    owners: list[Archetype | Capability] = [*kb.archetypes.values(), *kb.capabilities.values()]
    for owner in owners:
        ents = _entities(kb, owner)
        names = {e.name for e in ents}
        for ent in owner.entities:
            where = f"{owner.id}/{ent.name}"
            assert ent.store_kind in kb.kinds, where
            field_names = []
            for spec in ent.fields:
                parts = spec.split(":")
                assert len(parts) in (2, 3) and all(parts), f"{where}: {spec}"
                assert len(parts) == 2 or parts[2] in {"PK", "FK", "UK"}, f"{where}: {spec}"
                field_names.append(parts[0])
            assert any(s.endswith(":PK") for s in ent.fields), where
            assert ent.partition_key is None or ent.partition_key in field_names, where
            for rel in ent.relations:
                target, card, label = rel.split(":")
                assert card in CARDINALITIES and label, f"{where}: {rel}"
                assert target in names, f"{where}: {rel}"


def test_system_entities_are_unique_and_stored_somewhere(kb: KnowledgeBase) -> None:
    for arch in kb.archetypes.values():
        ents = _entities(kb, arch)
        names = [e.name for e in ents]
        assert len(names) == len(set(names)), f"{arch.id}: duplicate entities {names}"
        kinds = {c.kind for c in _system_components(kb, arch)}
        for ent in ents:
            assert ent.store_kind in kinds, f"{arch.id}/{ent.name}: no {ent.store_kind}"


def test_deep_dives_use_known_placeholders_only(kb: KnowledgeBase) -> None:
    fill = dict.fromkeys(PLACEHOLDERS, "X")
    for dive in kb.deep_dives.values():
        names = {f for _, f, _, _ in string.Formatter().parse(dive.problem) if f}
        assert names <= PLACEHOLDERS, dive.id
        dive.problem.format(**fill)  # no stray braces
        assert set(dive.component_kinds) <= set(kb.kinds), dive.id
        assert len(dive.options) >= 2 and dive.failure_modes, dive.id
        # the architect fills every text field, so braces belong in `problem` only
        for text in [dive.title, dive.mechanism, dive.tradeoff, *dive.options, *dive.failure_modes]:
            assert "{" not in text and "}" not in text, dive.id


def test_every_deep_dive_and_pattern_is_used(kb: KnowledgeBase) -> None:
    used = {d for a in kb.archetypes.values() for d in a.deep_dives}
    used |= {d for c in kb.capabilities.values() for d in c.deep_dives}
    assert set(kb.deep_dives) <= used
    used_patterns = {p for c in kb.capabilities.values() for p in c.patterns}
    assert len(used_patterns) >= 12


def test_synonyms_link_kinds_and_technologies(kb: KnowledgeBase) -> None:
    names = kb.synonyms("memory cache")
    assert {"redis", "memcached"} <= names
    assert "amazon elasticache for redis" in kb.synonyms("elasticache")
    assert "redis" in kb.synonyms("in-memory cache")
    assert "amazon s3" in kb.synonyms("blob store")
    assert kb.find_technology("postgres") is not None
    assert kb.find_technology("postgres")[0] == "sql_db"  # type: ignore[index]
    assert kb.find_technology("kafka")[0] == "queue"  # type: ignore[index]
    assert kb.option("kv_store", "dynamodb").name == "Amazon DynamoDB"


def test_keywords_identify_their_archetype(kb: KnowledgeBase) -> None:
    # a product name used as a keyword must belong to one archetype only
    owners: dict[str, list[str]] = {}
    for arch in kb.archetypes.values():
        for word in arch.keywords:
            owners.setdefault(word.lower(), []).append(arch.id)
    shared = {w: ids for w, ids in owners.items() if len(ids) > 1}
    assert not shared, shared
