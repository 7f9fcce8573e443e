"""Review rounds: stable finding ids, resolved findings, verdict, scorecard and summary."""

from __future__ import annotations

from review_fixtures import empty_cost, good_design, good_scope, make_kb

from agents.artefacts import Architecture, Finding, Review
from agents.cost_analyst import estimate_cost
from agents.kb import RuleInfo
from agents.reviewer import assign_ids, review_design, verdict_of


def _flawed() -> Architecture:
    """Three flaws: single DB node (blocker), queue without DLQ (major), herd (minor)."""
    arch = good_design()
    db = arch.component("paste_db")
    queue = arch.component("view_queue")
    cache = arch.component("paste_cache")
    assert db is not None and queue is not None and cache is not None
    db.instances, db.replication = 1, 1
    queue.features.remove("dead_letter_queue")
    cache.features = [f for f in cache.features if f not in ("request_coalescing", "jittered_ttl")]
    return arch


def _by_rule(review: Review) -> dict[tuple[str, str | None], Finding]:
    return {(f.rule, f.component): f for f in review.findings}


def test_the_hardened_design_is_approved_with_its_real_bill() -> None:
    kb, scope, arch = make_kb(), good_scope(), good_design()
    cost = estimate_cost(arch, scope, kb)
    review = review_design(scope, arch, cost, kb, round=1)
    assert review.findings == []
    assert review.verdict == "approve"
    assert [q.score for q in review.scorecard] == [5] * 7
    assert review.summary.startswith("Round 1: 0 open findings")


def test_first_round_numbers_findings_in_rule_order() -> None:
    review = review_design(good_scope(), _flawed(), empty_cost(), make_kb(), round=1)
    ids = {key: f.id for key, f in _by_rule(review).items()}
    assert ids[("no-spof", "paste_db")] == "R-1"
    assert ("queue-dlq", "view_queue") in ids and ("thundering-herd", "paste_cache") in ids
    assert sorted(int(i[2:]) for i in ids.values()) == list(range(1, len(ids) + 1))
    assert all(f.status == "open" for f in review.findings)
    assert review.verdict == "revise"


def test_ids_stay_stable_and_fixed_findings_are_resolved() -> None:
    kb, scope = make_kb(), good_scope()
    first = review_design(scope, _flawed(), empty_cost(), kb, round=1)
    fixed = _flawed()
    db = fixed.component("paste_db")
    assert db is not None
    db.instances, db.replication = 3, 3  # revision 1 fixes the single node only
    fixed.components.append(fixed.components[-1].model_copy(update={"id": "spare", "serves": []}))
    second = review_design(scope, fixed, empty_cost(), kb, round=2, previous=first)

    before, after = _by_rule(first), _by_rule(second)
    spof = after[("no-spof", "paste_db")]
    assert spof.id == before[("no-spof", "paste_db")].id
    assert spof.status == "resolved" and spof.resolved_in == 1
    for key in [("queue-dlq", "view_queue"), ("thundering-herd", "paste_cache")]:
        assert after[key].id == before[key].id and after[key].status == "open"
    new = after[("unserved-requirement", "spare")]
    assert new.id == f"R-{len(first.findings) + 1}"
    assert new.status == "open"

    third = review_design(scope, _flawed(), empty_cost(), kb, round=3, previous=second)
    reopened = _by_rule(third)[("no-spof", "paste_db")]
    assert reopened.id == spof.id and reopened.status == "open" and reopened.resolved_in is None
    gone = _by_rule(third)[("unserved-requirement", "spare")]
    assert gone.status == "resolved" and gone.resolved_in == 2


def test_resolved_findings_keep_their_revision_in_later_rounds() -> None:
    old = Finding(
        id="R-4",
        rule="queue-dlq",
        severity="major",
        component="q",
        message="m",
        recommendation="r",
        status="resolved",
        resolved_in=1,
    )
    previous = Review(round=2, findings=[old], verdict="approve", scorecard=[])
    carried = assign_ids([], previous, round_no=3)
    assert carried == [old]


