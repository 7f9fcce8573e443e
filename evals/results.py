"""The eval's result models (what report.json holds) and the comparison of two runs."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from agents.errors import InputError

from .checks import CHECKS, CheckResult
from .flaws import RecallReport
from .judges import DimensionAgreement, JudgeResult, PairwiseResult

REPORT_VERSION = 1


class CaseResult(BaseModel):
    """Everything measured on one case."""

    name: str
    source: str = ""
    system: str = ""
    archetype: str = ""
    design_model: str = Field(default="offline", description="Model that made the design.")
    error: str | None = Field(default=None, description="Why the case has no design.")
    checks: list[CheckResult] = Field(default_factory=list)
    score: float | None = Field(default=None, description="0..100: mean check score.")
    judges: list[JudgeResult] = Field(default_factory=list)
    judge_means: dict[str, float] = Field(default_factory=dict, description="Dimension -> 0..5.")
    judge_score: float | None = Field(default=None, description="Mean judge score, 0..5.")
    flaws_expected: list[str] = Field(default_factory=list)
    flaws_missed: list[str] = Field(
        default_factory=list, description="Expected flaws injected and not caught."
    )
    flaws_untestable: list[str] = Field(
        default_factory=list,
        description="Expected flaws that could not be injected into this design (e.g. the "
        "technology provides the mechanism natively) or whose rule already fired.",
    )
    pairwise: list[PairwiseResult] = Field(default_factory=list)
    design_path: str | None = None
    seconds_generate: float = 0.0
    seconds_score: float = 0.0

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.check == name), None)

    @property
    def failed_checks(self) -> list[str]:
        return [c.check for c in self.checks if not c.passed]


class Timings(BaseModel):
    """Wall time per phase, seconds."""

    total: float = 0.0
    generate: float = 0.0
    checks: float = 0.0
    recall: float = 0.0
    judges: float = 0.0


class CaseDelta(BaseModel):
    """How one case moved between a baseline run and this one."""

    case: str
    status: Literal["worse", "better", "same", "new", "removed", "broken", "fixed"]
    before: float | None = None
    after: float | None = None
    delta: float | None = None
    judge_before: float | None = None
    judge_after: float | None = None
    judge_delta: float | None = None
    newly_failing: list[str] = Field(default_factory=list)
    newly_passing: list[str] = Field(default_factory=list)


class Comparison(BaseModel):
    """This run against a baseline report, the cases that got worse first."""

    baseline: str
    deltas: list[CaseDelta] = Field(default_factory=list)
    mean_before: float | None = None
    mean_after: float | None = None
    check_rate_deltas: dict[str, float] = Field(default_factory=dict)
    recall_before: float | None = None
    recall_after: float | None = None

    @property
    def worse(self) -> list[CaseDelta]:
        return [d for d in self.deltas if d.status in ("worse", "broken", "removed")]


class EvalReport(BaseModel):
    """The whole eval run: what report.json holds."""

    version: int = REPORT_VERSION
    created_at: str = ""
    generator: str = ""
    cases_source: list[str] = Field(default_factory=list)
    design_model: str = "offline"
    designs_from: str | None = Field(default=None, description="--designs DIR, if scored.")
    judges: list[str] = Field(default_factory=list)
    min_score: float | None = None
    cases: list[CaseResult] = Field(default_factory=list)
    check_pass_rates: dict[str, float | None] = Field(default_factory=dict)
    mean_score: float | None = None
    mean_judge_score: float | None = None
    judge_dimension_means: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="Judge -> dimension -> mean over cases."
    )
    judge_agreement: list[DimensionAgreement] = Field(default_factory=list)
    self_judged: list[str] = Field(default_factory=list, description="'judge on case' pairs.")
    recall: RecallReport | None = None
    timings: Timings = Field(default_factory=Timings)
    comparison: Comparison | None = None

    def case(self, name: str) -> CaseResult | None:
        return next((c for c in self.cases if c.name == name), None)

    def summarise(self) -> None:
        """Fill the aggregates from the cases."""
        self.check_pass_rates = check_pass_rates(self.cases)
        scored = [c.score for c in self.cases if c.score is not None]
        errored = sum(c.error is not None for c in self.cases)
        # a case that produced no design scores 0: a crash must not raise the mean
        self.mean_score = mean(scored + [0.0] * errored) if scored or errored else None
        judged = [c.judge_score for c in self.cases if c.judge_score is not None]
        self.mean_judge_score = mean(judged) if judged else None
        per_judge: dict[str, dict[str, list[int]]] = {}
        for case in self.cases:
            for result in case.judges:
                for dim, score in result.scores.items():
                    per_judge.setdefault(result.judge, {}).setdefault(dim, []).append(score)
        self.judge_dimension_means = {
            judge: {dim: mean(values) for dim, values in dims.items()}
            for judge, dims in per_judge.items()
        }
        self.self_judged = [
            f"{r.judge} on {c.name}" for c in self.cases for r in c.judges if r.self_judged
        ]


def check_pass_rates(cases: list[CaseResult]) -> dict[str, float | None]:
    """Check -> share of cases (that ran it and were not skipped) where it passed.

    A case that produced no design counts as failing every check.
    """
    rates: dict[str, float | None] = {}
    for name in CHECKS:
        outcomes: list[bool] = []
        for case in cases:
            if case.error is not None:
                outcomes.append(False)
                continue
            result = case.check(name)
            if result is not None and not result.skipped:
                outcomes.append(result.passed)
        rates[name] = sum(outcomes) / len(outcomes) if outcomes else None
    return rates


def load_report(path: Path | str) -> EvalReport:
    """A report from `report.json` or the directory holding it; InputError when unreadable."""
    path = Path(path)
    file = path / "report.json" if path.is_dir() else path
    if not file.exists():
        raise InputError(f"no eval report at {file}")
    try:
        return EvalReport.model_validate(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"cannot read eval report {file}: {first}") from None


def _delta(after: float | None, before: float | None) -> float | None:
    return after - before if after is not None and before is not None else None


_EPS = 1e-9


def _case_delta(name: str, new: CaseResult | None, old: CaseResult | None) -> CaseDelta:
    if new is None:
        return CaseDelta(case=name, status="removed", before=old.score if old else None)
    if old is None:
        return CaseDelta(case=name, status="new", after=new.score, judge_after=new.judge_score)
    old_failed, new_failed = set(old.failed_checks), set(new.failed_checks)
    delta = CaseDelta(
        case=name,
        status="same",
        before=old.score,
        after=new.score,
        delta=_delta(new.score, old.score),
        judge_before=old.judge_score,
        judge_after=new.judge_score,
        judge_delta=_delta(new.judge_score, old.judge_score),
        newly_failing=sorted(new_failed - old_failed),
        newly_passing=sorted(old_failed - new_failed),
    )
    if new.error is not None and old.error is None:
        delta.status = "broken"
    elif old.error is not None and new.error is None:
        delta.status = "fixed"
    else:
        moves = [d for d in (delta.delta, delta.judge_delta) if d is not None]
        if delta.newly_failing or any(d < -_EPS for d in moves):
            delta.status = "worse"
        elif delta.newly_passing or any(d > _EPS for d in moves):
            delta.status = "better"
    return delta


_ORDER = {"broken": 0, "removed": 1, "worse": 2, "same": 3, "new": 4, "better": 5, "fixed": 6}


def compare_reports(current: EvalReport, baseline: EvalReport, label: str) -> Comparison:
    """Per-case deltas of `current` against `baseline`, the cases that got worse first."""
    names = [c.name for c in current.cases] + [
        c.name for c in baseline.cases if current.case(c.name) is None
    ]
    deltas = [_case_delta(n, current.case(n), baseline.case(n)) for n in names]
    deltas.sort(key=lambda d: (_ORDER[d.status], d.delta or 0.0, d.judge_delta or 0.0, d.case))
    rate_deltas = {
        name: rate - before
        for name, rate in current.check_pass_rates.items()
        if rate is not None and (before := baseline.check_pass_rates.get(name)) is not None
    }
    return Comparison(
        baseline=label,
        deltas=deltas,
        mean_before=baseline.mean_score,
        mean_after=current.mean_score,
        check_rate_deltas=rate_deltas,
        recall_before=baseline.recall.overall if baseline.recall else None,
        recall_after=current.recall.overall if current.recall else None,
    )
