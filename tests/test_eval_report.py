"""Reports: Markdown, HTML with inline SVG charts (escaped), JSON that loads back, deltas."""

from __future__ import annotations

import json
import re
from pathlib import Path

from evals.charts import bar_chart, grouped_bar_chart
from evals.checks import CheckResult
from evals.flaws import FlawRecall, RecallReport
from evals.judges import DIMENSIONS, JudgeResult
from evals.report import render_html, render_markdown, write_report
from evals.results import CaseResult, EvalReport, compare_reports, load_report


def _checks(*failing: str) -> list[CheckResult]:
    names = ["sections_present", "mermaid_parses", "cost_adds_up", "capacity_figures"]
    return [
        CheckResult(
            check=n,
            passed=n not in failing,
            score=0.5 if n in failing else 1.0,
            checked=2,
            failures=[f"{n} broke"] if n in failing else [],
        )
        for n in names
    ]


def _case(name: str, score: float, *failing: str, judge: float | None = None) -> CaseResult:
    case = CaseResult(name=name, system=name.title(), checks=_checks(*failing), score=score)
    if judge is not None:
        case.judges = [JudgeResult(judge="judge-a", scores=dict.fromkeys(DIMENSIONS, int(judge)))]
        case.judge_means = dict.fromkeys(DIMENSIONS, judge)
        case.judge_score = judge
    return case


def _report(*cases: CaseResult) -> EvalReport:
    report = EvalReport(cases=list(cases), cases_source=["evals/cases"], min_score=90)
    report.recall = RecallReport(
        per_flaw=[
            FlawRecall(flaw="over_budget", title="t", rules=["budget"], applicable=2, caught=2),
            FlawRecall(
                flaw="no_cache",
                title="t",
                rules=["headroom"],
                applicable=2,
                caught=1,
                missed_in=["typeahead"],
            ),
        ]
    )
    report.summarise()
    return report


def test_aggregates() -> None:
    report = _report(
        _case("a", 100.0),
        _case("b", 87.5, "cost_adds_up"),
        CaseResult(name="broken", error="InputError: boom"),
    )
    # the case without a design counts as 0 and as failing every check
    assert report.mean_score == (100.0 + 87.5 + 0.0) / 3
    assert report.check_pass_rates["cost_adds_up"] == 1 / 3
    assert report.check_pass_rates["sections_present"] == 2 / 3
    assert report.check_pass_rates["traceability"] == 0.0  # ran nowhere; the crash fails it
    assert _report(_case("a", 100.0)).check_pass_rates["traceability"] is None
    assert report.recall is not None and report.recall.overall == 0.75


def test_markdown_report_has_the_tables() -> None:
    md = render_markdown(_report(_case("a", 100.0), _case("b", 87.5, "cost_adds_up", judge=3)))
    assert "| b | B | 87.5 | cost_adds_up | 3.00 | - |" in md
    assert "| cost_adds_up | 1/2 | 50% |" in md
    assert "| no_cache | headroom | 2 | 1 | 50% | typeahead |" in md
    assert "## Model judges" in md and "agreement: mean |a-b|".replace("|", "\\|") in md
    assert "- **b** / cost_adds_up:" in md


def test_html_report_escapes_everything_and_has_inline_charts() -> None:
    evil = _case("<script>alert(1)</script>", 50.0, "mermaid_parses", judge=2)
    evil.checks[1].failures = ["<img src=x onerror=alert(1)>"]
    html = render_html(_report(evil, _case("ok", 100.0, judge=4)))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") >= 5  # scores, check rates, recall, judges per dimension/case
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing fetched from the network


def test_charts_escape_labels_and_mark_the_threshold() -> None:
    svg = bar_chart(
        [("a<b", 40.0), ("ok", 95.0), ("none", None)], title="T&C", max_value=100, threshold=90
    )
    assert "a&lt;b" in svg and "T&amp;C" in svg and "n/a" in svg
    assert svg.count('fill="#e15759"') == 1  # the one bar under the threshold
    assert "stroke-dasharray" in svg
    grouped = grouped_bar_chart(
        ["x", "y"], {"j1": [1.0, 2.0], "j<2>": [3.0, None]}, title="G", max_value=5
    )
    assert grouped.count("<rect") == 3 + 2  # three bars and two legend swatches
    assert "j&lt;2&gt;" in grouped


def test_json_round_trip(tmp_path: Path) -> None:
    report = _report(_case("a", 100.0), _case("b", 75.0, "cost_adds_up", "mermaid_parses"))
    paths = write_report(report, tmp_path, html=False)
    assert set(paths) == {"json", "md"}
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["recall"]["overall"] == 0.75  # computed fields are written out
    loaded = load_report(tmp_path)
    assert loaded.case("b") is not None
    assert loaded.mean_score == report.mean_score


def test_compare_puts_the_cases_that_got_worse_first() -> None:
    baseline = _report(
        _case("steady", 100.0),
        _case("slipped", 100.0),
        _case("better", 75.0, "cost_adds_up"),
        _case("gone", 90.0),
        _case("crashed", 100.0, judge=4),
    )
    current = _report(
        _case("steady", 100.0),
        _case("slipped", 87.5, "mermaid_parses"),
        _case("better", 100.0),
        _case("fresh", 90.0),
        CaseResult(name="crashed", error="boom"),
    )
    comparison = compare_reports(current, baseline, "reports/base")
    order = [(d.case, d.status) for d in comparison.deltas]
    assert order == [
        ("crashed", "broken"),
        ("gone", "removed"),
        ("slipped", "worse"),
        ("steady", "same"),
        ("fresh", "new"),
        ("better", "better"),
    ]
    slipped = comparison.deltas[2]
    assert slipped.delta == -12.5 and slipped.newly_failing == ["mermaid_parses"]
    assert comparison.deltas[-1].newly_passing == ["cost_adds_up"]
    assert [d.case for d in comparison.worse] == ["crashed", "gone", "slipped"]
    current.comparison = comparison
    md = render_markdown(current)
    assert md.index("## Compared with reports/base") < md.index("## Cases")
    assert md.index("| crashed | broken") < md.index("| better | better")
