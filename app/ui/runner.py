"""Running the crew from the chat: new requirements (with open questions first), answered
questions, and change requests. Progress streams into an st.status; errors become one line.

Only glue: parsing, scoping, designing and amending are the agents package's work.
"""

from __future__ import annotations

import time

import streamlit as st

from agents.api import ProgressEvent, new_run_id, run_design
from agents.artefacts import Requirements
from agents.changes import apply_change_request
from agents.errors import DesignCrewError
from agents.kb import default_kb
from agents.requirements import decode_requirements, parse_requirements
from agents.scoper import scope_requirements
from agents.settings import Settings
from agents.writer import render_markdown

from . import icons
from .chat import design_summary, diff_message, notice, questions_view
from .sanitize import escape_markdown, redact
from .sidebar import UiSettings, build_settings
from .state import Action, DesignEntry, PendingQuestions, SessionData

SHOWN_CHARS = 3000
NOTHING_TO_CHANGE = (
    "The offline kernel found no change it can make in that message. To design a different "
    "system instead, press New design in the sidebar."
)
_ROLE_NAMES = {
    "scoper": "Scoper",
    "architect": "Architect",
    "cost_analyst": "Cost analyst",
    "reviewer": "Reviewer",
    "writer": "Writer",
}


class ProgressBoard:
    """One line per role run inside an st.status: 'Architect (revision 1)…' while it
    works, then 'Architect (revision 1) · 0.05 s' (with a model: calls, tokens, $)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._slot: st.delta_generator.DeltaGenerator | None = None
        self._label = ""

    def __call__(self, event: ProgressEvent) -> None:
        if event.kind == "start":
            self._label = _ROLE_NAMES.get(event.role, event.role)
            if event.role == "architect" and event.revision:
                self._label += f" (revision {event.revision})"
            self._slot = st.empty()
            self._slot.markdown(f"{icons.WORKING} {escape_markdown(self._label)}…")
            return
        line = f"{icons.DONE} {escape_markdown(self._label)} · {event.seconds:.2f} s"
        s = event.stats
        if s is not None and s.model_calls + s.cache_hits:
            line += escape_markdown(
                f" · {s.model_calls} calls, {s.cache_hits} cached, "
                f"{s.prompt_tokens:,}+{s.completion_tokens:,} tokens, ${s.usd:.4f}"
            )
        self.lines.append(line)
        if self._slot is not None:
            self._slot.markdown(line)
            self._slot = None


def _error_line(exc: BaseException, ui: UiSettings) -> str:
    if isinstance(exc, DesignCrewError):
        text = exc.one_line()
    else:  # a bug: still one readable line, never a traceback on the page
        text = f"internal error: {type(exc).__name__}: {exc}"
    return redact(text, ui.secrets)


def _fail(data: SessionData, ui: UiSettings, exc: BaseException, what: str) -> None:
    line = f"{what}: {_error_line(exc, ui)}"
    st.error(escape_markdown(line), icon=icons.ERROR)
    data.say("assistant", "error", text=line)


def _read(action: Action) -> Requirements:
    text = decode_requirements(action.data) if action.data is not None else action.text
    return parse_requirements(text, source=action.source)


def start_new(data: SessionData, action: Action, ui: UiSettings) -> None:
    """New requirements: show them, scope them, ask the open questions (or run at once)."""
    from_file = action.data is not None or action.source != "<chat>"
    text = action.text
    if len(text) > SHOWN_CHARS:  # the crew reads all of it; the chat shows the start
        text = f"{text[:SHOWN_CHARS]}… ({len(text) - SHOWN_CHARS:,} more characters)"
    shown = f"{action.source}\n\n{text}".strip() if from_file else text
    data.say("user", "text", text=shown, lines=[icons.FILE] if from_file else [])
    with st.chat_message("user", avatar=icons.USER):
        st.markdown((f"{icons.FILE} " if from_file else "") + escape_markdown(shown))
    with st.chat_message("assistant", avatar=icons.CREW):
        try:
            requirements = _read(action)
            scope = scope_requirements(requirements, default_kb())
        except Exception as exc:
            _fail(data, ui, exc, "Cannot read these requirements")
            return
        if ui.ask_questions and scope.open_questions:
            data.questions.append(PendingQuestions(requirements, scope.open_questions))
            qid = len(data.questions) - 1
            data.say("assistant", "questions", questions=qid)
            questions_view(data, qid)
            return
        design(data, ui, requirements, request=requirements.source)


def run_answered(data: SessionData, action: Action, ui: UiSettings) -> None:
    """The questions were answered: design with the answers as front matter."""
    if action.questions is None:
        return
    pending = data.questions[action.questions]
    with st.chat_message("assistant", avatar=icons.CREW):
        if pending.edited:
            changes = ", ".join(f"{k} = {v}" for k, v in pending.edited.items())
            st.markdown(escape_markdown(f"Using your answers: {changes}."))
        design(data, ui, pending.requirements, request=pending.requirements.source)


def change_request(data: SessionData, text: str, ui: UiSettings) -> None:
    """A follow-up message: amend the open design's requirements and design again."""
    current = data.current
    data.say("user", "text", text=text)
    with st.chat_message("user", avatar=icons.USER):
        st.markdown(escape_markdown(text))
    if current is None:
        return
    with st.chat_message("assistant", avatar=icons.CREW):
        try:
            result = apply_change_request(current.doc, text, default_kb())
        except Exception as exc:
            _fail(data, ui, exc, "Cannot apply this change")
            return
        requirements = result.requirements
        needs_model = result.needs_model
        if needs_model and not ui.offline:
            # a model reads what the kernel cannot: the request joins the requirements text
            notes = "\n".join(f"- Change request: {clause}" for clause in result.unhandled)
            requirements = requirements.model_copy(
                update={"text": f"{requirements.text}\n\n{notes}"}
            )
            needs_model = [f"'{clause}' goes to the model" for clause in result.unhandled]
        if not result.understood and ui.offline:
            message = data.say("assistant", "info", text=NOTHING_TO_CHANGE, lines=needs_model)
            notice(message.lines, message.text)
            return
        for line in result.understood:
            st.markdown(f"{icons.UNDERSTOOD} {escape_markdown(line)}")
        design(
            data,
            ui,
            requirements,
            request=text,
            parent=current.number,
            understood=result.understood,
            needs_model=needs_model,
        )


