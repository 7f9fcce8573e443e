"""draft_architecture: requirement-driven components, sizing, links, data, flows, qualities."""

from __future__ import annotations

import math
import re

import pytest
from architect_fixtures import chat, make_scope, pastebin, url_shortener

from agents.architect import draft_architecture
from agents.architect._common import Ctx, redundancy_min
from agents.architect.select import choose_store_kind
from agents.artefacts import Architecture, FailureMode, Scope
from agents.kb import KnowledgeBase, default_kb
from agents.requirements import parse_requirements
from agents.scoper import scope_requirements

# Mechanisms the reviewer checks for and revise adds: a draft only has them when the chosen
# technology provides them out of the box.
HARDENING = (
    "dead_letter_queue",
    "idempotency_keys",
    "circuit_breaker",
    "fanout_cap",
    "hot_key_replication",
    "jittered_ttl",
    "invalidate_on_write",
    "reserved_instances",
    "storage_tiering",
    "server_assigned_ids",
    "consumer_lag_alerts",
)

REQUESTS = {
    "pastebin": "Design a pastebin: 10M users, 10M new pastes a month, reads 10:1, 99.9% "
    "available, p99 < 200 ms, budget $3k/month",
    "chat": "A chat app like WhatsApp with 50M daily users, group chats, 99.99% available, "
    "p99 under 300 ms",
    "payments": "A payment system that charges cards for an online shop: 2M payments a day, "
    "99.99% available, never double charge, p99 under 500 ms",
    "url": "URL shortener like bit.ly, 100M redirects a day, 99.99% available, p99 50 ms",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="module")
def real(kb: KnowledgeBase) -> dict[str, tuple[Scope, Architecture]]:
    """Drafts of real scopes from the scoper, one per kind of system."""
    out = {}
    for name, text in REQUESTS.items():
        scope = scope_requirements(parse_requirements(text), kb)
        out[name] = (scope, draft_architecture(scope, kb))
    return out


@pytest.fixture(scope="module")
def hand(kb: KnowledgeBase) -> dict[str, tuple[Scope, Architecture]]:
    """Drafts of hand-built scopes with known numbers."""
    out = {}
    for name, build in (("pastebin", pastebin), ("chat", chat), ("url", url_shortener)):
        scope = build(kb)
        out[name] = (scope, draft_architecture(scope, kb))
    return out


def _all(real: dict, hand: dict) -> list[tuple[str, Scope, Architecture]]:
    return [(f"real-{k}", *v) for k, v in real.items()] + [
        (f"hand-{k}", *v) for k, v in hand.items()
    ]


def test_different_systems_get_different_designs(real: dict) -> None:
    kinds = {name: {c.kind for c in arch.components} for name, (_, arch) in real.items()}
    ids = {name: {c.id for c in arch.components} for name, (_, arch) in real.items()}
    dives = {name: [d.id for d in arch.deep_dives] for name, (_, arch) in real.items()}
    decided = {name: {d.component for d in arch.decisions} for name, (_, arch) in real.items()}
    assert "websocket_gateway" in kinds["chat"] and "websocket_gateway" not in kinds["pastebin"]
    assert "object_store" in kinds["pastebin"]
    assert "sql_db" in kinds["payments"]
    names = list(real)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert ids[a] != ids[b]
            assert dives[a] != dives[b]
            assert decided[a] != decided[b]
    assert dives["pastebin"][0] == "key_generation"
    assert dives["chat"][0] == "message_ordering_delivery"


def test_every_reference_names_an_existing_component(real: dict, hand: dict) -> None:
    for name, _, arch in _all(real, hand):
        ids = {c.id for c in arch.components}
        assert len(ids) == len(arch.components), name
        for link in arch.links:
            assert link.source in ids and link.target in ids, (name, link)
        for flow in arch.flows:
            for step in flow.steps:
                assert {step.source, step.target} <= ids | {"client"}, (name, step)
        for ent in arch.entities:
            assert ent.store in ids, (name, ent.name)
        for dec in arch.decisions:
            assert dec.component in ids, (name, dec.id)
        for ep in arch.endpoints:
            assert ep.component in ids, (name, ep.path)
        for dd in arch.deep_dives:
            assert set(dd.components) <= ids and dd.components, (name, dd.id)
        for fm in arch.failure_modes:
            assert fm.component in ids, (name, fm.scenario)
        for comp in arch.components:  # nothing floats unconnected
            assert any(comp.id in (lk.source, lk.target) for lk in arch.links), (name, comp.id)


