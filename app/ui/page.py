"""The page: sidebar, chat history, the action asked for, the open design, the chat input."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import streamlit as st

from . import icons
from .chat import render_message
from .runner import perform
from .sanitize import escape_markdown
from .sidebar import designs_section, render_sidebar
from .state import Action, session
from .views import render_design

INTRO = (
    "Describe the system you need — who uses it, how much, how fast, for what budget — and "
    "the crew (scoper, architect, cost analyst, reviewer, writer) designs it: capacity "
    "estimates with formulas, components, tradeoffs, cost against the budget and a review. "
    "Then ask for changes: *make it cheaper*, *use Postgres instead of DynamoDB*, "
    "*we now need two regions*, *10× the traffic*."
)
EXAMPLE_PROMPT = (
    "e.g. a ride-hailing app for 5M riders in 20 cities, p99 match under 2 s, $40k/month"
)


def _warm_up() -> None:
    """Import what the first table needs while the user types (about 1 s saved on the first
    design's progress and tables)."""
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401


threading.Thread(target=_warm_up, name="designcrew-warm-up", daemon=True).start()


def _guarded(what: str, draw: Callable[[], None]) -> None:
    """Draw a part of the page; a bug in it becomes one line, never a traceback."""
    try:
        draw()
    except Exception as exc:
        st.error(escape_markdown(f"{what}: internal error: {type(exc).__name__}: {exc}"))


def main() -> None:
    """Draw the page once (Streamlit reruns it on every interaction)."""
    st.set_page_config(page_title="designcrew", page_icon=icons.LOGO, layout="wide")
    st.set_option("client.showErrorDetails", "none")  # a bug that slips past _guarded: no trace
    data = session()
    ui, designs_slot = render_sidebar(data)
    st.title(f"{icons.LOGO} designcrew")
    if not data.messages:
        st.markdown(INTRO)
    for index, message in enumerate(data.messages):
        _guarded("Cannot show this message", partial(render_message, data, message, index))
    current = data.current
    placeholder = (
        "Ask for a change: make it cheaper, use Postgres instead of DynamoDB, add search, …"
        if current is not None
        else f"Describe the system to design ({EXAMPLE_PROMPT})"
    )
    prompt = st.chat_input(placeholder, key="dc_chat")
    action, data.pending = data.pending, None
    if prompt:
        action = Action("change" if current is not None else "new", text=str(prompt))
    if action is not None:
        perform(data, action, ui)
    shown = data.current
    if shown is not None:
        _guarded("Cannot show this design", partial(render_design, shown))
    with designs_slot:  # drawn last, so a design made in this run is listed
        designs_section(data)
