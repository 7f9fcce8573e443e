"""The graph's state: artefacts travel as JSON-able dicts so checkpoints stay plain data."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict, TypeVar

from pydantic import BaseModel

from ..artefacts import Architecture, CostReport, Requirements, Review, RoleStats, Scope

ModelT = TypeVar("ModelT", bound=BaseModel)


class GraphState(TypedDict, total=False):
    """What the crew's graph carries between roles (every value JSON-serialisable)."""

    requirements: dict[str, Any]
    scope: dict[str, Any]
    architecture: dict[str, Any]
    cost: dict[str, Any]
    # every review round, appended by the reviewer
    reviews: Annotated[list[dict[str, Any]], operator.add]
    # one RoleStats per role run, appended by every node
    role_runs: Annotated[list[dict[str, Any]], operator.add]
    # set when a role stopped the model path (budget reached, model failed): later roles
    # run on the deterministic kernel and the document is marked incomplete
    stop_reason: str
    doc: dict[str, Any]


def load(model: type[ModelT], state: GraphState, key: str) -> ModelT:
    """The artefact stored under `key`, validated back into its model."""
    raw = state.get(key)
    if raw is None:
        raise KeyError(f"graph state has no '{key}' yet")
    return model.model_validate(raw)


def requirements_of(state: GraphState) -> Requirements:
    """The requirements in the state."""
    return load(Requirements, state, "requirements")


def scope_of(state: GraphState) -> Scope:
    """The scope in the state."""
    return load(Scope, state, "scope")


def architecture_of(state: GraphState) -> Architecture:
    """The current architecture in the state."""
    return load(Architecture, state, "architecture")


def cost_of(state: GraphState) -> CostReport:
    """The cost report of the current architecture."""
    return load(CostReport, state, "cost")


def reviews_of(state: GraphState) -> list[Review]:
    """Every review round so far, oldest first."""
    return [Review.model_validate(r) for r in state.get("reviews", [])]


def role_stats_of(state: GraphState) -> list[RoleStats]:
    """Role runs merged per role, in pipeline order of first appearance."""
    merged: dict[str, RoleStats] = {}
    for raw in state.get("role_runs", []):
        run = RoleStats.model_validate(raw)
        total = merged.setdefault(run.role, RoleStats(role=run.role))
        total.runs += run.runs
        total.model_calls += run.model_calls
        total.cache_hits += run.cache_hits
        total.prompt_tokens += run.prompt_tokens
        total.completion_tokens += run.completion_tokens
        total.usd += run.usd
        total.seconds += run.seconds
        total.fallbacks.extend(run.fallbacks)
    return list(merged.values())
