"""Sizing by role: a template's own per-node work (ops_per_node), media roles sized by the
writes that carry media, notification roles by notifications, and the reviewer agreeing."""

from __future__ import annotations

import math

import pytest
from architect_fixtures import chat, make_scope

from agents.architect import draft_architecture, revise_architecture
from agents.artefacts import Architecture, Estimate, Finding, Review, Scope
from agents.cost_analyst import estimate_cost
from agents.kb import KnowledgeBase, default_kb
from agents.reviewer import ReviewContext
from agents.reviewer.rules_traffic import headroom


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="module")
def chatting(kb: KnowledgeBase) -> tuple[Scope, Architecture]:
    scope = chat(kb)
    return scope, draft_architecture(scope, kb)


def _video(kb: KnowledgeBase) -> Scope:
    return make_scope(
        kb,
        "video_streaming",
        dau=50_000_000,
        writes_per_user_per_day=0.01,
        reads_per_write=500,
        object_bytes=2000,
        retention_days=3650,
        availability=99.95,
        media_bytes=300e6,
        media_share=1,
    )


def _feed(kb: KnowledgeBase) -> Scope:
    return make_scope(
        kb,
        "social_feed",
        dau=100_000_000,
        writes_per_user_per_day=2,
        reads_per_write=50,
        object_bytes=300,
        retention_days=3650,
        availability=99.99,
        fanout=200,
    )


def _comp(arch: Architecture, cid: str):  # type: ignore[no-untyped-def]
    comp = arch.component(cid)
    assert comp is not None, cid
    return comp


def test_transcoders_are_sized_by_the_role_not_the_catalogue(kb: KnowledgeBase) -> None:
    scope = _video(kb)
    arch = draft_architecture(scope, kb)
    transcoder = _comp(arch, "transcoder")
    peak = scope.value("write_qps_peak")
    assert transcoder.instances == math.ceil(peak / (0.005 * 0.7) - 1e-9)
    assert transcoder.instances > 1000
    assert "0.005/s per transcoder node × 0.7" in transcoder.sizing


def test_media_roles_carry_only_the_writes_with_media(chatting: tuple) -> None:
    scope, arch = chatting
    share = scope.value("media_share")
    media_writes = scope.value("write_qps_peak") * share
    processor = _comp(arch, "media_processor")
    assert processor.instances == max(3, math.ceil(media_writes / (30 * 0.7) - 1e-9))
    assert "× 0.05 media_share ÷ (30/s per media_processor node × 0.7)" in processor.sizing
    events = _comp(arch, "media_events")
    assert "× 0.05 media_share" in events.sizing
    delivery = _comp(arch, "delivery_worker")
    assert "per delivery_worker node" in delivery.sizing  # 10,000/s, not the generic 2,000/s


def test_notification_senders_are_not_sized_by_the_feed_fanout(kb: KnowledgeBase) -> None:
    scope = _feed(kb)
    arch = draft_architecture(scope, kb)
    assert _comp(arch, "notification_worker").estimates == ["write_qps_peak"]
    assert _comp(arch, "fanout_worker").estimates == ["fanout_writes_per_sec"]
    assert "20,000/s per fanout_worker node" in _comp(arch, "fanout_worker").sizing
    # the id generator hands out ids to writes only, at its own 100,000/s per node
    ids = _comp(arch, "id_generator")
    assert ids.estimates == ["write_qps_peak"]
    assert "100,000/s per id_generator node" in ids.sizing


def test_a_stated_notification_rate_sizes_the_senders_at_its_peak(kb: KnowledgeBase) -> None:
    scope = _feed(kb)
    scope.estimates.append(
        Estimate(
            name="notifications_per_sec",
            label="average notifications per second",
            value=2000.0,
            unit="req/s",
            display="2,000/s",
            formula="stated_notifications_per_day / seconds_per_day",
            inputs={},
        )
    )
    arch = draft_architecture(scope, kb)
    sender = _comp(arch, "notification_worker")
    assert sender.estimates == ["notifications_per_sec"]
    assert "2,000/s × 3 peak_factor" in sender.sizing
    assert sender.instances == max(3, math.ceil(6000 / (2000 * 0.7)))


