"""The UI's pure parts: escaping, open questions as front matter, design comparison, the
`designcrew ui` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from agents.api import run_design
from agents.artefacts import DesignDoc, Finding, OpenQuestion
from agents.errors import ConfigError, FrontMatterError, ImplausibleNumberError
from agents.kb import default_kb
from agents.requirements import parse_requirements
from agents.settings import Settings
from agents.writer import render_markdown
from app.cli import build_parser
from app.cmd_ui import APP, streamlit_command
from app.ui.compare import compare_designs
from app.ui.questions import answer_key, answered_requirements, answers_front_matter
from app.ui.sanitize import adapt_writer_markdown, escape_markdown, redact, split_fences
from app.ui.views import file_stem
from app.ui.views_review import cost_rows, finding_markdown


@pytest.fixture(scope="module")
def two_designs(tmp_path_factory: pytest.TempPathFactory) -> tuple[DesignDoc, DesignDoc]:
    """A URL shortener at 10M users, then the same with 30M daily users and a $5k budget."""
    home = tmp_path_factory.mktemp("home")
    req = parse_requirements("A URL shortener like bit.ly for 10M users")
    before = run_design(req, Settings(home=home))
    changed = req.model_copy(update={"front_matter": {"dau": "30M", "budget": "$5k/month"}})
    return before, run_design(changed, Settings(home=home))


def test_escape_markdown_shows_text_verbatim() -> None:
    text = "<script>alert(1)</script> *x* $a$ :red[b] [l](javascript:x) # h\nline 2 &lt;"
    escaped = escape_markdown(text)
    assert "\\<script\\>" in escaped
    assert "\\*x\\*" in escaped and "\\$a\\$" in escaped and "\\:red\\[b\\]" in escaped
    assert "\\[l\\]\\(javascript\\:x\\)" in escaped
    assert "  \nline 2 &amp;lt;" in escaped  # the line break kept, the entity shown as typed


def test_writer_markdown_keeps_code_and_loses_latex_and_raw_br() -> None:
    text = "costs $3 and `$HOME` | a<br>b |\n| x<br>y | $5 |\n> [!WARNING]\n> line<br>more"
    adapted = adapt_writer_markdown(text)
    assert adapted.splitlines()[0] == "costs \\$3 and `$HOME` | a  "
    assert "| x · y | \\$5 |" in adapted
    assert "> :material/warning: **Warning**" in adapted
    assert "> line  \n> more" in adapted
    assert "<br>" not in adapted


def test_split_fences_separates_diagrams_and_code() -> None:
    md = "# T\n\ntext\n\n```mermaid\ngraph LR\n a --> b\n```\n\nmore\n\n````json\n{}\n````\n"
    assert split_fences(md) == [
        ("markdown", "# T\n\ntext"),
        ("mermaid", "graph LR\n a --> b"),
        ("markdown", "more"),
        ("code:json", "{}"),
    ]


def test_redact_removes_the_key_from_messages() -> None:
    assert redact("Incorrect API key provided: sk-abc123", ["sk-abc123"]) == (
        "Incorrect API key provided: ***"
    )
    assert redact("nothing", []) == "nothing"


def test_open_question_answers_become_front_matter_keys() -> None:
    q = OpenQuestion
    questions = [
        q(question="How many daily active users?", proposed_default="1M", assumption="dau"),
        q(question="How spiky?", proposed_default="peak = 3x", assumption="peak_factor"),
        q(question="How long kept?", proposed_default="1 year", assumption="retention_days"),
        q(question="What availability must the service meet?", proposed_default="99.9%"),
        q(question="What p99 latency must reads meet?", proposed_default="200 ms"),
        q(question="What is the monthly infrastructure budget?", proposed_default="none set"),
        q(
            question="How many pages per day in total?",
            proposed_default="1M/day",
            assumption="writes_per_user_per_day",
        ),
        q(question="What share carry a file?", proposed_default="10%", assumption="media_share"),
    ]
    assert [answer_key(q) for q in questions] == [
        "dau",
        "peak_factor",
        "retention",
        "availability",
        "latency_p99",
        "budget",
        "writes_per_day",
        None,
    ]
    answers = {0: "5M", 1: "peak = 3x", 2: " 2  years ", 5: "$9k/month", 7: "50%"}
    assert answers_front_matter(questions, answers) == {
        "dau": "5M",
        "retention": "2 years",
        "budget": "$9k/month",
    }


def test_answered_requirements_validate_through_the_scoper() -> None:
    req = parse_requirements("A URL shortener like bit.ly")
    amended, scope = answered_requirements(req, {"dau": "20M", "peak_factor": "5x"}, default_kb())
    assert amended.front_matter == {"dau": "20M", "peak_factor": "5x"}
    assert scope.value("dau") == 20_000_000 and scope.value("peak_factor") == 5
    assert req.front_matter == {}
    with pytest.raises(ImplausibleNumberError):
        answered_requirements(req, {"dau": "-5"}, default_kb())
    with pytest.raises(FrontMatterError):
        answered_requirements(req, {"dau": "lots"}, default_kb())


def test_compare_designs_lists_what_changed(two_designs: tuple[DesignDoc, DesignDoc]) -> None:
    before, after = two_designs
    diff = compare_designs(
        before, after, render_markdown(before), render_markdown(after), ("a.md", "b.md")
    )
    changed = {row.aspect: (row.before, row.after) for row in diff.changed}
    assert changed["budget"] == ("none", "$5,000/month")
    assert changed["daily active users"] == ("3M", "30M")
    assert "monthly cost" in changed
    assert all(row.changed for row in diff.changed)
    assert diff.markdown_diff.startswith("--- a.md\n+++ b.md\n")
    same = compare_designs(before, before)
    assert same.changed == [] and same.components == []


def test_cost_rows_run_up_to_the_total(two_designs: tuple[DesignDoc, DesignDoc]) -> None:
    doc = two_designs[0]
    rows = cost_rows(doc)
    assert rows[-1]["cumulative"] == pytest.approx(doc.cost.total_monthly_usd, abs=0.05)
    values = [r["monthly_usd"] for r in rows]
    assert values == sorted(values, reverse=True)
    assert file_stem(doc) == "url-shortener-design"


def test_ui_command_line() -> None:
    assert streamlit_command(None)[:5] == [sys.executable, "-m", "streamlit", "run", str(APP)]
    assert "--server.headless=false" in streamlit_command(None)
    served = streamlit_command(8765)
    for option in (
        "--server.headless=true",
        "--server.address=127.0.0.1",
        "--server.port=8765",
        "--browser.gatherUsageStats=false",
    ):
        assert option in served
    with pytest.raises(ConfigError):
        streamlit_command(70000)
    assert Path(APP).is_file()
    args = build_parser().parse_args(["ui", "--port", "8765"])
    assert args.port == 8765 and args.handler.__module__ == "app.cmd_ui"


def test_a_finding_is_one_escaped_list_item() -> None:
    finding = Finding(
        id="R-3",
        rule="hot-keys",
        severity="major",
        component="cache",
        message="<b>hot</b> key at $5/s",
        recommendation="replicate *hot* keys",
        status="resolved",
        resolved_in=1,
    )
    line = finding_markdown(finding)
    assert line.startswith("- **R\\-3** :green-badge[resolved in revision 1] hot\\-keys · cache: ")
    assert "\\<b\\>hot\\</b\\> key at \\$5/s" in line
    assert line.endswith("*Fix:* replicate \\*hot\\* keys")
    assert ":red-badge[open]" in finding_markdown(finding.model_copy(update={"status": "open"}))
