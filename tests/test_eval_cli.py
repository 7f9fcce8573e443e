"""`designcrew eval` on existing designs: reports, the score gate, --compare, judges, progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eval_sample import sample_doc, sample_markdown
from fake_openai_server import FakeOpenAIServer, valid

from agents.artefacts import DesignDoc
from app.cli import main
from evals.judges import DIMENSIONS

CASE = """---
expect:
  capacity:
    write_qps_avg: 3.86 ± 5%
  components: [memory cache]
  features: [paste]
  flaws: [over_budget]
---
# Pastebin

A pastebin: 10M new pastes a month, reads 10:1.
"""


def _save(doc: DesignDoc, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "design.json").write_text(doc.model_dump_json(), encoding="utf-8")
    (folder / "design.md").write_text(sample_markdown(doc), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """Two cases and their designs: 'good' is correct, 'stale' has a wrong estimate."""
    cases, designs = tmp_path / "cases", tmp_path / "designs"
    cases.mkdir()
    for name in ("good", "stale"):
        (cases / f"{name}.md").write_text(CASE, encoding="utf-8")
    _save(sample_doc(), designs / "good")
    stale = sample_doc()
    stale.scope.estimates[2].value *= 3  # read_qps_avg no longer follows from its formula
    _save(stale, designs / "stale")
    return cases, designs


def _eval(*args: str | Path) -> int:
    return main(["eval", *map(str, args), "--no-recall"])


def test_scores_existing_designs_and_writes_three_reports(
    workspace: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases, designs = workspace
    out = tmp_path / "report"
    assert _eval(cases, "--designs", designs, "-o", out) == 0
    assert {p.name for p in out.iterdir()} == {"report.json", "report.md", "report.html"}
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    by_name = {c["name"]: c for c in data["cases"]}
    assert by_name["good"]["score"] == 100.0
    stale_checks = {c["check"]: c for c in by_name["stale"]["checks"]}
    assert not stale_checks["estimates_recompute"]["passed"]
    assert data["check_pass_rates"]["estimates_recompute"] == 0.5
    captured = capsys.readouterr()
    assert "2 cases: mean score" in captured.out
    assert "reading" in captured.err and "2/2" in captured.err  # the progress lines
    assert "checking" in captured.err


def test_min_score_gates_the_exit_status(
    workspace: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases, designs = workspace
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "a", "--min-score", "99") == 1
    assert "below --min-score 99" in capsys.readouterr().err
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "b", "--min-score", "90") == 0


def test_compare_lists_the_worse_case_first(
    workspace: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases, designs = workspace
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "base", "-q") == 0
    good = sample_doc()
    good.cost.total_monthly_usd = 1.0  # the good design regresses: its bill no longer adds up
    (designs / "good" / "design.json").write_text(good.model_dump_json(), encoding="utf-8")
    assert (
        _eval(
            cases,
            "--designs",
            designs,
            "-o",
            tmp_path / "new",
            "-q",
            "--compare",
            tmp_path / "base",
        )
        == 0
    )
    assert "1 case(s) worse: good" in capsys.readouterr().out
    report = json.loads((tmp_path / "new" / "report.json").read_text(encoding="utf-8"))
    first = report["comparison"]["deltas"][0]
    assert (first["case"], first["status"], first["newly_failing"]) == (
        "good",
        "worse",
        ["cost_adds_up"],
    )


def test_a_missing_design_is_a_failed_case_not_a_crash(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    cases, designs = workspace
    (cases / "orphan.md").write_text("# Orphan\nA chat app.\n", encoding="utf-8")
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "r", "-q") == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    orphan = next(c for c in data["cases"] if c["name"] == "orphan")
    assert "no design for 'orphan'" in orphan["error"]


def test_bad_flags_are_one_line_errors(
    workspace: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases, designs = workspace
    assert _eval(cases, "--designs", tmp_path / "nope") == 2
    assert "--designs: no such directory" in capsys.readouterr().err
    assert _eval(cases, "--designs", designs, "--pairwise") == 2
    assert "--pairwise needs --compare" in capsys.readouterr().err
    assert _eval(cases, "--designs", designs, "--judge", "m@ftp://x") == 2


def _judge_reply(body: dict[str, Any]) -> dict[str, Any]:
    """Score 4 everywhere, or prefer document A, depending on what the request asks for."""
    schema = body["response_format"]["json_schema"]["schema"]
    if "winner" in schema["properties"]:
        return {
            "dimensions": [{"dimension": d, "reasoning": "r", "winner": "A"} for d in DIMENSIONS],
            "reasoning": "r",
            "winner": "A",
        }
    return {
        "scores": [{"dimension": d, "reasoning": "r", "score": 4} for d in DIMENSIONS],
        "summary": "fine",
    }


def test_judges_and_pairwise_through_the_fake_server(
    workspace: tuple[Path, Path], tmp_path: Path, fake_openai: FakeOpenAIServer
) -> None:
    cases, designs = workspace
    fake_openai.default = valid(_judge_reply)
    judge = f"gpt-4o-mini@{fake_openai.base_url}"
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "base", "-q") == 0
    status = _eval(
        cases,
        "--designs",
        designs,
        "-o",
        tmp_path / "new",
        "-q",
        "--structured",
        "json_schema",
        "--judge",
        judge,
        "--judge",
        judge,
        "--compare",
        tmp_path / "base",
        "--pairwise",
        "--min-judge-score",
        "3.5",
        "--no-cache",
    )
    assert status == 0
    data = json.loads((tmp_path / "new" / "report.json").read_text(encoding="utf-8"))
    assert data["judges"] == ["gpt-4o-mini", "gpt-4o-mini"]
    assert data["mean_judge_score"] == 4.0
    assert {a["dimension"]: a["mean_abs_diff"] for a in data["judge_agreement"]} == dict.fromkeys(
        DIMENSIONS, 0.0
    )
    pair = data["cases"][0]["pairwise"][0]
    assert (pair["winner"], pair["consistent"]) == ("tie", False)  # always 'A': position bias
    # 2 cases x 2 judges x (1 rubric call + 2 pairwise calls); with the reply cache on, the
    # identical requests would be answered from disk instead
    assert fake_openai.calls == 12
    html = (tmp_path / "new" / "report.html").read_text(encoding="utf-8")
    assert "Judge scores per dimension" in html
    md = (tmp_path / "new" / "report.md").read_text(encoding="utf-8")
    assert "new won 0, base won 0, 4 ties (4 of them position-biased" in md
    assert "<h2>Pairwise</h2>" in html


def test_a_local_judge_needs_a_price_or_free(
    workspace: tuple[Path, Path],
    tmp_path: Path,
    fake_openai: FakeOpenAIServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases, designs = workspace
    fake_openai.default = valid(_judge_reply)
    judge = f"qwen-local@{fake_openai.base_url}"
    assert _eval(cases, "--designs", designs, "-o", tmp_path / "r", "--judge", judge) == 2
    assert "price" in capsys.readouterr().err.lower()
    assert (
        _eval(
            cases,
            "--designs",
            designs,
            "-o",
            tmp_path / "r",
            "--judge",
            judge,
            "--free",
            "--structured",
            "json_schema",
        )
        == 0
    )
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["judges"] == ["qwen-local"]
    assert data["cases"][0]["judges"][0]["usd"] == 0.0
