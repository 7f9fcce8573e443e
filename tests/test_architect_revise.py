"""revise_architecture: each open finding changes the design and is recorded as a Change."""

from __future__ import annotations

import math

import pytest
from architect_fixtures import chat, make_scope, pastebin

from agents.architect import FIXES, draft_architecture, revise_architecture
from agents.architect._common import Ctx
from agents.architect._revision import Revision
from agents.architect.fixes_availability import critical_path
from agents.architect.fixes_design import _switch_if_cheaper
from agents.architect.sizing import availability
from agents.artefacts import Architecture, CostItem, CostReport, Finding, Review, Scope, Severity
from agents.cost_analyst import estimate_cost
from agents.kb import KnowledgeBase, default_kb
from agents.requirements import parse_requirements
from agents.reviewer import review_design
from agents.scoper import scope_requirements


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="module")
def paste(kb: KnowledgeBase) -> tuple[Scope, Architecture]:
    scope = pastebin(kb)
    return scope, draft_architecture(scope, kb)


@pytest.fixture(scope="module")
def chatting(kb: KnowledgeBase) -> tuple[Scope, Architecture]:
    scope = chat(kb, summary="A chat app; messages in Apache Cassandra.")
    return scope, draft_architecture(scope, kb)


def _cost(
    total: float = 1000.0, budget: float | None = None, items: list[CostItem] | None = None
) -> CostReport:
    return CostReport(
        items=items or [],
        total_monthly_usd=total,
        budget_monthly_usd=budget,
        within_budget=None if budget is None else total <= budget,
        price_table="test 2026-11-26",
    )


def _review(*findings: Finding) -> Review:
    return Review(round=1, findings=list(findings), verdict="revise", scorecard=[])


def _finding(
    rule: str,
    component: str | None,
    message: str = "",
    recommendation: str = "",
    fid: str = "R-1",
    severity: Severity = "major",
) -> Finding:
    return Finding(
        id=fid,
        rule=rule,
        severity=severity,
        component=component,
        message=message or f"{rule} on {component}",
        recommendation=recommendation or "fix it",
    )


def _revise(
    pair: tuple[Scope, Architecture],
    kb: KnowledgeBase,
    *findings: Finding,
    cost: CostReport | None = None,
) -> Architecture:
    scope, arch = pair
    return revise_architecture(arch, scope, _review(*findings), cost or _cost(), kb)


def test_revise_is_a_new_revision_and_leaves_the_input_alone(
    paste: tuple, kb: KnowledgeBase
) -> None:
    _, arch = paste
    before = arch.model_dump()
    new = _revise(paste, kb, _finding("queue-dlq", None), _finding("slo-alerting", None, fid="R-2"))
    assert arch.model_dump() == before
    assert new.revision == arch.revision + 1
    assert new is not arch


