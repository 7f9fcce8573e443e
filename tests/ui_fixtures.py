"""Helpers for the Streamlit AppTest tests of the chat app (tests/test_ui_*.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from app.ui.sidebar import MODES
from app.ui.state import SessionData

APP = str(Path(__file__).resolve().parents[1] / "app" / "ui" / "streamlit_app.py")
TIMEOUT_S = 60  # generous: a cold first run imports langgraph, pandas and the knowledge base
URL_SHORTENER = "A URL shortener like bit.ly for 10M users, 99.9% available, budget $20k/month"


def new_app(*, ask_questions: bool = True) -> AppTest:
    """The app, run once; with ask_questions=False designs start without the questions."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    if not ask_questions:
        at.toggle(key="dc_ask_questions").set_value(False).run()
    return at


def data(at: AppTest) -> SessionData:
    """The session's SessionData."""
    found = at.session_state["designcrew"]
    assert isinstance(found, SessionData)
    return found


def say(at: AppTest, text: str) -> AppTest:
    """Type `text` in the chat input and send it."""
    return at.chat_input(key="dc_chat").set_value(text).run()


def start_design(at: AppTest) -> AppTest:
    """Press 'Start the design' under the open questions."""
    button = next(b for b in at.button if b.label == "Start the design")
    return button.click().run()


def use_model(at: AppTest, base_url: str, key: str, *, spend_cap: float = 1.0) -> AppTest:
    """Switch the sidebar to an OpenAI-compatible model."""
    at.radio(key="dc_mode").set_value(MODES[1]).run()
    at.text_input(key="dc_base_url").set_value(base_url)
    at.text_input(key="dc_model").set_value("gpt-4o-mini")
    at.text_input(key="dc_api_key").set_value(key)
    at.number_input(key="dc_spend_cap").set_value(spend_cap)
    at.slider(key="dc_max_revisions").set_value(0)
    return at.run()


def nodes(at: AppTest) -> Iterator[Any]:
    """Every element and block of the page (main area and sidebar), depth first."""
    stack: list[Any] = [at._tree]
    while stack:
        node = stack.pop()
        yield node
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())


def page_text(at: AppTest) -> str:
    """The protos of every element on the page as text (what the browser receives)."""
    return "\n".join(str(getattr(n, "proto", "")) for n in nodes(at))


def markdown_values(at: AppTest) -> list[str]:
    """The source of every Markdown element (main area and sidebar)."""
    return [m.value for m in at.markdown]


def errors(at: AppTest) -> list[str]:
    """The text of every st.error on the page."""
    return [e.value for e in at.error]
