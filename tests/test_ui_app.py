"""The chat app's flows offline, through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import re

import pytest
from ui_fixtures import (
    URL_SHORTENER,
    data,
    errors,
    markdown_values,
    new_app,
    nodes,
    say,
    start_design,
)

from app.ui.views import TAB_NAMES


def test_requirement_then_questions_then_design_with_tabs() -> None:
    at = new_app()
    assert not at.exception
    say(at, URL_SHORTENER)
    assert not data(at).designs  # the architect waits for the open questions
    labels = [t.label for t in at.text_input]
    assert any("daily active users" in label for label in labels)
    dau_input = next(t for t in at.text_input if "daily active users" in t.label)
    assert dau_input.value  # the proposed default is filled in

    dau_input.set_value("20M")
    start_design(at)
    assert not at.exception
    assert not errors(at)
    assert [t.label for t in at.tabs] == TAB_NAMES
    session = data(at)
    (entry,) = session.designs
    assert session.open_design == 1
    dau = next(a for a in entry.doc.scope.assumptions if a.name == "dau")
    assert (dau.value, dau.provenance) == (20_000_000, "stated")  # the edited answer
    assert entry.doc.requirements.front_matter == {"dau": "20M"}  # accepted defaults stay out
    assert any("Design 1 is ready" in m for m in markdown_values(at))
    assert [b.label for b in at.download_button] == ["Markdown", "HTML", "JSON"]
    # the progress of every role stays in the chat
    status = at.status[0]
    assert "Designed in" in status.label
    assert any("Scoper" in m.value for m in status.markdown)
    assert any("Writer" in m.value for m in status.markdown)


def test_an_impossible_answer_is_refused_and_the_questions_stay() -> None:
    at = new_app()
    say(at, URL_SHORTENER)
    next(t for t in at.text_input if "daily active users" in t.label).set_value("-5")
    start_design(at)
    assert not at.exception
    assert not data(at).designs
    assert any("That answer does not work" in e for e in errors(at))
    assert any(b.label == "Start the design" for b in at.button)  # still open


def test_change_requests_revise_the_design_with_a_diff() -> None:
    at = new_app(ask_questions=False)
    say(at, URL_SHORTENER)
    first = data(at).designs[0].doc

    say(at, "make it cheaper")
    assert not at.exception
    second = data(at).designs[1]
    assert second.parent == 1
    assert second.doc.cost.budget_monthly_usd is not None
    assert first.cost.budget_monthly_usd is not None
    assert second.doc.cost.budget_monthly_usd < first.cost.budget_monthly_usd
    texts = markdown_values(at)
    assert any("What changed from design 1 to 2" in t for t in texts)
    assert any(t.startswith("- budget:") and "20,000" in t for t in texts)  # before column
    assert any(":material/check:" in t and "budget" in t for t in texts)  # understood
    diff = next(c.value for c in at.code if c.language == "diff")
    assert diff.startswith("--- design-1.md\n+++ design-2.md")
    assert "\n-" in diff and "\n+" in diff

    say(at, "use Postgres instead of DynamoDB")
    third = data(at).designs[2]
    assert third.doc.requirements.front_matter["technologies"] == ["PostgreSQL"]
    assert any(
        "technology: use PostgreSQL instead of Amazon DynamoDB" in u for u in third.understood
    )

    say(at, "make it more secure")
    assert len(data(at).designs) == 3  # nothing the kernel understood: no new run
    infos = [i.value for i in at.info]
    assert any("needs a model" in i and "configure one in the sidebar" in i for i in infos)
    at.run()  # drawn again from the history: the same notice
    assert [i.value for i in at.info] == infos
    assert any("New design" in c.value for c in at.caption)


def test_previous_designs_are_listed_and_reopen() -> None:
    at = new_app(ask_questions=False)
    say(at, URL_SHORTENER)
    say(at, "we now need two regions")
    assert data(at).open_design == 2
    assert data(at).designs[1].doc.requirements.front_matter["regions"] == 2
    labels = [b.label for b in at.sidebar.button]
    assert any(label.startswith("Design 1") for label in labels)
    assert any(label.startswith("Design 2") for label in labels)
    at.button(key="dc_open_1").click().run()
    assert data(at).open_design == 1
    assert any(s.value.startswith("Design 1\\:") for s in at.subheader)
    at.button(key="dc_open_2").click().run()
    assert any(s.value.startswith("Design 2\\:") for s in at.subheader)


def test_example_picker_starts_a_design() -> None:
    at = new_app(ask_questions=False)
    at.selectbox(key="dc_example").set_value("pastebin")
    next(b for b in at.button if b.label == "Design this example").click().run()
    assert not at.exception
    (entry,) = data(at).designs
    assert entry.request == "example: pastebin.md"
    assert "Pastebin" in entry.doc.title


def test_a_bad_upload_is_one_readable_error_line() -> None:
    at = new_app()
    at.file_uploader(key="dc_upload_0").set_value(
        ("notes.md", b"\x00\x01\x02binary", "text/markdown")
    )
    at.run()
    assert not at.exception
    (line,) = errors(at)
    assert "Cannot read these requirements" in line
    assert "binary" in line
    assert "Traceback" not in line
    assert not data(at).designs

    # the uploader was replaced by a fresh one: a good file now works
    at.toggle(key="dc_ask_questions").set_value(False)
    good = b"# Chat app\n\nA chat app like WhatsApp for 50M users."
    at.file_uploader(key="dc_upload_1").set_value(("chat.md", good, "text/markdown"))
    at.run()
    assert len(data(at).designs) == 1
    assert errors(at) == [line]  # the earlier error stays visible in the chat


def test_user_text_is_escaped_and_no_markdown_allows_html() -> None:
    at = new_app(ask_questions=False)
    hostile = "A pastebin <script>alert(1)</script> <img src=x onerror=alert(2)> $x$ :red[hi]"
    say(at, hostile)
    assert not at.exception
    texts = markdown_values(at)
    user_line = next(t for t in texts if "alert(1)" in t or "alert\\(1\\)" in t)
    assert "\\<script\\>" in user_line and "\\<img src" in user_line
    assert "\\$x\\$" in user_line and "\\:red\\[hi\\]" in user_line
    unescaped_tag = re.compile(r"(?<!\\)<(?:script|img)")
    assert not any(unescaped_tag.search(t) for t in texts)
    for node in nodes(at):
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") == "markdown":
            assert not proto.allow_html
    assert not any(getattr(n, "type", "") == "html" for n in nodes(at))


def test_a_bug_is_one_line_and_earlier_work_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app(ask_questions=False)
    say(at, URL_SHORTENER)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("app.ui.runner.run_design", broken)
    say(at, "make it cheaper")
    assert not at.exception
    assert errors(at) == ["The run failed\\: internal error\\: RuntimeError\\: boom"]
    assert len(data(at).designs) == 1
    assert [t.label for t in at.tabs] == TAB_NAMES  # design 1 is still there to read

    monkeypatch.setattr("app.ui.page.render_design", broken)
    at.run()
    assert not at.exception
    assert "Cannot show this design\\: internal error\\: RuntimeError\\: boom" in errors(at)
