"""The page: sidebar, chat history, the action asked for, the open design, the chat input."""

from __future__ import annotations

import streamlit as st

from . import icons
from .chat import render_message
from .runner import perform
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


def main() -> None:
    """Draw the page once (Streamlit reruns it on every interaction)."""
    st.set_page_config(page_title="designcrew", page_icon=icons.LOGO, layout="wide")
    data = session()
    ui, designs_slot = render_sidebar(data)
    st.title(f"{icons.LOGO} designcrew")
    if not data.messages:
        st.markdown(INTRO)
    for index, message in enumerate(data.messages):
        render_message(data, message, index)
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
    if data.current is not None:
        render_design(data.current)
    with designs_slot:  # drawn last, so a design made in this run is listed
        designs_section(data)
