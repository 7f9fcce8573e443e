"""CI gate: the deterministic eval of the offline designs on evals/cases must not slide.

One eval run (generate every case offline, run every check, inject every flaw) is shared by the
tests below; each fails with the figures that fell under its threshold. The thresholds are
today's figures minus a small margin (see THRESHOLDS); raise them when the crew gets better.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.settings import Settings
from evals.cases import load_cases
from evals.results import EvalReport
from evals.runner import EvalOptions, run_eval

CASES_DIR = Path(__file__).resolve().parents[1] / "evals" / "cases"

# Figures of 2026-11-26 (17 cases): mean score 99.2; every structural check 100%;
# scope_features 94%; review_closed 88% (auth and media off the main path, budget fixer no
# longer undoing availability switches); reviewer recall 97% (143 of 147): single_az 7/7
# (zone-spread), no_cache 4-5/8 (per-partition headroom of uncached stores).
MIN_MEAN_SCORE = 97.0
MIN_RECALL = 0.93
MIN_PASS_RATE: dict[str, float] = {
    # invariants of a well-formed document: any failure is a bug
    "sections_present": 1.0,
    "mermaid_parses": 1.0,
    "estimates_recompute": 1.0,
    "traceability": 1.0,
    "cost_adds_up": 1.0,
    "diagram_matches_components": 1.0,
    # hand-derived expectations: a case may slip while a kernel changes
    "capacity_figures": 0.88,
    "expected_coverage": 0.88,
    "scope_features": 0.82,
    # designs whose review loop ends approved with no open blocker
    "review_closed": 0.8,
}
# Recall per flaw type that the reviewer catches today and must keep catching.
MIN_FLAW_RECALL: dict[str, float] = {
    "single_instance_store": 0.8,
    "over_budget": 0.9,
    "queue_without_dlq": 0.9,
    "no_rate_limiting": 0.8,
    "no_alerts": 0.9,
    "no_idempotency": 0.8,
    "no_backups": 0.9,
    "unserved_requirement": 0.9,
    "single_az": 0.85,
    "no_cache": 0.35,
    "no_stampede_protection": 0.9,
    "no_fencing": 0.85,
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    home = tmp_path_factory.mktemp("gate-home")
    options = EvalOptions(settings=Settings(home=home), recall=True)
    return run_eval(load_cases([CASES_DIR]), options)


def test_every_case_produces_a_design(report: EvalReport) -> None:
    assert len(report.cases) >= 15
    errors = {c.name: c.error for c in report.cases if c.error}
    assert errors == {}


def test_mean_score(report: EvalReport) -> None:
    worst = sorted(report.cases, key=lambda c: c.score or 0)[:3]
    assert report.mean_score is not None and report.mean_score >= MIN_MEAN_SCORE, [
        (c.name, c.score, c.failed_checks) for c in worst
    ]


def test_check_pass_rates(report: EvalReport) -> None:
    below = {
        name: (report.check_pass_rates.get(name), minimum)
        for name, minimum in MIN_PASS_RATE.items()
        if (report.check_pass_rates.get(name) or 0.0) < minimum - 1e-9
    }
    failures = {
        name: [
            f"{c.name}: {r.failures[:2]}"
            for c in report.cases
            for r in c.checks
            if r.check == name and not r.passed
        ]
        for name in below
    }
    assert below == {}, failures


def test_reviewer_recall(report: EvalReport) -> None:
    recall = report.recall
    assert recall is not None and recall.overall is not None
    assert recall.overall >= MIN_RECALL
    per_flaw = {f.flaw: f for f in recall.per_flaw}
    below = {
        flaw: (per_flaw[flaw].recall, minimum, per_flaw[flaw].missed_in)
        for flaw, minimum in MIN_FLAW_RECALL.items()
        if per_flaw[flaw].applicable and (per_flaw[flaw].recall or 0.0) < minimum
    }
    assert below == {}