def test_every_contract_rule_has_a_fixer() -> None:
    rules = {
        "no-spof",
        "availability-composition",
        "zone-spread",
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
    assert set(FIXES) == rules


def _booking_scope(kb: KnowledgeBase, availability: float) -> Scope:
    """A small booking system on PostgreSQL: one primary store, easy to break and mend."""
    return make_scope(
        kb,
        "booking",
        dau=200_000,
        writes_per_user_per_day=1,
        reads_per_write=20,
        object_bytes=1000,
        retention_days=365,
        availability=availability,
        summary="Bookings on PostgreSQL.",
    )


def test_no_spof_adds_a_replica_with_failover(kb: KnowledgeBase) -> None:
    scope = _booking_scope(kb, availability=99.5)
    arch = draft_architecture(scope, kb)
    single = next(c for c in arch.components if c.kind == "sql_db" and c.instances == 1)
    new = revise_architecture(
        arch, scope, _review(_finding("no-spof", single.id, severity="blocker")), _cost(), kb
    )
    fixed = new.component(single.id)
    assert fixed is not None
    assert fixed.instances >= 2 and fixed.replication >= 2
    assert {"automatic_failover", "quorum"} <= set(fixed.features)
    assert fixed.sizing.endswith(f"= {fixed.instances}")
    assert fixed.availability > single.availability
    row = next(fm for fm in new.failure_modes if fm.component == single.id)
    assert row.data_safe  # the failure table is recomputed
    change = new.changes[-1]
    assert (change.revision, change.finding, change.rule) == (1, "R-1", "no-spof")
    assert f"{single.id}: 1 → {fixed.instances} instances" in change.description


def test_durability_three_copies_and_backups(kb: KnowledgeBase) -> None:
    scope = _booking_scope(kb, availability=99.9)
    arch = draft_architecture(scope, kb)
    store = next(c for c in arch.components if c.technology == "PostgreSQL")
    assert store.replication < 3
    new = revise_architecture(arch, scope, _review(_finding("durability", store.id)), _cost(), kb)
    fixed = new.component(store.id)
    assert fixed is not None and fixed.replication == 3 and fixed.instances >= 3
    assert {"backups", "point_in_time_recovery"} <= set(fixed.features)
    assert "replication 2 → 3" in new.changes[0].description


@pytest.mark.parametrize(
    ("rule", "component", "features"),
    [
        ("cache-invalidation", "paste_cache", {"invalidate_on_write", "ttl_invalidation"}),
        ("thundering-herd", "paste_cache", {"request_coalescing", "jittered_ttl"}),
        ("hot-keys", "paste_cache", {"hot_key_replication", "request_coalescing"}),
        ("rate-limiting", None, {"rate_limiting"}),
        ("encryption", "paste_cache", {"encryption_at_rest"}),
        ("clock-ordering", None, {"server_assigned_ids"}),
        ("split-brain", "paste_cache", {"quorum", "fencing_tokens"}),
        ("retry-idempotency", "expiry_worker", {"idempotency_keys"}),
    ],
)
def test_feature_rules_add_their_mechanism(
    paste: tuple, kb: KnowledgeBase, rule: str, component: str | None, features: set[str]
) -> None:
    _, arch = paste
    new = _revise(paste, kb, _finding(rule, component))
    target_id = component or {"rate-limiting": "lb", "clock-ordering": "api"}[rule]
    before = arch.component(target_id)
    after = new.component(target_id)
    assert before is not None and after is not None
    assert features <= set(after.features)
    assert set(after.features) != set(before.features)
    assert len(new.changes) == 1 and new.changes[0].rule == rule
    assert target_id in new.changes[0].description


def test_queue_rules_on_the_chat_bus(chatting: tuple, kb: KnowledgeBase) -> None:
    new = _revise(
        chatting,
        kb,
        _finding("queue-dlq", "message_bus"),
        _finding("queue-backpressure", "message_bus", fid="R-2"),
        _finding("unbounded-fanout", "delivery_worker", fid="R-3"),
        _finding("check-then-act", "message_store", fid="R-4"),
    )
    bus = new.component("message_bus")
    assert bus is not None and {"dead_letter_queue", "consumer_lag_alerts"} <= set(bus.features)
    assert "fanout_cap" in new.component("delivery_worker").features  # type: ignore[union-attr]
    assert "conditional_writes" in new.component("message_store").features  # type: ignore[union-attr]
    assert [c.finding for c in new.changes] == ["R-1", "R-2", "R-3", "R-4"]
    assert any("consumer lag" in a for a in new.observability.alerts)  # type: ignore[union-attr]


def test_slo_alerting_adds_thresholds_from_the_slos(paste: tuple, kb: KnowledgeBase) -> None:
    _, arch = paste
    assert arch.observability is not None and arch.observability.alerts == []
    new = _revise(paste, kb, _finding("slo-alerting", None))
    alerts = new.observability.alerts  # type: ignore[union-attr]
    assert any("99.9%" in a and "14.4" in a for a in alerts)
    assert any("200 ms" in a for a in alerts)  # the p99 target
    assert any("$3,000" in a for a in alerts)  # the budget
    # alerts survive the recomputation of the derived sections in a later revision
    again = revise_architecture(new, paste[0], _review(_finding("queue-dlq", None)), _cost(), kb)
    assert again.observability.alerts == alerts  # type: ignore[union-attr]


def test_headroom_grows_to_the_reviewers_count(paste: tuple, kb: KnowledgeBase) -> None:
    new = _revise(
        paste,
        kb,
        _finding(
            "headroom",
            "api",
            recommendation="Grow to max(ceil(900 / 1,400), 2) = 9 "
            "instances, or autoscale before 70%.",
        ),
    )
    api = new.component("api")
    assert api is not None and api.instances == 9
    assert "9 after review R-1 (headroom)" in api.sizing and api.sizing.endswith("= 9")


def test_latency_budget_puts_a_cache_in_front_of_the_slow_store(
    paste: tuple, kb: KnowledgeBase
) -> None:
    scope, arch = paste
    bare = arch.model_copy(deep=True)  # the same design without its read cache
    bare.components = [c for c in bare.components if c.id != "paste_cache"]
    bare.links = [lk for lk in bare.links if "paste_cache" not in (lk.source, lk.target)]
    finding = _finding(
        "latency-budget",
        None,
        message="the synchronous read path lb → api → "
        "paste_metadata sums to 26 ms > p99 target 20 ms",
        recommendation="Cut the slowest hops: paste_metadata (10 ms) → put a cache",
    )
    new = revise_architecture(bare, scope, _review(finding), _cost(), kb)
    cache = new.component("paste_metadata_cache")
    assert cache is not None and cache.kind == "cache" and cache.instances >= 2
    assert any(lk.source == "api" and lk.target == cache.id for lk in new.links)
    assert any(d.component == cache.id for d in new.decisions)
    # with a cache in place the next step is read replicas on the store
    again = revise_architecture(new, scope, _review(finding), _cost(), kb)
    assert "read_replicas" in again.component("paste_metadata").features  # type: ignore[union-attr]


def test_unserved_requirement_is_attached(paste: tuple, kb: KnowledgeBase) -> None:
    scope, arch = paste
    bare = arch.model_copy(deep=True)
    for comp in bare.components:
        comp.serves = [s for s in comp.serves if s != "FR-2"]
    finding = _finding("unserved-requirement", None, message="FR-2 is served by no component")
    new = revise_architecture(bare, scope, _review(finding), _cost(), kb)
    assert any("FR-2" in c.serves for c in new.components)
    assert "FR-2 attached to api" in new.changes[0].description


def test_budget_reserves_capacity_and_tiers_storage(paste: tuple, kb: KnowledgeBase) -> None:
    scope, arch = paste
    items = [
        CostItem(
            component=c.id,
            item=c.name,
            category="compute",
            quantity=730,
            unit="instance-hours",
            unit_price_usd=2.0,
            monthly_usd=1460.0,
        )
        for c in arch.components
        if c.instances > 0
    ]
    total = sum(i.monthly_usd for i in items)
    new = _revise(paste, kb, _finding("budget", None), cost=_cost(total, 3000.0, items))
    reserved = [c for c in new.components if "reserved_instances" in c.features]
    assert reserved and all(c.instances > 0 for c in reserved)
    assert "storage_tiering" in new.component("paste_blob_store").features  # type: ignore[union-attr]
    text = new.changes[0].description
    assert "reserved instances (40% off)" in text
    # a technology switch is kept only when the re-priced bill drops
    if "→" in text:
        assert (
            estimate_cost(new, scope, kb).total_monthly_usd
            < estimate_cost(arch, scope, kb).total_monthly_usd
        )


def test_budget_switch_is_checked_against_the_price_table(
    chatting: tuple, kb: KnowledgeBase
) -> None:
    scope, arch = chatting
    rev = Revision(
        arch=arch.model_copy(deep=True), ctx=Ctx.build(scope, kb), kb=kb, cost=_cost(10.0, 1.0)
    )
    store = rev.arch.component("conversation_store")
    assert store is not None and store.technology == "Amazon Aurora PostgreSQL"
    text = _switch_if_cheaper(rev, store, kb.option("sql_db", "PostgreSQL"))
    assert text is not None and "re-priced" in text and store.technology == "PostgreSQL"
    assert {"automatic_failover", "backups"} <= set(store.features)  # now run by us
    # DynamoDB billed per request beats three self-run ScyllaDB nodes for 35 writes/s
    paste_scope = pastebin(kb)
    paste_arch = draft_architecture(paste_scope, kb)
    small = Revision(arch=paste_arch, ctx=Ctx.build(paste_scope, kb), kb=kb, cost=_cost(10.0, 1.0))
    pricier = small.arch.component("paste_metadata")
    assert pricier is not None and pricier.technology == "Amazon DynamoDB"
    assert _switch_if_cheaper(small, pricier, kb.option("kv_store", "ScyllaDB")) is None
    assert pricier.technology == "Amazon DynamoDB"


def test_availability_composition_raises_the_critical_path(kb: KnowledgeBase) -> None:
    scope = _booking_scope(kb, availability=99.5)
    scope.non_functional[0].target = 99.5
    arch = draft_architecture(scope, kb)

    def composed(a: Architecture) -> float:
        rev = Revision(arch=a, ctx=Ctx.build(scope, kb), kb=kb, cost=_cost())
        return math.prod(availability(c, rev.option(c)) for c in critical_path(rev))

    new = revise_architecture(
        arch, scope, _review(_finding("availability-composition", None)), _cost(), kb
    )
    assert composed(new) > composed(arch)
    assert new.changes[0].description.startswith("critical path")


def test_unknown_rule_changes_nothing(paste: tuple, kb: KnowledgeBase) -> None:
    _, arch = paste
    new = _revise(paste, kb, _finding("no-such-rule", "api"))
    assert new.changes == []
    assert [c.model_dump() for c in new.components] == [c.model_dump() for c in arch.components]


def test_review_loop_resolves_what_it_changes(kb: KnowledgeBase) -> None:
    text = (
        "A chat app like WhatsApp with 50M daily users, group chats, 99.99% available, "
        "p99 under 300 ms"
    )
    scope = scope_requirements(parse_requirements(text), kb)
    arch = draft_architecture(scope, kb)
    cost = estimate_cost(arch, scope, kb)
    first = review_design(scope, arch, cost, kb, 1)
    assert first.open("blocker", "major")
    revised = revise_architecture(arch, scope, first, cost, kb)
    changed = {c.finding for c in revised.changes}
    assert changed and changed <= {f.id for f in first.findings}
    second = review_design(scope, revised, estimate_cost(revised, scope, kb), kb, 2, first)
    still_open = {f.id for f in second.open()}
    fixed = {
        fid
        for fid in changed
        if next(f.rule for f in first.findings if f.id == fid)
        not in ("availability-composition", "budget")
    }
    assert fixed and not fixed & still_open
    assert len(second.open("blocker", "major")) < len(first.open("blocker", "major"))


def test_budget_never_undoes_an_availability_switch(chatting: tuple, kb: KnowledgeBase) -> None:
    """S3 (99.99%) on the critical path is not traded back for R2 (99.9%) to save money:
    that swing between the budget and availability fixers kept the loop from converging."""
    scope, arch = chatting

    def trial(critical: bool) -> tuple[str | None, str]:
        rev = Revision(
            arch=arch.model_copy(deep=True), ctx=Ctx.build(scope, kb), kb=kb, cost=_cost(10.0, 1.0)
        )
        for link in rev.arch.links:
            if link.target == "media_store" and link.source == "api":
                link.critical = critical
        store = rev.arch.component("media_store")
        assert store is not None
        store.technology = "Amazon S3"
        text = _switch_if_cheaper(rev, store, kb.option("object_store", "Cloudflare R2"))
        return text, store.technology

    assert trial(critical=True) == (None, "Amazon S3")
    text, technology = trial(critical=False)  # off the main path: the cheaper store is fine
    assert text is not None and technology == "Cloudflare R2"
