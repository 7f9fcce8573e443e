"""The Python API every front end uses: run (or resume) a design and stream its progress."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from langgraph.checkpoint.sqlite import SqliteSaver

from .artefacts import DesignDoc, Requirements, RoleStats
from .errors import RunNotFoundError
from .graph import build_graph
from .llm import ChatModel
from .requirements import parse_requirements
from .settings import Settings


@dataclass(frozen=True)
class ProgressEvent:
    """A role started or finished (what front ends show as progress)."""

    kind: Literal["start", "finish"]
    role: str
    revision: int = 0
    seconds: float = 0.0
    stats: RoleStats | None = None


ProgressHandler = Callable[[ProgressEvent], None]


def new_run_id() -> str:
    """A sortable, unique run id such as '20261126-071530-3f9a1c'."""
    return f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[SqliteSaver]:
    """The SQLite checkpointer that makes runs resumable (one file for every run)."""
    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(settings.checkpoint_path), check_same_thread=False)
    try:
        saver = SqliteSaver(conn)
        saver.setup()
        yield saver
    finally:
        conn.close()


def run_exists(settings: Settings, run_id: str) -> bool:
    """Whether a checkpoint exists for `run_id`."""
    if not settings.checkpoint_path.exists():
        return False
    with open_checkpointer(settings) as saver:
        return saver.get_tuple({"configurable": {"thread_id": run_id}}) is not None


def run_design(
    requirements: Requirements | None,
    settings: Settings | None = None,
    *,
    run_id: str | None = None,
    on_event: ProgressHandler | None = None,
    model: ChatModel | None = None,
) -> DesignDoc:
    """Run the crew on `requirements`, or resume `run_id` when `requirements` is None.

    Every finished role is checkpointed synchronously, so a run killed at any point resumes
    from the last finished role.
    """
    settings = settings or Settings()
    if requirements is None and run_id is None:
        raise RunNotFoundError("resuming needs a run id")
    run_id = run_id or new_run_id()
    if model is None and settings.model is not None:
        from .llm import make_model

        model = make_model(settings)
    config: Any = {"configurable": {"thread_id": run_id}}
    with open_checkpointer(settings) as saver:
        graph = build_graph(model, settings, checkpointer=saver)
        if requirements is None:
            if saver.get_tuple(config) is None:
                raise RunNotFoundError(f"no run with id '{run_id}' in {settings.checkpoint_path}")
            graph_input: Any = None
        else:
            graph_input = {"requirements": requirements.model_dump(mode="json")}
        started: dict[str, int] = {}  # role -> revision of its running start event
        for mode, chunk in graph.stream(
            graph_input, config, stream_mode=["custom", "updates"], durability="sync"
        ):
            if on_event is not None:
                _forward(mode, chunk, on_event, started)
        values = graph.get_state(config).values
    if "doc" not in values:
        raise RunNotFoundError(f"run '{run_id}' stopped before the writer; resume it")
    doc = DesignDoc.model_validate(values["doc"])
    doc.stats.run_id = run_id
    return doc


def _forward(mode: str, chunk: Any, on_event: ProgressHandler, started: dict[str, int]) -> None:
    if mode == "custom" and isinstance(chunk, dict) and chunk.get("event") == "start":
        revision = int(chunk.get("revision", 0))
        started[chunk["role"]] = revision
        on_event(ProgressEvent("start", chunk["role"], revision=revision))
    elif mode == "updates" and isinstance(chunk, dict):
        for role, update in chunk.items():
            runs = (update or {}).get("role_runs") if isinstance(update, dict) else None
            if not runs:
                continue
            stats = RoleStats.model_validate(runs[-1])
            revision = started.get(role, 0)
            on_event(ProgressEvent("finish", role, revision, stats.seconds, stats))


def design(
    text: str,
    settings: Settings | None = None,
    *,
    source: str = "<text>",
    on_event: ProgressHandler | None = None,
    run_id: str | None = None,
) -> DesignDoc:
    """Turn a requirements text into a reviewed design document.

    >>> doc = design("Design a URL shortener like bit.ly")  # doctest: +SKIP
    """
    return run_design(parse_requirements(text, source), settings, run_id=run_id, on_event=on_event)
