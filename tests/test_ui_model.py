"""The chat app with a model: the local fake OpenAI-compatible server, never a real one."""

from __future__ import annotations

from pathlib import Path

from fake_openai_server import TEST_KEY, FakeOpenAIServer, unauthorized
from ui_fixtures import URL_SHORTENER, data, errors, new_app, page_text, say, use_model


def _files_holding(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_model_run_shows_tokens_and_dollars_and_never_leaks_the_key(
    fake_openai: FakeOpenAIServer, isolated_home: Path
) -> None:
    at = new_app(ask_questions=False)
    use_model(at, fake_openai.base_url, TEST_KEY)
    say(at, URL_SHORTENER)
    assert not at.exception
    assert not errors(at)
    (entry,) = data(at).designs
    assert entry.doc.stats.model == "gpt-4o-mini"
    assert fake_openai.calls > 0
    assert all(h == f"Bearer {TEST_KEY}" for h in fake_openai.auth_headers)  # the key was used
    lines = [m.value for m in at.status[0].markdown]
    assert any("tokens" in line and "\\$" in line for line in lines)  # calls, tokens and $
    # ... but is nowhere on the page, nor in any file under the designcrew home
    assert TEST_KEY not in page_text(at)
    assert isolated_home.exists()
    assert _files_holding(isolated_home, TEST_KEY) == []


def test_a_refused_key_is_one_line_without_the_key(
    fake_openai: FakeOpenAIServer, isolated_home: Path
) -> None:
    fake_openai.default = unauthorized()  # a 401 whose message echoes the key
    at = new_app(ask_questions=False)
    use_model(at, fake_openai.base_url, TEST_KEY)
    say(at, URL_SHORTENER)
    assert not at.exception
    (line,) = errors(at)
    assert line.startswith("The run failed\\: ModelAuthError")
    assert "Traceback" not in line
    assert TEST_KEY not in page_text(at)
    assert not data(at).designs
    assert at.status[0].label.startswith("Stopped after")  # the progress stays visible
    assert _files_holding(isolated_home, TEST_KEY) == []


def test_the_spend_cap_stops_the_run_and_the_design_so_far_is_shown(
    fake_openai: FakeOpenAIServer,
) -> None:
    at = new_app(ask_questions=False)
    use_model(at, fake_openai.base_url, TEST_KEY, spend_cap=0.0001)
    say(at, URL_SHORTENER)
    assert not at.exception
    (entry,) = data(at).designs
    assert not entry.doc.complete
    warnings = [w.value for w in at.warning]
    assert any("stopped early" in w and "BudgetExceededError" in w for w in warnings)
    assert at.tabs[0].label == "Document"  # the work so far is there to read


def test_a_change_the_kernel_cannot_read_goes_to_the_model(
    fake_openai: FakeOpenAIServer,
) -> None:
    at = new_app(ask_questions=False)
    use_model(at, fake_openai.base_url, TEST_KEY, spend_cap=0.0001)  # cheap: stops at once
    say(at, URL_SHORTENER)
    say(at, "make it more secure")
    assert not at.exception
    second = data(at).designs[1]
    assert "Change request: make it more secure" in second.doc.requirements.text
    assert second.needs_model == ["'make it more secure' goes to the model"]