def test_every_functional_requirement_is_served(real: dict, hand: dict) -> None:
    for name, scope, arch in _all(real, hand):
        served = {s for c in arch.components for s in c.serves}
        missing = [fr.id for fr in scope.functional if fr.id not in served]
        assert not missing, (name, missing)
        nfr_ids = {r.id for r in scope.non_functional}
        assert any(s in nfr_ids for c in arch.components for s in c.serves), name


def test_sizing_follows_the_contract_formula(hand: dict, kb: KnowledgeBase) -> None:
    scope, arch = hand["pastebin"]
    api = arch.component("api")
    assert api is not None
    option = kb.option("service", api.technology)
    load = scope.value("read_qps_peak") + scope.value("write_qps_peak")
    expected = max(math.ceil(load / (option.per_node_ops * 0.7)), 2)
    assert api.instances == expected
    assert api.sizing.endswith(f"= {expected}") and "× 0.7" in api.sizing
    assert "2 for 99.9%" in api.sizing
    assert api.estimates == ["read_qps_peak", "write_qps_peak"]


def test_storage_bound_stores_count_replicated_bytes(kb: KnowledgeBase) -> None:
    # 20 KB objects kept 5 years at 300M writes a day: far more than one node's disk
    scope = make_scope(
        kb,
        "chat",
        dau=50_000_000,
        writes_per_user_per_day=40,
        reads_per_write=2,
        object_bytes=200,
        retention_days=1825,
        availability=99.99,
        summary="A chat app on Apache Cassandra.",
    )
    arch = draft_architecture(scope, kb)
    store = arch.component("message_store")
    assert store is not None and store.technology == "Apache Cassandra"
    option = kb.option("kv_store", "Apache Cassandra")
    assert option.per_node_storage_gb
    # disks stay at most 70% full, like CPUs (the reviewer's headroom)
    need = math.ceil(
        scope.value("storage_total") * store.replication / (option.per_node_storage_gb * 1e9 * 0.7)
    )
    assert store.instances >= need > 3
    assert f"= {need}" in store.sizing and "× 3 ÷ (1,500 GB × 0.7)" in store.sizing


def test_redundancy_never_below_the_availability_target(real: dict, hand: dict) -> None:
    for name, scope, arch in _all(real, hand):
        nfr = scope.nfr("availability")
        minimum = redundancy_min(nfr.target if nfr and nfr.target else 99.9)
        for comp in arch.components:
            if comp.instances == 0:
                assert comp.managed or comp.kind in ("cdn", "object_store", "external"), comp.id
                continue
            if comp.managed and comp.kind in ("load_balancer", "api_gateway"):
                continue  # one managed balancer spans the zones
            assert comp.instances >= minimum, (name, comp.id, comp.instances)
            assert comp.sizing.endswith(f"= {comp.instances}"), (name, comp.sizing)
    _, chat_arch = hand["chat"]
    stateful = [c for c in chat_arch.components if c.stateful and c.instances > 0]
    assert stateful and all(c.instances >= 3 for c in stateful)


def test_availability_uses_the_contract_formula(hand: dict, kb: KnowledgeBase) -> None:
    _, arch = hand["pastebin"]
    for comp in arch.components:
        option = kb.option(comp.kind, comp.technology)
        if comp.managed and option.sla_pct:
            assert comp.availability == pytest.approx(option.sla_pct / 100)
        elif not comp.stateful or "automatic_failover" in comp.features:
            assert comp.availability == pytest.approx(1 - 0.005**comp.instances)
        else:
            assert comp.availability == pytest.approx(0.995)


