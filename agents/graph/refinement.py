"""The refine → verify half of every role: offline it returns the kernel's draft unchanged."""

from __future__ import annotations

from ..artefacts import Architecture, CostReport, Requirements, Review, RoleStats, Scope
from ..llm import ChatModel
from ..settings import Settings


class Refiner:
    """Sends each role's draft to the model (if any) and keeps what code can verify."""

    def __init__(self, model: ChatModel | None, settings: Settings) -> None:
        self.model = model
        self.settings = settings
        # set once the model path stops (budget reached, model failed); later roles keep drafts
        self.stop_reason = ""

    def scope(self, draft: Scope, requirements: Requirements, stats: RoleStats) -> Scope:
        """The scope, refined by the model when one is configured."""
        return draft

    def architecture(self, draft: Architecture, scope: Scope, stats: RoleStats) -> Architecture:
        """The first architecture, refined by the model when one is configured."""
        return draft

    def revision(
        self,
        draft: Architecture,
        previous: Architecture,
        scope: Scope,
        review: Review,
        stats: RoleStats,
    ) -> Architecture:
        """A revised architecture answering the review's open findings."""
        return draft

    def review(
        self, draft: Review, scope: Scope, arch: Architecture, cost: CostReport, stats: RoleStats
    ) -> Review:
        """The review, with extra model findings when one is configured."""
        return draft
