"""The assembled design document and the statistics of the run that made it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .architecture import Architecture
from .review import CostReport, Review
from .scope import Requirements, Scope


class RoleStats(BaseModel):
    """What one role cost in one run."""

    role: str = Field(description="scoper, architect, cost_analyst, reviewer or writer.")
    runs: int = Field(default=0, description="Times the role ran (revisions run it again).")
    model_calls: int = Field(default=0, description="Model calls made (cache hits excluded).")
    cache_hits: int = Field(default=0, description="Model replies served from the cache.")
    prompt_tokens: int = Field(default=0, description="Prompt tokens sent.")
    completion_tokens: int = Field(default=0, description="Completion tokens received.")
    usd: float = Field(default=0.0, description="Dollars spent.")
    seconds: float = Field(default=0.0, description="Wall time spent in the role.")
    fallbacks: list[str] = Field(
        default_factory=list,
        description="Parts where the model's output failed verification "
        "and the deterministic draft was kept, with the reason.",
    )


class RunStats(BaseModel):
    """Statistics of the run, per role."""

    run_id: str = Field(default="", description="Id of the run (for --resume).")
    model: str = Field(default="offline", description="Model used, or 'offline' for the kernel.")
    roles: list[RoleStats] = Field(default_factory=list, description="Per-role statistics.")

    def role(self, name: str) -> RoleStats:
        """The stats of a role, created on first use."""
        for r in self.roles:
            if r.role == name:
                return r
        stats = RoleStats(role=name)
        self.roles.append(stats)
        return stats


class Risk(BaseModel):
    """A risk the design carries."""

    risk: str = Field(description="What could go wrong.")
    likelihood: str = Field(description="low, medium or high.")
    impact: str = Field(description="low, medium or high.")
    mitigation: str = Field(description="What reduces it.")


class WrapUp(BaseModel):
    """Risks, limits and roadmap."""

    risks: list[Risk] = Field(description="Risks of the design.")
    limits: list[str] = Field(description="'Cannot handle X; then we would need Y.'")
    roadmap: list[str] = Field(description="Evolution steps, in order.")


class DesignDoc(BaseModel):
    """Everything the crew produced, assembled by the writer."""

    title: str = Field(description="Document title.")
    requirements: Requirements = Field(description="The request as received.")
    scope: Scope = Field(description="The scoper's artefact.")
    architecture: Architecture = Field(description="The final architecture.")
    cost: CostReport = Field(description="The cost analyst's report on the final architecture.")
    reviews: list[Review] = Field(description="Every review round, in order.")
    wrap_up: WrapUp = Field(description="Risks, limits and roadmap.")
    stats: RunStats = Field(default_factory=RunStats, description="Run statistics.")
    complete: bool = Field(default=True, description="False when the run stopped early.")
    incomplete_reason: str = Field(default="", description="Why and where the run stopped.")
    generated_at: str = Field(default="", description="ISO timestamp of generation.")
    generator: str = Field(default="designcrew", description="Generator name and version.")

    @property
    def review(self) -> Review | None:
        """The last review round."""
        return self.reviews[-1] if self.reviews else None