def test_cache_added_and_sized_from_cache_memory_when_read_heavy(
    hand: dict, kb: KnowledgeBase
) -> None:
    scope, arch = hand["url"]
    cache = arch.component("redirect_cache")
    assert cache is not None and cache.replication == 2
    assert "cache_memory" in cache.estimates
    option = kb.option("cache", cache.technology)
    assert option.per_node_storage_gb
    by_memory = math.ceil(scope.value("cache_memory") * 2 / (option.per_node_storage_gb * 1e9))
    assert cache.instances >= by_memory
    # a write-heavy scope with no read cache in its templates gets none added by rule
    light = make_scope(
        kb,
        "chat",
        dau=1_000_000,
        writes_per_user_per_day=10,
        reads_per_write=1,
        object_bytes=200,
        retention_days=30,
    )
    kinds = [c for c in draft_architecture(light, kb).components if c.id == "cache"]
    assert kinds == []


def test_store_kind_follows_the_numbers(kb: KnowledgeBase) -> None:
    small = Ctx.build(pastebin(kb), kb)
    assert choose_store_kind("sql_db", small, "write") == ("sql_db", "")
    big = Ctx.build(chat(kb), kb)  # 69,444 writes/s at peak: beyond one SQL primary
    kind, why = choose_store_kind("sql_db", big, "write")
    assert kind == "kv_store" and "write_qps_peak" in why
    assert choose_store_kind("sql_db", big, "read")[0] == "sql_db"  # reads scale by replicas
    booking = Ctx.build(
        make_scope(
            kb,
            "booking",
            dau=1_000_000,
            writes_per_user_per_day=1,
            reads_per_write=20,
            object_bytes=1000,
            retention_days=365,
        ),
        kb,
    )
    kind, why = choose_store_kind("kv_store", booking, "write")
    assert kind == "sql_db" and "transactions" in why


def test_draft_is_plausible_but_reviewable(real: dict, hand: dict, kb: KnowledgeBase) -> None:
    for name, _, arch in _all(real, hand):
        assert arch.revision == 0 and arch.changes == []
        assert arch.observability is not None
        assert arch.observability.alerts == []
        assert arch.observability.slis and arch.observability.slos
        assert arch.observability.dashboards
        for comp in arch.components:
            provided = set(kb.option(comp.kind, comp.technology).features)
            for feature in HARDENING:
                assert feature not in comp.features or feature in provided, (name, comp.id)
            if comp.kind in ("load_balancer", "api_gateway"):
                assert "tls" in comp.features
            if comp.kind in ("service", "worker"):
                assert "autoscaling" in comp.features
        services = [c for c in arch.components if c.kind == "service"]
        stateful = {c.id for c in arch.components if c.stateful}
        calling = [
            s
            for s in services
            if any(lk.source == s.id and lk.target in stateful for lk in arch.links)
        ]
        assert all("retries_with_backoff" in s.features for s in calling), name


def test_links_flows_and_data_model(hand: dict) -> None:
    _, arch = hand["pastebin"]
    write = next(f for f in arch.flows if f.path == "write")
    read = next(f for f in arch.flows if f.path == "read")
    assert '"language": "python"' in write.example
    assert write.steps[0].source == "client" and write.steps[-1].target == "client"
    assert write.steps[-1].reply
    touched = {s.target for s in write.steps}
    assert {"paste_blob_store", "paste_metadata", "key_service"} <= touched
    assert any("Xk29fQa" in s.action for s in write.steps)  # the example's own key
    read_targets = [s.target for s in read.steps]
    assert read_targets.index("paste_cache") < read_targets.index("paste_metadata")
    assert "GET /v1/pastes/Xk29fQa" in read.example
    paste = next(e for e in arch.entities if e.name == "Paste")
    assert paste.store == "paste_metadata" and paste.partition_key == "paste_key"
    assert any(f.name == "paste_key" and f.key == "PK" for f in paste.fields)
    user = next(e for e in arch.entities if e.name == "User")
    assert user.relations[0].target == "Paste" and user.relations[0].cardinality == "one_to_many"
    create = next(e for e in arch.endpoints if e.method == "POST")
    assert create.serves == ["FR-1"] and create.component == "api" and create.request
    async_links = [lk for lk in arch.links if not lk.sync]
    assert all(not lk.critical for lk in async_links)
    cache_link = next(lk for lk in arch.links if lk.target == "paste_cache" and lk.source == "api")
    assert not cache_link.critical  # reads fall back to the store


