"""The eval harness: score designs against cases, deterministically and with model judges.

    from evals import load_cases, run_eval, EvalOptions, write_report
    report = run_eval(load_cases(["evals/cases"]), EvalOptions())
    write_report(report, Path("reports/base"))

Modules: `cases` (requirement files + expectations), `checks` (deterministic checks),
`injectors` and `flaws` (reviewer recall), `judges` (rubric and pairwise model judges),
`results` (report model, --compare deltas), `report` and `charts` (md/html/json), `runner`.
"""

from .cases import EvalCase, Expectations, load_case, load_cases
from .checks import CHECKS, CheckResult, run_checks
from .flaws import FLAWS, RecallReport, measure_recall
from .judges import DIMENSIONS, JudgeScore, PairwiseVerdict, compare_pair, judge_design
from .report import render_html, render_markdown, write_report
from .results import CaseResult, EvalReport, compare_reports, load_report
from .runner import EvalOptions, run_eval

__all__ = [
    "CHECKS",
    "DIMENSIONS",
    "FLAWS",
    "CaseResult",
    "CheckResult",
    "EvalCase",
    "EvalOptions",
    "EvalReport",
    "Expectations",
    "JudgeScore",
    "PairwiseVerdict",
    "RecallReport",
    "compare_pair",
    "compare_reports",
    "judge_design",
    "load_case",
    "load_cases",
    "load_report",
    "measure_recall",
    "render_html",
    "render_markdown",
    "run_checks",
    "run_eval",
    "write_report",
]
