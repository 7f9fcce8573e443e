"""The sidebar: where to start from (example, upload), the session's designs, and the settings.

The API key is a password field whose value stays in st.session_state: it is handed to
ModelConfig (a SecretStr, excluded from dumps and cache keys) only while a run is built, and
never written to a file, a log or the page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from pydantic import SecretStr
from streamlit.delta_generator import DeltaGenerator

from agents.llm import ModelConfig
from agents.requirements import MAX_BYTES
from agents.settings import MAX_REVISIONS_LIMIT, Settings, default_home

from . import icons
from .sanitize import escape_markdown
from .state import Action, SessionData

MODES = ("Offline (deterministic kernel)", "OpenAI-compatible model")
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
UPLOAD_TYPES = ["md", "markdown", "txt", "text"]
MAX_UPLOAD_MB = MAX_BYTES // 1_000_000  # what agents.requirements accepts


@dataclass
class UiSettings:
    """What the sidebar's widgets say (the key stays a SecretStr)."""

    offline: bool = True
    base_url: str = ""
    model: str = ""
    api_key: SecretStr | None = None
    free: bool = False
    spend_cap_usd: float = 0.0
    max_revisions: int = 2
    ask_questions: bool = True

    @property
    def secrets(self) -> list[str]:
        """Values to redact from any message shown (the key, if one was typed)."""
        return [self.api_key.get_secret_value()] if self.api_key is not None else []


def build_settings(ui: UiSettings) -> Settings:
    """Run settings for the crew; ConfigError when the model settings are incomplete."""
    model = None
    if not ui.offline:
        flags: dict[str, object] = {"model": ui.model.strip() or None}
        if ui.base_url.strip():
            flags["base_url"] = ui.base_url.strip()
        if ui.free:
            flags["free"] = True
        env = {k: v for k, v in os.environ.items() if k == "OPENAI_API_KEY"}
        if ui.api_key is not None and ui.api_key.get_secret_value():
            env["OPENAI_API_KEY"] = ui.api_key.get_secret_value()
        model = ModelConfig.from_sources({k: v for k, v in flags.items() if v is not None}, env)
        if model is None:
            from agents.errors import ConfigError

            raise ConfigError("name a model in the sidebar, or switch back to offline")
    return Settings(
        model=model,
        max_revisions=ui.max_revisions,
        budget_usd=ui.spend_cap_usd if ui.spend_cap_usd > 0 else None,
        home=default_home(),
    )


def examples() -> dict[str, Path]:
    """Example requirement files by display name."""
    return {p.stem.replace("_", " "): p for p in sorted(EXAMPLES_DIR.glob("*.md"))}


def _start_example(data: SessionData) -> None:
    name = st.session_state.get("dc_example")
    path = examples().get(str(name))
    if path is not None:
        text = path.read_text(encoding="utf-8")
        data.pending = Action("new", text=text, source=f"example: {path.name}")


def _start_upload(data: SessionData) -> None:
    upload = st.session_state.get(f"dc_upload_{data.uploads}")
    if upload is None:
        return
    data.pending = Action("new", source=str(upload.name), data=upload.getvalue())
    data.uploads += 1  # a fresh uploader: the same file can be uploaded again


def _open(data: SessionData, number: int | None) -> None:
    data.open_design = number


def _start_section(data: SessionData) -> None:
    st.markdown("**Start a design**")
    st.caption("Type in the chat below, or pick an example, or upload a requirement file.")
    names = list(examples())
    if names:
        st.selectbox(
            "Example",
            names,
            key="dc_example",
            index=names.index("ride hailing") if "ride hailing" in names else 0,
        )
        st.button("Design this example", on_click=_start_example, args=(data,), width="stretch")
    st.file_uploader(
        "Requirement file (Markdown or text)",
        type=UPLOAD_TYPES,
        key=f"dc_upload_{data.uploads}",
        max_upload_size=MAX_UPLOAD_MB,
        on_change=_start_upload,
        args=(data,),
    )


def designs_section(data: SessionData) -> None:
    """The session's designs, the open one highlighted; a click reopens one."""
    if not data.designs:
        return
    st.markdown("**Designs this session**")
    for entry in reversed(data.designs):
        is_open = entry.number == data.open_design
        cost = entry.doc.cost.total_monthly_usd
        st.button(
            escape_markdown(f"{entry.label} · ${cost:,.0f}/mo"),
            key=f"dc_open_{entry.number}",
            on_click=_open,
            args=(data, entry.number),
            type="primary" if is_open else "secondary",
            width="stretch",
        )
    st.button("New design", icon=icons.ADD, on_click=_open, args=(data, None), width="stretch")
    st.divider()


def _settings_section() -> UiSettings:
    st.markdown("**Settings**")
    mode = st.radio("Crew", MODES, key="dc_mode")
    ui = UiSettings(offline=mode == MODES[0])
    if not ui.offline:
        ui.base_url = st.text_input(
            "Base URL",
            key="dc_base_url",
            value=os.environ.get("OPENAI_BASE_URL", ""),
            placeholder="https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
        )
        ui.model = st.text_input(
            "Model", key="dc_model", value=os.environ.get("DESIGNCREW_MODEL", "gpt-4o-mini")
        )
        key = st.text_input(
            "API key",
            key="dc_api_key",
            type="password",
            help="Kept only in this browser session: never written to disk, logs or the page. "
            "Empty: OPENAI_API_KEY from the environment, or none for a local server.",
        )
        ui.api_key = SecretStr(key) if key else None
        ui.free = st.checkbox("Free (local server: no price)", key="dc_free")
        ui.spend_cap_usd = float(
            st.number_input(
                "Spend cap per run (USD, 0 = none)",
                min_value=0.0,
                value=1.0,
                step=0.5,
                key="dc_spend_cap",
            )
        )
    ui.max_revisions = int(
        st.slider("Maximum revisions", 0, MAX_REVISIONS_LIMIT, 2, key="dc_max_revisions")
    )
    ui.ask_questions = st.toggle("Ask the open questions first", value=True, key="dc_ask_questions")
    return ui


def render_sidebar(data: SessionData) -> tuple[UiSettings, DeltaGenerator]:
    """Draw the sidebar; return the settings it holds and the slot for `designs_section`
    (filled after this run's action, so a new design is listed at once)."""
    with st.sidebar:
        st.markdown(f"## {icons.LOGO} designcrew")
        st.caption("Requirements in, a reviewed system design out.")
        _start_section(data)
        st.divider()
        designs_slot = st.container()
        ui = _settings_section()
        label = "offline kernel" if ui.offline else (ui.model or "no model named")
        st.caption(escape_markdown(f"Running with: {label}"))
    return ui, designs_slot


__all__ = [
    "MODES",
    "UiSettings",
    "build_settings",
    "designs_section",
    "examples",
    "render_sidebar",
]
