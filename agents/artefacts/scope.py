"""What the product scoper produces: the requirements as metrics and the capacity chain."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Provenance = Literal["stated", "assumed"]

# Base units an Estimate's value is expressed in; displays convert to human units.
EstimateUnit = Literal[
    "req/s",  # requests (or events, messages) per second
    "bytes",
    "bytes/s",
    "count",
    "USD/month",
    "per_day",  # events per day
    "per_month",  # events per month
    "seconds",
]


class Requirements(BaseModel):
    """The user's request as received, before any interpretation."""

    text: str = Field(description="The requirements text with any front matter removed.")
    source: str = Field(default="<text>", description="Where the text came from: a path, '-'.")
    front_matter: dict[str, Any] = Field(
        default_factory=dict, description="Parsed YAML front matter, if the file had any."
    )
    title: str | None = Field(default=None, description="A title given by the user, if any.")


class Assumption(BaseModel):
    """One input of the capacity chain: a number the user stated or we assumed."""

    name: str = Field(description="Identifier used in formulas, e.g. 'dau', 'object_bytes'.")
    label: str = Field(description="Human label, e.g. 'daily active users'.")
    value: float = Field(description="The value in base units (count, bytes, seconds, ratio).")
    unit: str = Field(description="The base unit of value: count, bytes, seconds, ratio, ...")
    display: str = Field(description="Human-readable value, e.g. '10M', '1 KB', '3 years'.")
    provenance: Provenance = Field(description="'stated' by the user or 'assumed' by us.")
    why: str = Field(
        description="For stated values the phrase it came from; for assumed ones the reason."
    )


class Requirement(BaseModel):
    """A functional requirement (FR-n) or a non-functional requirement as a metric (NFR-n)."""

    id: str = Field(description="Stable id: 'FR-1', 'FR-2', ... or 'NFR-1', ...")
    kind: Literal["functional", "non_functional"] = Field(description="Functional or NFR.")
    text: str = Field(description="The requirement in one sentence.")
    metric: str | None = Field(
        default=None,
        description="For NFRs the metric: availability, latency_p99, durability, throughput, "
        "budget, retention, consistency.",
    )
    target: float | None = Field(
        default=None, description="Target value in base units (percent, seconds, USD/month)."
    )
    unit: str | None = Field(default=None, description="Unit of target.")
    provenance: Provenance = Field(default="stated", description="Stated by the user or assumed.")
    capability: str | None = Field(
        default=None, description="Knowledge-base capability this FR comes from, if any."
    )


class Estimate(BaseModel):
    """One link of the capacity chain, computed in code and machine-checkable."""

    name: str = Field(description="Identifier, usable as an input of later formulas.")
    label: str = Field(description="Human label, e.g. 'peak read rate'.")
    value: float = Field(description="The value in the base unit named by `unit`.")
    unit: EstimateUnit = Field(description="Base unit of value.")
    display: str = Field(description="Human display, e.g. '12.7 GB/month', '39/s'.")
    formula: str = Field(
        description="Arithmetic expression over the names in `inputs` (+ - * / ceil max min) "
        "that recomputes value."
    )
    inputs: dict[str, float] = Field(
        description="Every name the formula uses, with the value it had (assumptions or "
        "earlier estimates)."
    )
    note: str = Field(default="", description="Why this number matters or how it is used.")


class OpenQuestion(BaseModel):
    """Something the requirements leave open, with the default we proceed on."""

    question: str = Field(description="The question for the user.")
    proposed_default: str = Field(description="The answer the design assumes until told.")
    assumption: str | None = Field(
        default=None, description="Name of the assumption the default sets, if any."
    )


class Scope(BaseModel):
    """The product scoper's artefact: needs as metrics, assumptions, the capacity chain."""

    system_name: str = Field(description="Short name of the system, e.g. 'Pastebin'.")
    summary: str = Field(description="One-paragraph statement of what is being built.")
    archetype: str = Field(description="Knowledge-base archetype id the system matches best.")
    archetype_score: float = Field(
        default=0.0, description="How strongly the text matched the archetype (0 = fallback)."
    )
    capabilities: list[str] = Field(
        description="Knowledge-base capability ids the system needs (media upload, feeds, ...)."
    )
    functional: list[Requirement] = Field(description="Functional requirements FR-1...")
    non_functional: list[Requirement] = Field(description="NFRs as metrics NFR-1...")
    assumptions: list[Assumption] = Field(description="Every input of the capacity chain.")
    estimates: list[Estimate] = Field(description="The capacity chain, in derivation order.")
    non_goals: list[str] = Field(default_factory=list, description="What is out of scope.")
    open_questions: list[OpenQuestion] = Field(
        default_factory=list, description="Questions with the defaults the design proceeds on."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Notes about the input, e.g. instructions to the model that were ignored.",
    )
    preferences: list[str] = Field(
        default_factory=list,
        description="Canonical knowledge-base names of the technologies the user asked for "
        "('use Postgres', front matter `technologies: [Kafka]`), e.g. ['PostgreSQL', "
        "'Apache Kafka']; the architect uses them where their kind fits. Technologies the user "
        "rejects ('instead of DynamoDB', 'no MongoDB') are not listed.",
    )

    def estimate(self, name: str) -> Estimate | None:
        """The estimate called `name`, if present."""
        return next((e for e in self.estimates if e.name == name), None)

    def value(self, name: str, default: float = 0.0) -> float:
        """Value of an estimate or assumption by name (estimates first)."""
        est = self.estimate(name)
        if est is not None:
            return est.value
        for a in self.assumptions:
            if a.name == name:
                return a.value
        return default

    def nfr(self, metric: str) -> Requirement | None:
        """The first NFR with this metric, if any."""
        return next((r for r in self.non_functional if r.metric == metric), None)