def test_accepted_risks_stay_accepted_and_do_not_block() -> None:
    kb, scope = make_kb(), good_scope()
    arch = good_design()
    queue = arch.component("view_queue")
    assert queue is not None
    queue.features.remove("dead_letter_queue")
    first = review_design(scope, arch, empty_cost(), kb, round=1)
    (dlq,) = first.findings
    assert first.verdict == "revise"
    accepted = first.model_copy(
        update={"findings": [dlq.model_copy(update={"status": "accepted"})]}
    )
    second = review_design(scope, arch, empty_cost(), kb, round=2, previous=accepted)
    assert second.findings[0].id == dlq.id and second.findings[0].status == "accepted"
    assert second.verdict == "approve"
    assert "1 accepted as risk" in second.summary


def _finding(severity: str, status: str = "open") -> Finding:
    return Finding(
        id="R-1",
        rule="x",
        severity=severity,
        message="m",
        recommendation="r",
        status=status,
    )


def test_verdict_revises_only_on_open_blockers_or_majors() -> None:
    assert verdict_of([]) == "approve"
    assert verdict_of([_finding("minor")]) == "approve"
    assert verdict_of([_finding("major")]) == "revise"
    assert verdict_of([_finding("blocker")]) == "revise"
    assert verdict_of([_finding("blocker", "resolved"), _finding("minor")]) == "approve"


def test_only_minor_findings_are_approved() -> None:
    arch = good_design()
    db = arch.component("paste_db")
    assert db is not None
    db.features.remove("encryption_at_rest")
    review = review_design(good_scope(), arch, empty_cost(), make_kb(), round=1)
    assert [(f.rule, f.severity) for f in review.findings] == [("encryption", "minor")]
    assert review.verdict == "approve"


def test_scorecard_scores_qualities_from_open_findings() -> None:
    review = review_design(good_scope(), _flawed(), empty_cost(), make_kb(), round=1)
    scores = {q.quality: q for q in review.scorecard}
    assert list(scores) == [
        "resilient",
        "scalable",
        "maintainable",
        "observable",
        "cost_aware",
        "secure",
        "fit",
    ]
    resilient = [f for f in review.findings if f.quality == "resilient"]
    penalty = sum({"blocker": 2, "major": 1, "minor": 0.5}[f.severity] for f in resilient)
    assert scores["resilient"].score == max(1, 5 - int(-(-penalty // 1)))
    assert scores["resilient"].score < 5
    assert "R-1 no-spof on paste_db (blocker)" in scores["resilient"].note
    assert scores["scalable"].score == 4  # one minor: thundering herd
    assert scores["secure"].score == 5 and scores["secure"].note.startswith("No open findings")


def test_summary_counts_and_names_what_to_fix_first() -> None:
    review = review_design(good_scope(), _flawed(), empty_cost(), make_kb(), round=1)
    open_ = review.open()
    blockers, majors = len(review.open("blocker")), len(review.open("major"))
    assert review.summary.startswith(f"Round 1: {len(open_)} open findings ({blockers} blocker")
    assert f"{majors} major" in review.summary
    assert "fix first: R-1 no-spof on paste_db (blocker)" in review.summary


def test_knowledge_base_rule_metadata_sets_severity_and_quality() -> None:
    rules = {
        "queue-dlq": RuleInfo(
            id="queue-dlq",
            severity="blocker",
            quality="observability",
            title="t",
            rationale="r",
            recommendation="r",
        )
    }
    arch = good_design()
    queue = arch.component("view_queue")
    assert queue is not None
    queue.features.remove("dead_letter_queue")
    review = review_design(good_scope(), arch, empty_cost(), make_kb(rules=rules), round=1)
    (finding,) = review.findings
    assert (finding.severity, finding.quality) == ("blocker", "observable")


def test_over_budget_design_gets_a_budget_finding_with_figures() -> None:
    kb, scope, arch = make_kb(), good_scope(), good_design()
    budget = scope.nfr("budget")
    assert budget is not None
    budget.target = 3000
    cost = estimate_cost(arch, scope, kb)
    review = review_design(scope, arch, cost, kb, round=1)
    (finding,) = [f for f in review.findings if f.rule == "budget"]
    assert finding.severity == "blocker"  # the bill is more than 1.25x the budget
    assert f"${cost.total_monthly_usd:,.0f}" in finding.message
    assert "of the $3,000 budget" in finding.message
    assert "reserved instances" in finding.recommendation
