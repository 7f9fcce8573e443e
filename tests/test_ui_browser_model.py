"""End to end in a real browser with a (fake) language model.

The test process runs FakeOpenAIServer on 127.0.0.1 (every reply echoes the role's <draft>, so
every reply verifies); the app is served as in test_ui_browser.py. In the sidebar the crew is
switched to the OpenAI-compatible model on the fake server's base URL with a test key, a
requirement is designed, and the test checks the per-role model lines (calls, tokens, $), the
diagrams, the requests the server recorded, and that the key is nowhere in the page.
Skips when Chromium or Playwright is missing (the imported module skips).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fake_openai_server import TEST_KEY, FakeOpenAIServer, valid
from test_ui_browser import (  # noqa: F401  (fixtures pytest finds by name)
    REQUIREMENT,
    SHOTS,
    _idle,
    _shot,
    _submit,
    app_url,
    browser,
    dialogs,
    page,
)

pytestmark = pytest.mark.browser

MODEL = "gpt-4o-mini"
# a finished role's line with a model: '… · 1 calls, 0 cached, 1,234+567 tokens, $0.0012'
MODEL_LINE = re.compile(r"\d+ calls, \d+ cached, [\d,]+\+[\d,]+ tokens, \$\d+\.\d{4}")
CALLS = re.compile(r"(\d+) calls")
PASSWORD_INPUT = re.compile(r'<input[^>]*type="password"[^>]*>')


def echo_draft(body: dict[str, Any]) -> dict[str, Any]:
    """A well-behaved model: returns the kernel's draft the prompt carries in <draft>."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    match = re.search(r"<draft>(.*?)</draft>", user, re.DOTALL)
    assert match, "every role's prompt carries its draft"
    return dict(json.loads(match.group(1)))


@pytest.fixture
def fake_model() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        server.default = valid(echo_draft)
        yield server


def _commit(field: Any, text: str) -> None:
    """Type into a Streamlit text input and commit it (Enter), then wait for the rerun."""
    field.fill(text)
    field.press("Enter")


def test_design_with_a_model_in_a_browser(
    page: Any,  # noqa: F811
    dialogs: list[str],  # noqa: F811
    fake_model: FakeOpenAIServer,
) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("OpenAI-compatible model").click()
    base_url = sidebar.get_by_label("Base URL")
    base_url.wait_for()
    _commit(base_url, fake_model.base_url)
    _idle(page)
    _commit(sidebar.get_by_label("Model", exact=True), MODEL)
    _idle(page)
    _commit(sidebar.get_by_label("API key", exact=True), TEST_KEY)
    _idle(page)
    sidebar.get_by_text(f"Running with: {MODEL}").wait_for()

    submitted = _submit(page, REQUIREMENT)
    start = page.get_by_role("button", name="Start the design")
    start.wait_for()
    questions_s = time.perf_counter() - submitted
    _idle(page)
    start.click()  # accept the open questions as proposed
    clicked = time.perf_counter()
    page.get_by_text(re.compile(r"Design 1 is ready")).wait_for()
    page.get_by_role("tab", name="Document").wait_for()
    design_s = time.perf_counter() - clicked
    _idle(page)

    assert fake_model.calls > 0
    # the finished run's progress, collapsed under 'Designed in … s (gpt-4o-mini)': open it
    record = page.get_by_text(re.compile(rf"Designed in [\d.]+ s \({MODEL}\)")).first
    record.click()
    lines = page.get_by_text(MODEL_LINE)
    lines.first.wait_for()
    shown = [lines.nth(i).inner_text() for i in range(lines.count())]
    assert len(shown) >= 5, shown  # scoper, architect, cost analyst, reviewer, writer
    for role in ("Scoper", "Architect", "Cost analyst", "Reviewer", "Writer"):
        assert any(role in line for line in shown), (role, shown)
    calls_shown = sum(int(found) for line in shown for found in CALLS.findall(line))
    assert calls_shown == fake_model.calls  # one fresh home: no cache hits, every call shown

    charts = page.locator("[data-testid=stMermaidChart]:visible")
    charts.first.wait_for()
    assert charts.count() >= 3
    for index in range(charts.count()):
        charts.nth(index).locator("img").wait_for()
    body = page.inner_text("body")
    assert "Mermaid diagram error" not in body
    assert "Syntax error" not in body
    assert page.get_by_test_id("stMermaidError").count() == 0
    assert "Ride-hailing" in body

    # React mirrors a controlled input's value into its `value` attribute, so the API-key
    # password field itself holds the key in the DOM; it must be nowhere else in the page
    html = page.content()
    assert html.count(TEST_KEY) <= 1
    assert TEST_KEY not in PASSWORD_INPUT.sub("", html)
    assert TEST_KEY not in body
    assert dialogs == []
    record.scroll_into_view_if_needed()
    _shot(page, "10-model-run.png")
    print(
        f"\nUI timings (fake model): submit → open questions {questions_s:.2f} s; "
        f"start → design {design_s:.2f} s; {fake_model.calls} model requests; "
        f"screenshot in {SHOTS}"
    )
