"""Drawing the chat: every kind of message, including the open-questions form."""

from __future__ import annotations

import streamlit as st

from agents.errors import DesignCrewError
from agents.kb import default_kb

from . import icons
from .compare import compare_designs
from .questions import answer_key, answered_requirements, answers_front_matter
from .sanitize import escape_markdown
from .state import Action, DesignEntry, Message, PendingQuestions, SessionData
from .views_review import diff_view


def design_summary(entry: DesignEntry) -> str:
    """One line about a design, escaped: components, cost against budget, verdict."""
    doc = entry.doc
    cost = doc.cost
    budget = f" of a ${cost.budget_monthly_usd:,.0f} budget" if cost.budget_monthly_usd else ""
    verdict = doc.review.verdict if doc.review else "not reviewed"
    revisions = doc.architecture.revision
    text = (
        f"Design {entry.number} is ready: {doc.title}. {len(doc.architecture.components)} "
        f"components, ${cost.total_monthly_usd:,.0f}/month{budget}; review: {verdict} after "
        f"{revisions} revision{'s' if revisions != 1 else ''}."
    )
    return escape_markdown(text)


def render_message(data: SessionData, message: Message, index: int) -> None:
    """Draw one message of the history."""
    avatar = icons.USER if message.role == "user" else icons.CREW
    with st.chat_message(message.role, avatar=avatar):
        _body(data, message, index)


def _body(data: SessionData, message: Message, index: int) -> None:
    kind = message.kind
    if kind == "text":  # lines may hold an icon of ours before the user's (escaped) text
        st.markdown(" ".join([*message.lines, escape_markdown(message.text)]))
    elif kind == "error":
        st.error(escape_markdown(message.text), icon=icons.ERROR)
    elif kind == "warning":
        st.warning(escape_markdown(message.text))
    elif kind == "info":
        notice(message.lines, message.text)
    elif kind == "progress":
        progress_record(message)
    elif kind == "questions" and message.questions is not None:
        questions_view(data, message.questions)
    elif kind == "design":
        design_message(data, message)
    elif kind == "diff":
        diff_message(data, message)


def notice(model_lines: list[str], text: str) -> None:
    """What only a model can do (one box each), then a hint."""
    for line in model_lines:
        st.info(escape_markdown(line), icon=icons.MODEL)
    if text:
        st.caption(escape_markdown(text))


def progress_record(message: Message) -> None:
    """A finished run's progress lines, collapsed."""
    with st.status(
        escape_markdown(message.text),
        state="error" if message.failed else "complete",
        expanded=False,
    ):
        for line in message.lines:
            st.markdown(line)


def design_message(data: SessionData, message: Message) -> None:
    """The design's summary, with what a change request did and did not do."""
    entry = data.design(message.design)
    if entry is None:
        return
    for line in entry.understood:
        st.markdown(f"{icons.UNDERSTOOD} {escape_markdown(line)}")
    for line in entry.needs_model:
        st.info(escape_markdown(line), icon=icons.MODEL)
    st.markdown(design_summary(entry))
    if data.open_design != entry.number:
        st.caption("Reopen it from the sidebar.")


def diff_message(data: SessionData, message: Message) -> None:
    """Side-by-side comparison with the design it revises."""
    before, after = data.design(message.previous), data.design(message.design)
    if before is None or after is None:
        return
    names = (f"design-{before.number}.md", f"design-{after.number}.md")
    diff = compare_designs(before.doc, after.doc, before.markdown, after.markdown, names)
    st.markdown(escape_markdown(f"What changed from design {before.number} to {after.number}:"))
    diff_view(diff, f"design {before.number}", f"design {after.number}")


def _widget_key(qid: int, index: int) -> str:
    return f"dc_q_{qid}_{index}"


def submit_answers(data: SessionData, qid: int) -> None:
    """Form callback: validate the answers; on success queue the design run."""
    pending = data.questions[qid]
    answers = {
        i: str(st.session_state.get(_widget_key(qid, i), q.proposed_default))
        for i, q in enumerate(pending.questions)
    }
    edited = answers_front_matter(pending.questions, answers)
    try:
        amended, _ = answered_requirements(pending.requirements, edited, default_kb())
    except DesignCrewError as exc:
        data.say("assistant", "error", text=f"That answer does not work: {exc.one_line()}")
        return
    except Exception as exc:  # a bug: one line in the chat, never a traceback
        text = f"Cannot use these answers: internal error: {type(exc).__name__}: {exc}"
        data.say("assistant", "error", text=text)
        return
    pending.answers, pending.edited, pending.answered = answers, edited, True
    pending.requirements = amended
    data.pending = Action("run", questions=qid)


def questions_view(data: SessionData, qid: int) -> None:
    """The open questions: a form while unanswered, the answers afterwards."""
    pending: PendingQuestions = data.questions[qid]
    if pending.answered:
        st.markdown("**Open questions, answered**")
        rows = []
        for i, q in enumerate(pending.questions):
            answer = pending.answers.get(i, q.proposed_default)
            changed = answer.strip() != q.proposed_default.strip()
            rows.append(
                {"question": q.question, "answer": answer, "": "edited" if changed else "default"}
            )
        st.dataframe(rows, hide_index=True)
        return
    st.markdown(
        "Before the architect starts: the requirements leave these open. Accept the proposed "
        "answers or change them."
    )
    with st.form(f"dc_questions_{qid}", border=True):
        for i, q in enumerate(pending.questions):
            editable = answer_key(q) is not None
            st.text_input(
                escape_markdown(q.question),
                value=q.proposed_default,
                key=_widget_key(qid, i),
                disabled=not editable,
                help=None if editable else "not adjustable here: say it in the requirements",
            )
        st.form_submit_button(
            "Start the design", type="primary", on_click=submit_answers, args=(data, qid)
        )


__all__ = ["design_summary", "notice", "render_message", "submit_answers"]
