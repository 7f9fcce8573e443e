"""The Streamlit chat front end: describe a system, watch the crew, read and revise the design.

`streamlit_app.py` is the entry point (`designcrew ui` runs it); `page.py` assembles the page
from the sidebar, the chat (`chat.py`, `runner.py`) and the design views (`views*.py`).
"""
