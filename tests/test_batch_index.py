"""index.md, index.html and summary.json: every design linked, every user string escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.errors import ConfigError
from app.batch.index import (
    BatchSummary,
    md_escape,
    read_summary,
    render_index_html,
    render_index_md,
    write_overview,
)
from app.batch.records import ItemResult
from app.cmd_batch import summary_table

EVIL = '<script>alert("x")</script> | [click](javascript:alert(1)) & *bold*'


def _summary() -> BatchSummary:
    done = ItemResult(
        name="pastebin",
        source="req/pastebin.md",
        status="done",
        system="Pastebin",
        components=9,
        monthly_usd=2412.4,
        verdict="approve",
        tokens=12345,
        usd=0.0123,
        seconds=1.25,
        outputs={
            "md": "pastebin/design.md",
            "html": "pastebin/design.html",
            "json": "pastebin/design.json",
        },
    )
    evil = ItemResult(
        name="東京-evil",
        source="rows.jsonl:2",
        status="done",
        reused=True,
        system=EVIL,
        components=4,
        monthly_usd=10.0,
        verdict="revise",
        outputs={"md": "東京-evil/design.md", "html": "東京-evil/design.html"},
    )
    failed = ItemResult(
        name="empty",
        source="req/empty.md",
        status="failed",
        reason="InputError: requirements are empty: describe the system to design",
    )
    skipped = ItemResult(
        name="late",
        source="req/late.md",
        status="not_run",
        reason="not started: the batch budget ($1.00) was reached",
    )
    return BatchSummary(
        items=[done, evil, failed, skipped],
        model="gpt-4o-mini",
        jobs=4,
        budget_usd=1.0,
        spent_usd=0.99,
        wall_seconds=3.5,
        budget_reached=True,
    )


def test_html_escapes_user_strings_and_links_every_design() -> None:
    page = render_index_html(_summary())
    assert "<script>" not in page and "javascript:alert(1)</a>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<a href="pastebin/design.html">pastebin</a>' in page
    assert '<a href="pastebin/design.json">json</a>' in page
    # unicode names are percent-encoded in links, escaped as text
    assert '<a href="%E6%9D%B1%E4%BA%AC-evil/design.html">東京-evil</a>' in page
    assert 'class="s-failed">failed</td>' in page
    assert "InputError: requirements are empty" in page
    assert "$2,412" in page and "12,345" in page and "approve" in page
    assert "budget was reached" in page


def test_markdown_table_escapes_pipes_links_and_html() -> None:
    text = render_index_md(_summary())
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 5  # header + 4 items
    assert all(row.count(" | ") == 9 for row in rows)  # 10 columns; escaped pipes do not split
    assert "[pastebin](pastebin/design.md)" in text
    assert "(%E6%9D%B1%E4%BA%AC-evil/design.md)" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[click\\](javascript:alert(1))" in text
    assert "[empty]" not in text  # no outputs, no link
    assert "done (earlier run)" in text


def test_md_escape_makes_one_inert_line() -> None:
    assert md_escape("a\n|b*") == "a \\|b\\*"


def test_summary_json_is_machine_readable_and_reads_back(tmp_path: Path) -> None:
    summary = _summary()
    paths = write_overview(tmp_path, summary)
    assert sorted(p.name for p in paths.values()) == ["index.html", "index.md", "summary.json"]
    data = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data["counts"] == {
        "done": 2,
        "failed": 1,
        "incomplete": 0,
        "not_run": 1,
        "reused": 1,
        "total": 4,
    }
    assert data["failed"] == ["empty"] and data["not_run"] == ["late"]
    assert data["budget_reached"] is True and data["model"] == "gpt-4o-mini"
    assert data["items"][0]["outputs"]["html"] == "pastebin/design.html"
    assert data["items"][1]["system"] == EVIL  # raw in JSON, escaped only when rendered
    assert read_summary(tmp_path) == summary.items
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temp files


def test_read_summary_without_a_previous_batch_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no summary\.json"):
        read_summary(tmp_path)


def test_summary_table_lists_each_item_and_the_totals() -> None:
    table = summary_table(_summary())
    lines = table.splitlines()
    assert lines[0].split() == [
        "design",
        "status",
        "system",
        "comp.",
        "$/month",
        "review",
        "tokens",
        "$",
        "s",
    ]
    assert lines[2].split()[:6] == ["pastebin", "done", "Pastebin", "9", "2,412", "approve"]
    assert "    InputError: requirements are empty" in table
    assert lines[-1].startswith("4 items: 2 done (1 earlier, marked *), 1 failed")