def design(
    data: SessionData,
    ui: UiSettings,
    requirements: Requirements,
    *,
    request: str,
    parent: int | None = None,
    understood: list[str] | None = None,
    needs_model: list[str] | None = None,
) -> None:
    """Run the crew with live progress; keep the design, or show the error in one line."""
    try:
        settings: Settings = build_settings(ui)
    except Exception as exc:
        _fail(data, ui, exc, "Check the settings")
        return
    board = ProgressBoard()
    started = time.perf_counter()
    name = requirements.title or "the system"
    with st.status(escape_markdown(f"The crew is designing {name}…"), expanded=True) as status:
        try:
            doc = run_design(requirements, settings, run_id=new_run_id(), on_event=board)
        except Exception as exc:
            seconds = time.perf_counter() - started
            label = f"Stopped after {seconds:.1f} s"
            status.update(label=escape_markdown(label), state="error", expanded=True)
            data.say("assistant", "progress", text=label, lines=board.lines, failed=True)
            _fail(data, ui, exc, "The run failed")
            return
        seconds = time.perf_counter() - started
        label = f"Designed in {seconds:.1f} s ({settings.model_label})"
        status.update(label=escape_markdown(label), state="complete", expanded=False)
    data.say("assistant", "progress", text=label, lines=board.lines)
    entry = DesignEntry(
        number=len(data.designs) + 1,
        doc=doc,
        markdown=render_markdown(doc),
        request=request,
        parent=parent,
        understood=list(understood or []),
        needs_model=list(needs_model or []),
    )
    data.add_design(entry)
    for line in entry.needs_model:
        st.info(escape_markdown(line), icon=icons.MODEL)
    st.markdown(design_summary(entry))
    data.say("assistant", "design", design=entry.number)
    if not doc.complete:
        warning = f"The run stopped early: {redact(doc.incomplete_reason, ui.secrets)}"
        st.warning(escape_markdown(warning))
        data.say("assistant", "warning", text=warning)
    if parent is not None:
        diff_message(data, data.say("assistant", "diff", design=entry.number, previous=parent))


def perform(data: SessionData, action: Action, ui: UiSettings) -> None:
    """Run one queued action."""
    if action.kind == "new":
        start_new(data, action, ui)
    elif action.kind == "run":
        run_answered(data, action, ui)
    elif action.kind == "change":
        change_request(data, action.text, ui)


__all__ = ["ProgressBoard", "change_request", "design", "perform", "start_new"]
