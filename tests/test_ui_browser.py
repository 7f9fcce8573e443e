"""End to end in a real browser: the app served on 127.0.0.1, headless Chromium via Playwright.

Type a requirement, answer the open questions, wait for the design, check the diagrams drew,
download the Markdown, ask for a change and see the revision; screenshots go to
bench/results/ui/ and the timings are printed. Skips when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app" / "ui" / "streamlit_app.py"
SHOTS = REPO / "bench" / "results" / "ui"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIREMENT = (
    "A ride-hailing app for 5M riders in 20 cities, p99 match under 2 s, $40k/month. Drivers "
    "send their location every 4 seconds while online; riders see nearby cars, request a ride, "
    "get matched to a driver, track the trip and pay at the end."
)
HOSTILE = "A pastebin <script>alert(1)</script> <img src=x onerror=alert(2)> for 1M users"
WAIT_MS = 60_000

if not CHROMIUM.exists():
    pytest.skip(
        "no Chromium at /usr/bin/chromium (install Debian's 'chromium' package; "
        "`playwright install` cannot download a browser here)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], deadline_s: float) -> None:
    """Poll Streamlit's health endpoint until it answers, the process dies or time runs out."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # poll interval of a bounded wait
    raise RuntimeError(f"streamlit did not answer on {url} within {deadline_s:.0f} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served headless on 127.0.0.1 with its own designcrew home."""
    port = _free_port()
    home = tmp_path_factory.mktemp("ui-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DESIGNCREW_"))}
    env["DESIGNCREW_HOME"] = str(home)
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, 60)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of any alert/confirm a page opened (a script that ran)."""
    return []


@pytest.fixture
def page(browser: Any, app_url: str, dialogs: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    page.get_by_test_id("stChatInputTextArea").wait_for()
    yield page
    context.close()


def _submit(page: Any, text: str) -> float:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    return time.perf_counter()


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path))
    return path


def _idle(page: Any) -> None:
    """Wait until the script run finished (Streamlit's 'running' indicator is gone)."""
    page.get_by_test_id("stStatusWidget").wait_for(state="detached")


def test_design_revise_and_download_in_a_browser(page: Any, dialogs: list[str]) -> None:
    _shot(page, "00-start.png")
    submitted = _submit(page, REQUIREMENT)
    start = page.get_by_role("button", name="Start the design")
    start.wait_for()
    questions_s = time.perf_counter() - submitted
    _idle(page)
    _shot(page, "01-open-questions.png")

    dau = page.get_by_label(re.compile("daily active users"))
    dau.fill("2M")
    start.click()
    clicked = time.perf_counter()
    page.get_by_text(re.compile(r"Scoper")).first.wait_for()
    first_line_s = time.perf_counter() - clicked
    page.get_by_text(re.compile(r"Design 1 is ready")).wait_for()
    page.get_by_role("tab", name="Document").wait_for()
    design_s = time.perf_counter() - clicked
    _idle(page)

    charts = page.locator("[data-testid=stMermaidChart]:visible")  # the Document tab's
    charts.first.wait_for()
    assert charts.count() >= 3  # architecture, a sequence diagram per flow, the data model
    for index in range(charts.count()):  # each draws as an image of its SVG
        charts.nth(index).locator("img").wait_for()
    body = page.inner_text("body")
    assert "Mermaid diagram error" not in body
    assert "Syntax error" not in body
    assert page.get_by_test_id("stMermaidError").count() == 0
    assert "Ride-hailing" in body
    assert "2M" in body  # the edited answer reached the scope

    page.get_by_role("tab", name="Document").scroll_into_view_if_needed()
    _shot(page, "02-design.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Markdown")).click()
    markdown = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Ride-hailing")
    assert "```mermaid" in markdown

    page.get_by_role("tab", name="Cost").click()
    chart = page.locator("[data-testid=stVegaLiteChart]:visible").first
    chart.locator("canvas, svg").first.wait_for()
    chart.scroll_into_view_if_needed()
    _shot(page, "03-cost.png")
    page.get_by_role("tab", name="Review").click()
    page.get_by_text(re.compile(r"finding\(s\), \d+ open")).first.scroll_into_view_if_needed()
    _shot(page, "04-review.png")

    changed = _submit(page, "make it cheaper")
    page.get_by_text(re.compile(r"Design 2 is ready")).wait_for()
    revision_s = time.perf_counter() - changed
    _idle(page)
    page.get_by_text(re.compile(r"What changed from design 1 to 2")).scroll_into_view_if_needed()
    assert page.get_by_text(re.compile(r"70% of the current")).count() >= 1
    _shot(page, "05-revision.png")
    page.get_by_role("tab", name="Components").click()
    diagram = page.locator("[data-testid=stMermaidChart]:visible img").first
    diagram.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=diagram.element_handle()
    )
    diagram.scroll_into_view_if_needed()
    _shot(page, "06-components.png")
    page.get_by_role("tab", name="Decisions").click()
    page.get_by_role("tab", name="Decisions").scroll_into_view_if_needed()
    _shot(page, "07-decisions.png")
    page.get_by_role("tab", name="Capacity").click()
    page.get_by_role("tab", name="Capacity").scroll_into_view_if_needed()
    _shot(page, "08-capacity.png")
    assert dialogs == []
    print(
        f"\nUI timings (offline): submit → open questions {questions_s:.2f} s; "
        f"start → first progress line {first_line_s:.2f} s; start → design {design_s:.2f} s; "
        f"change request → revised design {revision_s:.2f} s; screenshots in {SHOTS}"
    )


def test_script_in_a_requirement_does_not_run(page: Any, dialogs: list[str]) -> None:
    page.get_by_text("Ask the open questions first").click()  # off: design at once
    _idle(page)
    _submit(page, HOSTILE)
    page.get_by_text(re.compile(r"Design 1 is ready")).wait_for()
    _idle(page)
    shown = page.get_by_test_id("stChatMessage").filter(has_text="<script>alert(1)</script>")
    assert shown.count() >= 1  # shown as text, not run
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main script").count() == 0
    assert dialogs == []
    shown.first.scroll_into_view_if_needed()
    _shot(page, "09-escaped-input.png")


def test_designcrew_ui_port_serves_on_localhost_and_stops_with_its_parent(
    tmp_path: Path, browser: Any
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DESIGNCREW_"))}
    env["DESIGNCREW_HOME"] = str(tmp_path / "home")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ui", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, 60)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=WAIT_MS)
        assert "designcrew" in page.title()
        page.close()
    finally:
        proc.terminate()  # the SIGTERM is passed on to Streamlit
        status = proc.wait(timeout=20)
    assert status in (0, -15, 143)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
