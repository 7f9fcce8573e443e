"""`build_graph()`: the crew as a LangGraph StateGraph with a bounded review → revise loop."""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from ..kb import KnowledgeBase, default_kb
from ..llm import ChatModel
from ..settings import Settings
from .nodes import Crew
from .refinement import Refiner
from .state import GraphState, reviews_of


def make_router(max_revisions: int, refiner: Refiner) -> object:
    """The reviewer's exit: revise while blockers/majors are open, rounds remain, the model
    path has not stopped and the last revision still changed something; otherwise write the
    document (open findings then stand in it as risks)."""

    def route_after_review(state: GraphState) -> Literal["architect", "writer"]:
        reviews = reviews_of(state)
        last = reviews[-1] if reviews else None
        revisions_done = len(reviews) - 1
        if last is None or last.verdict == "approve":
            return "writer"
        if revisions_done >= max_revisions:
            return "writer"
        if state.get("stop_reason") or refiner.stop_reason:
            return "writer"
        if revisions_done >= 1 and not _changed_in_last_revision(state, revisions_done):
            return "writer"  # the architect found nothing more to change: another round repeats
        return "architect"

    return route_after_review


def _changed_in_last_revision(state: GraphState, revision: int) -> bool:
    changes = (state.get("architecture") or {}).get("changes", [])
    return any(change.get("revision") == revision for change in changes)


def build_graph(
    model: ChatModel | None = None,
    settings: Settings | None = None,
    *,
    kb: KnowledgeBase | None = None,
    checkpointer: BaseCheckpointSaver[str] | None = None,
    interrupt_after: list[str] | None = None,
) -> CompiledStateGraph[GraphState, None, GraphState, GraphState]:
    """Build and compile the crew's graph.

    scoper → architect → cost_analyst → reviewer → (architect again while the review asks
    for a revision, at most `settings.max_revisions` times) → writer.
    """
    settings = settings or Settings()
    kb = kb or default_kb(settings.kb_dirs)
    refiner = Refiner(model, settings, kb)
    crew = Crew(settings, kb, refiner)
    graph = StateGraph(GraphState)
    graph.add_node("scoper", crew.scoper)
    graph.add_node("architect", crew.architect)
    graph.add_node("cost_analyst", crew.cost_analyst)
    graph.add_node("reviewer", crew.reviewer)
    graph.add_node("writer", crew.writer)
    graph.add_edge(START, "scoper")
    graph.add_edge("scoper", "architect")
    graph.add_edge("architect", "cost_analyst")
    graph.add_edge("cost_analyst", "reviewer")
    graph.add_conditional_edges(
        "reviewer",
        make_router(settings.max_revisions, refiner),  # type: ignore[arg-type]
        {"architect": "architect", "writer": "writer"},
    )
    graph.add_edge("writer", END)
    return graph.compile(checkpointer=checkpointer, interrupt_after=interrupt_after)
