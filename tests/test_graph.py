"""The crew's graph: order of roles, the bounded revise loop, checkpoints and resume."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import EXAMPLES

from agents.api import ProgressEvent, open_checkpointer, run_design
from agents.artefacts import Review
from agents.errors import RunNotFoundError
from agents.graph import build_graph
from agents.graph.builder import make_router
from agents.graph.refinement import Refiner
from agents.kb import default_kb
from agents.requirements import parse_requirements
from agents.settings import Settings

PASTEBIN = next(p for p in EXAMPLES if p.name == "pastebin.md").read_text(encoding="utf-8")


def _events(text: str, settings: Settings) -> tuple[Any, list[ProgressEvent]]:
    events: list[ProgressEvent] = []
    doc = run_design(parse_requirements(text), settings, on_event=events.append)
    return doc, events


def test_roles_run_in_order_and_each_reports_start_and_finish() -> None:
    doc, events = _events(PASTEBIN, Settings())
    starts = [e.role for e in events if e.kind == "start"]
    finishes = [e.role for e in events if e.kind == "finish"]
    assert starts == finishes
    assert starts[:4] == ["scoper", "architect", "cost_analyst", "reviewer"]
    assert starts[-1] == "writer"
    # every architect run after the first is a revision answering a review
    assert starts.count("architect") == doc.architecture.revision + 1
    assert starts.count("reviewer") == len(doc.reviews)
    assert all(e.seconds >= 0 for e in events if e.kind == "finish")


def test_revise_loop_changes_the_design_for_open_findings() -> None:
    doc, _ = _events(PASTEBIN, Settings(max_revisions=2))
    first, last = doc.reviews[0], doc.reviews[-1]
    assert first.verdict == "revise", "the kernel's first draft should get real findings"
    assert doc.architecture.revision >= 1
    assert doc.architecture.changes, "each revision records finding -> change"
    answered = {c.finding for c in doc.architecture.changes}
    blocking = {f.id for f in first.open("blocker", "major")}
    assert blocking & answered
    # a finding answered by a revision is resolved in the next review round
    resolved = {f.id for f in last.findings if f.status == "resolved"}
    assert resolved & answered


def test_max_revisions_zero_writes_the_first_draft() -> None:
    doc, events = _events(PASTEBIN, Settings(max_revisions=0))
    assert [e.role for e in events if e.kind == "start"].count("architect") == 1
    assert doc.architecture.revision == 0
    assert len(doc.reviews) == 1


def _review(verdict: str, round_: int) -> dict[str, Any]:
    return Review(round=round_, findings=[], verdict=verdict, scorecard=[]).model_dump()  # type: ignore[arg-type]


def test_router_revises_only_while_rounds_remain() -> None:
    refiner = Refiner(None, Settings(), default_kb())
    route = make_router(1, refiner)
    assert route({"reviews": [_review("approve", 1)]}) == "writer"  # type: ignore[operator]
    assert route({"reviews": [_review("revise", 1)]}) == "architect"  # type: ignore[operator]
    two = [_review("revise", 1), _review("revise", 2)]
    assert route({"reviews": two}) == "writer"  # type: ignore[operator]
    stopped = {"reviews": [_review("revise", 1)], "stop_reason": "budget reached"}
    assert route(stopped) == "writer"  # type: ignore[operator]


def test_router_stops_when_a_revision_changed_nothing() -> None:
    route = make_router(5, Refiner(None, Settings(), default_kb()))
    two = [_review("revise", 1), _review("revise", 2)]
    changed = {"architecture": {"changes": [{"revision": 1, "finding": "R-1"}]}}
    assert route({"reviews": two, **changed}) == "architect"  # type: ignore[operator]
    assert route({"reviews": two, "architecture": {"changes": []}}) == "writer"  # type: ignore[operator]


def test_interrupted_run_resumes_without_redoing_finished_roles() -> None:
    settings = Settings()
    config: Any = {"configurable": {"thread_id": "run-1"}}
    with open_checkpointer(settings) as saver:
        graph = build_graph(None, settings, checkpointer=saver, interrupt_after=["cost_analyst"])
        state = {"requirements": parse_requirements(PASTEBIN).model_dump(mode="json")}
        list(graph.stream(state, config, durability="sync"))
        snapshot = graph.get_state(config)
        assert snapshot.next == ("reviewer",)
        assert "doc" not in snapshot.values
    events: list[ProgressEvent] = []
    doc = run_design(None, settings, run_id="run-1", on_event=events.append)
    started = [e.role for e in events if e.kind == "start"]
    assert started[0] == "reviewer", "scoper, architect and cost_analyst were not redone"
    assert "scoper" not in started
    assert doc.stats.run_id == "run-1"
    assert next(r for r in doc.stats.roles if r.role == "scoper").runs == 1


def test_resuming_an_unknown_run_is_a_clear_error() -> None:
    with pytest.raises(RunNotFoundError, match="no-such-run"):
        run_design(None, Settings(), run_id="no-such-run")
