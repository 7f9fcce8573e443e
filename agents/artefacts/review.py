"""What the cost analyst and the reviewer produce."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["blocker", "major", "minor"]
Quality = Literal[
    "resilient", "scalable", "maintainable", "observable", "cost_aware", "secure", "fit"
]


class CostItem(BaseModel):
    """One line of the bill of materials."""

    component: str = Field(description="Component id the cost belongs to ('' for shared).")
    item: str = Field(description="What is bought, e.g. 'API servers (c6i.large)'.")
    category: Literal["compute", "storage", "egress", "managed", "other"] = Field(
        description="Cost category."
    )
    quantity: float = Field(description="Quantity in `unit`.")
    unit: str = Field(description="Unit of quantity: instance-hours, GB-month, GB, requests.")
    unit_price_usd: float = Field(description="Price per unit, from the price table.")
    monthly_usd: float = Field(description="quantity x unit_price_usd.")
    formula: str = Field(default="", description="How quantity was derived.")


class SavingsLever(BaseModel):
    """A way to cut the bill, with its estimated effect."""

    name: str = Field(description="Short name, e.g. 'reserved instances for the API tier'.")
    description: str = Field(description="What to do.")
    monthly_saving_usd: float = Field(description="Estimated saving per month.")
    tradeoff: str = Field(description="What it costs in flexibility, latency or risk.")


class CostReport(BaseModel):
    """The cost analyst's artefact: a priced bill of materials against the budget."""

    items: list[CostItem] = Field(description="Bill of materials.")
    total_monthly_usd: float = Field(description="Sum of the items.")
    budget_monthly_usd: float | None = Field(description="Budget, if stated or assumed.")
    within_budget: bool | None = Field(description="Total <= budget (None without a budget).")
    price_table: str = Field(description="Name and date of the price table used.")
    levers: list[SavingsLever] = Field(default_factory=list, description="Savings levers.")
    alarms: list[str] = Field(default_factory=list, description="Budget alarms to configure.")
    notes: list[str] = Field(default_factory=list, description="Caveats of the estimate.")


class Finding(BaseModel):
    """A typed review finding."""

    id: str = Field(description="'R-1', 'R-2', ...; stable across review rounds for a rule+target.")
    rule: str = Field(description="Review rule id, e.g. 'no-spof-stateful'.")
    severity: Severity = Field(description="blocker, major or minor.")
    component: str | None = Field(default=None, description="Component id concerned, if any.")
    message: str = Field(description="What is wrong, with the number that shows it.")
    recommendation: str = Field(description="What to change.")
    quality: Quality = Field(default="fit", description="Which quality it affects.")
    status: Literal["open", "resolved", "accepted"] = Field(
        default="open", description="open; resolved by a revision; or accepted as a risk."
    )
    resolved_in: int | None = Field(default=None, description="Revision that resolved it.")


class QualityScore(BaseModel):
    """One row of the scorecard."""

    quality: Quality = Field(description="The quality scored.")
    score: int = Field(ge=1, le=5, description="1 (poor) .. 5 (excellent).")
    note: str = Field(description="Why this score.")


class Review(BaseModel):
    """The reviewer's artefact for one round."""

    round: int = Field(description="Review round, 1-based.")
    findings: list[Finding] = Field(description="All findings of this round.")
    verdict: Literal["approve", "revise"] = Field(
        description="approve when no blocker/major is open, else revise."
    )
    scorecard: list[QualityScore] = Field(description="Score per quality.")
    summary: str = Field(default="", description="One-paragraph summary.")

    def open(self, *severities: Severity) -> list[Finding]:
        """Open findings, optionally only of the given severities."""
        return [
            f
            for f in self.findings
            if f.status == "open" and (not severities or f.severity in severities)
        ]
