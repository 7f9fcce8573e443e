"""The crew's nodes: each runs its role's kernel (draft), the model (refine) if configured,
and code checks (verify); each returns a partial state update."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.config import get_stream_writer

from .. import __version__
from ..architect import draft_architecture, revise_architecture
from ..artefacts import DesignDoc, RoleStats, RunStats
from ..cost import estimate_cost
from ..kb import KnowledgeBase
from ..reviewer import review_design
from ..scoper import scope_requirements
from ..settings import Settings
from ..writer import wrap_up
from .refinement import Refiner
from .state import (
    GraphState,
    architecture_of,
    cost_of,
    requirements_of,
    reviews_of,
    role_stats_of,
    scope_of,
)

Role = Literal["scoper", "architect", "cost_analyst", "reviewer", "writer"]
ROLES: tuple[Role, ...] = ("scoper", "architect", "cost_analyst", "reviewer", "writer")


def _emit(event: str, role: Role, **data: Any) -> None:
    """Tell the front end a role started (streamed as a 'custom' graph event)."""
    try:
        writer = get_stream_writer()
    except RuntimeError:  # called outside a graph run (unit tests of a node)
        return
    writer({"event": event, "role": role, **data})


class Crew:
    """The five roles, bound to one run's settings, model and knowledge base."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, refiner: Refiner) -> None:
        self.settings = settings
        self.kb = kb
        self.refiner = refiner

    def _timed(
        self, role: Role, state: GraphState, work: Callable[[RoleStats], dict[str, Any]]
    ) -> dict[str, Any]:
        # the architect's start names the revision it is about to produce
        revision = (
            len(state.get("reviews", [])) if role == "architect" else architecture_revision(state)
        )
        _emit("start", role, revision=revision)
        stats = RoleStats(role=role, runs=1)
        started = time.perf_counter()
        update = work(stats)
        stats.seconds = time.perf_counter() - started
        update["role_runs"] = [stats.model_dump()]
        if self.refiner.stop_reason and not state.get("stop_reason"):
            update["stop_reason"] = self.refiner.stop_reason
        return update

    def scoper(self, state: GraphState) -> dict[str, Any]:
        """Requirements -> Scope."""

        def work(stats: RoleStats) -> dict[str, Any]:
            requirements = requirements_of(state)
            draft = scope_requirements(requirements, self.kb)
            scope = self.refiner.scope(draft, requirements, stats)
            return {"scope": scope.model_dump(mode="json")}

        return self._timed("scoper", state, work)

    def architect(self, state: GraphState) -> dict[str, Any]:
        """Scope -> Architecture; on a revision round, the open findings -> a changed design."""

        def work(stats: RoleStats) -> dict[str, Any]:
            scope = scope_of(state)
            reviews = reviews_of(state)
            if reviews and "architecture" in state:
                previous = architecture_of(state)
                draft = revise_architecture(previous, scope, reviews[-1], cost_of(state), self.kb)
                arch = self.refiner.revision(draft, previous, scope, reviews[-1], stats)
            else:
                draft = draft_architecture(scope, self.kb)
                arch = self.refiner.architecture(draft, scope, stats)
            return {"architecture": arch.model_dump(mode="json")}

        return self._timed("architect", state, work)

    def cost_analyst(self, state: GraphState) -> dict[str, Any]:
        """Architecture + load -> CostReport (pure code: pricing is arithmetic)."""

        def work(stats: RoleStats) -> dict[str, Any]:
            scope, arch = scope_of(state), architecture_of(state)
            cost = self.refiner.cost(estimate_cost(arch, scope, self.kb), scope, arch, stats)
            return {"cost": cost.model_dump(mode="json")}

        return self._timed("cost_analyst", state, work)

    def reviewer(self, state: GraphState) -> dict[str, Any]:
        """Everything so far -> Review (rules in code; the model may add findings)."""

        def work(stats: RoleStats) -> dict[str, Any]:
            reviews = reviews_of(state)
            scope, arch, cost = scope_of(state), architecture_of(state), cost_of(state)
            draft = review_design(
                scope,
                arch,
                cost,
                self.kb,
                round=len(reviews) + 1,
                previous=reviews[-1] if reviews else None,
            )
            review = self.refiner.review(draft, scope, arch, cost, stats)
            return {"reviews": [review.model_dump(mode="json")]}

        return self._timed("reviewer", state, work)

    def writer(self, state: GraphState) -> dict[str, Any]:
        """All artefacts -> DesignDoc (rendering to files is the front end's job)."""

        def work(stats: RoleStats) -> dict[str, Any]:
            started = time.perf_counter()
            scope, arch, cost = scope_of(state), architecture_of(state), cost_of(state)
            reviews = reviews_of(state)
            wrap = self.refiner.wrap_up(
                wrap_up(scope, arch, cost, reviews[-1]), scope, arch, cost, reviews[-1], stats
            )
            stop_reason = state.get("stop_reason") or self.refiner.stop_reason
            # the writer's own run is part of the document's statistics
            stats.seconds = time.perf_counter() - started
            roles = [*role_stats_of(state), stats.model_copy()]
            doc = DesignDoc(
                title=f"{scope.system_name}: system design",
                requirements=requirements_of(state),
                scope=scope,
                architecture=arch,
                cost=cost,
                reviews=reviews,
                wrap_up=wrap,
                stats=RunStats(model=self.settings.model_label, roles=roles),
                complete=not stop_reason,
                incomplete_reason=stop_reason or "",
                generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
                generator=f"designcrew {__version__} (knowledge base {self.kb.version})",
            )
            return {"doc": doc.model_dump(mode="json")}

        return self._timed("writer", state, work)


def architecture_revision(state: GraphState) -> int:
    """The revision number of the architecture in the state (0 before any)."""
    raw = state.get("architecture")
    return int(raw.get("revision", 0)) if raw else 0
