"""Per-partition headroom of uncached stores and zone spread: fire on the flaw, stay silent
when the mitigation is in place."""

from __future__ import annotations

from review_mutations import add_features, add_uncached_kv, ctx_with, drop_features

from agents.artefacts import Architecture, Finding, Link, Scope
from agents.reviewer.rules_traffic import headroom
from agents.reviewer.rules_zones import zone_spread


def _on(findings: list[Finding], component: str | None) -> list[Finding]:
    return [f for f in findings if f.component == component]


def _hot(findings: list[Finding]) -> list[Finding]:
    """Hot-partition findings (the node-count check may fire on the same store)."""
    return [f for f in findings if "hottest key" in f.message]


def test_hot_partition_is_silent_with_hot_key_replication() -> None:
    ctx = ctx_with(lambda s, a: add_uncached_kv(s, a, "hot_key_replication"))
    assert _hot(_on(headroom(ctx), "profile_kv")) == []


def test_hot_partition_is_silent_behind_a_read_cache() -> None:
    def mutate(s: Scope, a: Architecture) -> None:
        add_uncached_kv(s, a)
        a.links.append(Link(source="counter", target="paste_cache", label="GET profile (cache)"))

    assert _hot(_on(headroom(ctx_with(mutate)), "profile_kv")) == []


def test_hot_partition_names_the_hottest_key_share_and_the_copies() -> None:
    (finding,) = _hot(_on(headroom(ctx_with(lambda s, a: add_uncached_kv(s, a))), "profile_kv"))
    assert "1/(ln N + 0.577)" in finding.message
    assert "of its capacity > 70%" in finding.message
    assert "suffixed copies" in finding.recommendation


def test_zone_spread_asks_three_zones_for_a_quorum_store() -> None:
    (finding,) = zone_spread(ctx_with(lambda s, a: drop_features(a, "paste_db", "multi_az")))
    assert finding.component == "paste_db" and finding.severity == "major"
    assert "Spread paste_db over 3 availability zones" in finding.recommendation
    assert "min/month" in finding.message


def test_zone_spread_is_silent_once_spread_or_managed() -> None:
    def spread(s: Scope, a: Architecture) -> None:
        drop_features(a, "paste_db", "multi_az")
        add_features(a, "paste_db", "multi_az")

    assert zone_spread(ctx_with(spread)) == []
    assert zone_spread(ctx_with()) == []