def test_chat_traces_the_fanout_through_the_queue(hand: dict) -> None:
    _, arch = hand["chat"]
    tail = next(f for f in arch.flows if f.path == "async")
    hops = [(s.source, s.target) for s in tail.steps]
    assert ("message_bus", "delivery_worker") in hops
    assert ("delivery_worker", "ws_gateway") in hops
    assert any("fan-out" in s.action for s in tail.steps)
    write = next(f for f in arch.flows if f.path == "write")
    assert any(s.target == "message_bus" for s in write.steps)


def test_deep_dives_are_filled_from_the_scope(real: dict, hand: dict) -> None:
    for name, _, arch in _all(real, hand):
        assert 2 <= len(arch.deep_dives) <= 4, name
        for dd in arch.deep_dives:
            assert not re.search(r"\{[a-z_]+\}", dd.problem), (name, dd.id, dd.problem)
            assert dd.mechanism and dd.options and dd.failure_modes
    scope, arch = hand["url"]
    hot = next(d for d in arch.deep_dives if d.id == "hot_keys")
    read_peak = scope.estimate("read_qps_peak")
    assert read_peak is not None and read_peak.display in hot.problem


def test_failure_modes_answer_is_data_safe(kb: KnowledgeBase) -> None:
    # below 99.9% one node per tier is enough: the relational store then keeps one copy
    scope = make_scope(
        kb,
        "booking",
        dau=200_000,
        writes_per_user_per_day=1,
        reads_per_write=20,
        object_bytes=1000,
        retention_days=365,
        availability=99.5,
        summary="Bookings on PostgreSQL.",
    )
    arch = draft_architecture(scope, kb)
    single = [c for c in arch.components if c.kind == "sql_db" and c.instances == 1]
    assert single and all(c.replication == 1 for c in single)
    rows: dict[str, FailureMode] = {}
    for fm in arch.failure_modes:  # the first row of a component is its node loss
        rows.setdefault(fm.component, fm)
    for comp in single:
        assert rows[comp.id].data_safe is False
    stateful = [c for c in arch.components if c.stateful]
    assert all(c.id in rows for c in stateful)
    scenarios = " ".join(fm.scenario for fm in arch.failure_modes)
    assert "availability zone" in scenarios and "slows down" in scenarios
    replicated = draft_architecture(chat(kb), kb)
    for fm in replicated.failure_modes:
        owner = replicated.component(fm.component)
        if owner and owner.stateful and owner.replication >= 2 and owner.instances >= 2:
            assert fm.data_safe, fm.scenario


def test_scaling_names_what_breaks_with_numbers(hand: dict) -> None:
    _, arch = hand["chat"]
    assert [s.factor for s in arch.scaling] == [10, 100]
    hundred = arch.scaling[1]
    assert re.search(r"\d", hundred.breaks) and hundred.next_step
    assert "second region" in hundred.next_step


def test_security_maintainability_and_patterns(hand: dict, kb: KnowledgeBase) -> None:
    _, arch = hand["chat"]
    assert any("TLS" in s for s in arch.security)
    assert any(m.startswith("service boundary api") for m in arch.maintainability)
    assert arch.patterns and set(arch.patterns) <= set(kb.patterns)
    assert "backpressure" in arch.patterns  # realtime capability's own pattern


def test_named_technology_is_honoured(kb: KnowledgeBase) -> None:
    scope = chat(kb)
    default = {d.component: d.chosen for d in draft_architecture(scope, kb).decisions}
    stated = scope.model_copy(update={"summary": "A chat app. Use RabbitMQ for the bus."})
    arch = draft_architecture(stated, kb)
    bus = next(d for d in arch.decisions if d.component == "message_bus")
    assert default["message_bus"] != "RabbitMQ"
    assert bus.chosen == "RabbitMQ" and "requirements" in bus.rationale
    assert arch.component("message_bus").technology == "RabbitMQ"  # type: ignore[union-attr]