def test_the_reviewer_checks_a_role_against_its_own_capacity(
    chatting: tuple, kb: KnowledgeBase
) -> None:
    scope, arch = chatting
    ctx = ReviewContext(scope=scope, arch=arch, cost=estimate_cost(arch, scope, kb), kb=kb)
    assert not [f for f in headroom(ctx) if f.component in ("media_processor", "delivery_worker")]
    shrunk = arch.model_copy(deep=True)
    _comp(shrunk, "media_processor").instances = 10
    ctx = ReviewContext(scope=scope, arch=shrunk, cost=estimate_cost(shrunk, scope, kb), kb=kb)
    (finding,) = [f for f in headroom(ctx) if f.component == "media_processor"]
    assert "media_share" in finding.message and "10 × 30/s" in finding.message


def test_zone_spread_fixer_spreads_replicas_and_tiers(chatting: tuple, kb: KnowledgeBase) -> None:
    scope, arch = chatting
    bus = _comp(arch, "message_bus")
    bus.features = [f for f in bus.features if f != "multi_az"]
    findings = [
        Finding(
            id="R-1",
            rule="zone-spread",
            severity="major",
            component="message_bus",
            message="message_bus replicas share a zone",
            recommendation="spread",
        ),
        Finding(
            id="R-2",
            rule="zone-spread",
            severity="minor",
            component=None,
            message="the critical stateless tiers api and ws_gateway have no zone spread",
            recommendation="spread",
        ),
    ]
    review = Review(round=1, findings=findings, verdict="revise", scorecard=[])
    new = revise_architecture(arch, scope, review, estimate_cost(arch, scope, kb), kb)
    assert "multi_az" in _comp(new, "message_bus").features
    assert "multi_az" in _comp(new, "api").features
    assert "multi_az" in _comp(new, "ws_gateway").features
    texts = " ".join(c.description for c in new.changes)
    assert "spread over 3 availability zones" in texts and "one replica of every partition" in texts


def test_hot_partition_fixer_replicates_hot_keys(chatting: tuple, kb: KnowledgeBase) -> None:
    scope, arch = chatting
    finding = Finding(
        id="R-1",
        rule="headroom",
        severity="major",
        component="device_registry",
        message="device_registry serves every read with no cache in front: the hottest key ...",
        recommendation="replicate hot keys under ceil(2,500 / (1,000 × 0.7)) = 4 suffixed "
        "copies (key#0…) read at random",
    )
    review = Review(round=1, findings=[finding], verdict="revise", scorecard=[])
    new = revise_architecture(arch, scope, review, estimate_cost(arch, scope, kb), kb)
    assert "hot_key_replication" in _comp(new, "device_registry").features
    assert "4 suffixed copies" in new.changes[0].description


def test_object_stores_compose_with_their_designed_availability(kb: KnowledgeBase) -> None:
    assert kb.option("object_store", "Amazon S3").sla_pct == 99.99
    assert "designed for 99.99%" in kb.option("object_store", "Amazon S3").note
    assert kb.option("object_store", "Cloudflare R2").sla_pct == 99.9  # no design figure


def test_a_media_upload_estimate_sizes_the_pipeline_and_bills_the_store(
    kb: KnowledgeBase,
) -> None:
    scope = chat(kb)
    uploads = scope.value("write_qps_peak") * 0.05
    scope.estimates.append(
        Estimate(
            name="media_uploads_peak",
            label="peak media uploads",
            value=uploads,
            unit="req/s",
            display=f"{uploads:,.0f}/s",
            formula="write_qps_peak * media_share",
            inputs={},
        )
    )
    arch = draft_architecture(scope, kb)
    processor = _comp(arch, "media_processor")
    assert processor.estimates == ["media_uploads_peak"]
    assert "media_share" not in processor.sizing  # the estimate already is the share
    assert processor.instances == max(3, math.ceil(uploads / (30 * 0.7) - 1e-9))
    assert "media_uploads_peak" in _comp(arch, "media_store").estimates
