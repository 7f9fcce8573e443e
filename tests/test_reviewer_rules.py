"""Each review rule fires on a design with its flaw (with the numbers) and is silent without."""

from __future__ import annotations

import pytest
from review_flaws import CONTRACT_RULES, FLAWS, SILENT, Flaw
from review_mutations import Mutation, add_estimate, component_of, ctx_with, drop_features

from agents.artefacts import Architecture, Scope
from agents.reviewer import RULES


def test_rules_cover_the_contract() -> None:
    assert set(RULES) == CONTRACT_RULES
    assert all(
        callable(rule) and rule.__name__ == rid.replace("-", "_") for rid, rule in RULES.items()
    )


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_silent_on_the_hardened_design(rule_id: str) -> None:
    assert RULES[rule_id](ctx_with()) == []


@pytest.mark.parametrize("flaw", FLAWS, ids=[f.name for f in FLAWS])
def test_rule_fires_on_its_flaw(flaw: Flaw) -> None:
    findings = RULES[flaw.rule](ctx_with(flaw.mutate))
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


@pytest.mark.parametrize(
    ("rule_id", "mutate"), SILENT, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SILENT)]
)
def test_rule_is_silent_when_the_mitigation_is_in_place(rule_id: str, mutate: Mutation) -> None:
    assert RULES[rule_id](ctx_with(mutate)) == []


def test_split_brain_is_minor_off_the_write_path() -> None:
    def mutate(s: Scope, a: Architecture) -> None:
        drop_features(a, "paste_db", "quorum")
        a.links = [lk for lk in a.links if lk.target != "paste_db"]

    (finding,) = RULES["split-brain"](ctx_with(mutate))
    assert finding.severity == "minor"


def test_headroom_counts_connections_for_a_websocket_tier() -> None:
    def mutate(s: Scope, a: Architecture) -> None:
        add_estimate(s, "concurrent_connections", 500000, "count")
        api = component_of(a, "api")
        api.estimates = ["concurrent_connections"]
        api.instances = 200

    (finding,) = RULES["headroom"](ctx_with(mutate))
    assert "500,000 connections (concurrent_connections) on 200 × 2,000 connections" in (
        finding.message
    )
    assert "125% utilisation" in finding.message


def test_headroom_checks_a_cache_hot_set_against_node_memory() -> None:
    ctx = ctx_with()
    ctx.kb.kinds["cache"].options[0].per_node_storage_gb = 25  # 20 GB x 2 copies / 2 nodes
    (finding,) = RULES["headroom"](ctx)
    assert finding.component == "paste_cache"
    assert "holds 20 GB per node (cache_memory × 2 copies ÷ 2 nodes) = 80% of 25 GB memory" in (
        finding.message
    )
    assert "= 3 nodes" in finding.recommendation
