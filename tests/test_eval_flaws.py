"""Reviewer recall: flaws are injected faithfully, caught ones count, untestable ones do not."""

from __future__ import annotations

import pytest
from eval_sample import sample_doc

from agents.artefacts import Review
from agents.kb import KnowledgeBase, default_kb
from evals.flaws import FLAWS, measure_recall, try_flaw


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def test_the_reviewer_catches_the_classic_flaws_in_a_good_design(kb: KnowledgeBase) -> None:
    report = measure_recall([("paste", sample_doc())], kb)
    status = {t.flaw: t.status for t in report.trials}
    for flaw in (
        "single_instance_store",
        "over_budget",
        "queue_without_dlq",
        "no_rate_limiting",
        "no_alerts",
        "no_backups",
        "unserved_requirement",
    ):
        assert status[flaw] == "caught", flaw
    # nothing to inject: no queue of its own, a 99.9% target, no fan-out
    for flaw in ("no_backpressure", "single_az", "unbounded_fanout"):
        assert status[flaw] == "not_applicable", flaw
    tally = {f.flaw: f for f in report.per_flaw}
    assert tally["over_budget"].applicable == 1 and tally["over_budget"].recall == 1.0
    assert tally["single_az"].applicable == 0 and tally["single_az"].recall is None
    assert report.applicable == sum(s in ("caught", "missed") for s in status.values())


def test_caught_means_the_expected_rule_on_the_expected_component(kb: KnowledgeBase) -> None:
    trial = try_flaw("paste", sample_doc(), FLAWS["single_instance_store"], kb)
    assert trial.status == "caught"
    assert trial.targets == ["paste_db"]
    assert all(" no-spof on paste_db:" in line for line in trial.findings)


def test_a_blind_reviewer_has_zero_recall(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blind(*args: object, **kwargs: object) -> Review:
        return Review(round=1, findings=[], verdict="approve", scorecard=[])

    monkeypatch.setattr("agents.reviewer.review_design", blind)
    report = measure_recall([("paste", sample_doc())], kb)
    assert report.applicable > 5
    assert report.caught == 0 and report.overall == 0.0
    assert all(t.status in ("missed", "not_applicable") for t in report.trials)


def test_a_flaw_already_present_is_not_counted(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    db = doc.architecture.component("paste_db")
    assert db is not None
    db.instances, db.replication = 1, 1  # the intact design already has the flaw
    trial = try_flaw("paste", doc, FLAWS["single_instance_store"], kb)
    assert trial.status == "already_flagged"
    report = measure_recall([("paste", doc)], kb, flaws=["single_instance_store"])
    assert report.per_flaw[0].applicable == 0


def test_injection_leaves_the_original_design_alone(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    before = doc.model_dump_json()
    for flaw in FLAWS.values():
        flaw.inject(doc, kb)
    assert doc.model_dump_json() == before


def test_dropping_the_cache_rewires_reads_to_the_store(kb: KnowledgeBase) -> None:
    injection = FLAWS["no_cache"].inject(sample_doc(), kb)
    assert injection is not None
    arch = injection.arch
    assert all(c.kind != "cache" for c in arch.components)
    assert all("paste_cache" not in (lk.source, lk.target) for lk in arch.links)
    db = arch.component("paste_db")
    assert db is not None and "read_qps_peak" in db.estimates
    assert injection.targets == ["paste_db"]


def test_over_budget_sets_half_the_bill(kb: KnowledgeBase) -> None:
    from agents.cost_analyst import estimate_cost

    doc = sample_doc()
    injection = FLAWS["over_budget"].inject(doc, kb)
    assert injection is not None
    total = estimate_cost(doc.architecture, doc.scope, kb).total_monthly_usd
    budget = injection.scope.nfr("budget")
    assert budget is not None and budget.target == pytest.approx(total / 2, rel=1e-3)


def test_a_natively_provided_mechanism_cannot_be_removed(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    lb = doc.architecture.component("lb")
    assert lb is not None
    lb.technology = "Amazon API Gateway"  # rate limiting comes with the product
    lb.kind = "api_gateway"
    assert FLAWS["no_rate_limiting"].inject(doc, kb) is None
