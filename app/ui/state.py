"""What a browser session remembers: the chat, the designs made so far, the open one, pending
questions and the action a button asked for. Everything lives in `st.session_state` only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from agents.artefacts import DesignDoc, OpenQuestion, Requirements

MessageKind = Literal["text", "error", "warning", "info", "progress", "questions", "design", "diff"]


@dataclass
class Message:
    """One chat message. `kind` says how to draw it; the fields it needs are filled."""

    role: Literal["user", "assistant"]
    kind: MessageKind
    text: str = ""
    lines: list[str] = field(default_factory=list)
    design: int | None = None  # design number (1-based) for design / diff messages
    previous: int | None = None  # the design a diff compares with
    questions: int | None = None  # index into SessionData.questions
    failed: bool = False


@dataclass
class DesignEntry:
    """A finished design of this session."""

    number: int
    doc: DesignDoc
    markdown: str
    request: str  # what produced it: the requirement's source or the change request
    parent: int | None = None  # the design it revises
    understood: list[str] = field(default_factory=list)
    needs_model: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'Design 2 · Pastebin (revised)' for the sidebar list."""
        name = self.doc.scope.system_name
        return f"Design {self.number} · {name}" + (" (revised)" if self.parent else "")


@dataclass
class PendingQuestions:
    """Open questions waiting for answers before the architect starts."""

    requirements: Requirements
    questions: list[OpenQuestion]
    answered: bool = False
    answers: dict[int, str] = field(default_factory=dict)
    edited: dict[str, str] = field(default_factory=dict)  # front-matter keys the answers set


@dataclass
class Action:
    """Work a button or widget callback asked for; the script runs it where the chat is."""

    kind: Literal["new", "run", "change"]
    text: str = ""
    source: str = "<chat>"
    data: bytes | None = None
    questions: int | None = None


@dataclass
class SessionData:
    """All of the session's state, held as one object in st.session_state."""

    messages: list[Message] = field(default_factory=list)
    designs: list[DesignEntry] = field(default_factory=list)
    questions: list[PendingQuestions] = field(default_factory=list)
    open_design: int | None = None
    pending: Action | None = None
    uploads: int = 0  # bumps the uploader's key so the same file can be uploaded again

    def design(self, number: int | None) -> DesignEntry | None:
        """The design with this number, if any."""
        if number is None:
            return None
        return next((d for d in self.designs if d.number == number), None)

    @property
    def current(self) -> DesignEntry | None:
        """The design the workspace shows and change requests apply to."""
        return self.design(self.open_design)

    def add_design(self, entry: DesignEntry) -> None:
        """Keep a finished design and open it."""
        self.designs.append(entry)
        self.open_design = entry.number

    def say(self, role: Literal["user", "assistant"], kind: MessageKind, **fields: Any) -> Message:
        """Append a message to the chat and return it."""
        message = Message(role, kind, **fields)
        self.messages.append(message)
        return message


_KEY = "designcrew"


def session() -> SessionData:
    """This browser session's data (created on first use)."""
    data = st.session_state.get(_KEY)
    if not isinstance(data, SessionData):
        data = SessionData()
        st.session_state[_KEY] = data
    return data


__all__ = [
    "Action",
    "DesignEntry",
    "Message",
    "MessageKind",
    "PendingQuestions",
    "SessionData",
    "session",
]
