"""Reviewer recall: inject known flaws into good designs and see whether the reviewer notices.

Each flaw takes the final design of a case, breaks one thing a reviewer must catch — a stateful
store without redundancy, the cache gone from a read-heavy path, a bill over budget, a queue
without a dead-letter queue, ... (the injectors live in `evals.injectors`) — and names the
rules that must fire and, where it matters, the components they must fire on. The cost analyst
and the reviewer then run again on the broken design; the flaw is *caught* when an open finding
of an expected rule names an expected component. A flaw that cannot be injected into a design
(no cache to drop, or the technology provides the removed mechanism natively) is *not
applicable*, and one whose rule already fires on the intact design is *already flagged*;
neither counts towards recall.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field, computed_field

from agents.artefacts import Architecture, DesignDoc, Finding, Review, Scope
from agents.kb import KnowledgeBase

from .injectors import (
    DB_KINDS,
    Injection,
    Injector,
    feature_flaw,
    holds_data,
    is_durable_store,
    no_alerts,
    no_cache,
    over_budget,
    queue_without_dlq,
    single_az,
    single_instance_store,
    unserved_requirement,
)

__all__ = [
    "FLAWS",
    "Flaw",
    "FlawRecall",
    "FlawTrial",
    "Injection",
    "RecallReport",
    "measure_recall",
    "try_flaw",
]


@dataclass(frozen=True)
class Flaw:
    """A kind of flaw: how to inject it and which rules catch it."""

    id: str
    title: str
    rules: tuple[str, ...]
    inject: Injector


FLAWS: dict[str, Flaw] = {
    f.id: f
    for f in (
        Flaw(
            "single_instance_store",
            "stateful store without redundancy",
            ("no-spof",),
            single_instance_store,
        ),
        Flaw(
            "no_cache",
            "cache dropped from a read-heavy path",
            ("headroom", "latency-budget"),
            no_cache,
        ),
        Flaw("over_budget", "bill above the budget", ("budget",), over_budget),
        Flaw(
            "queue_without_dlq",
            "queue without a dead-letter queue",
            ("queue-dlq",),
            queue_without_dlq,
        ),
        Flaw(
            "no_backpressure",
            "queue without backpressure or lag alerts",
            ("queue-backpressure",),
            feature_flaw(
                ["backpressure", "consumer_lag_alerts"],
                lambda c: c.kind == "queue",
                "backpressure",
                pin=True,
            ),
        ),
        Flaw(
            "no_rate_limiting",
            "no rate limiting at the edge",
            ("rate-limiting",),
            feature_flaw(["rate_limiting"], lambda c: True, "rate limiting"),
        ),
        Flaw("no_alerts", "no alerts on the SLOs", ("slo-alerting",), no_alerts),
        Flaw(
            "no_idempotency",
            "retried writes without idempotency keys",
            ("retry-idempotency",),
            feature_flaw(["idempotency_keys"], lambda c: c.kind != "external", "idempotency keys"),
        ),
        Flaw(
            "single_az",
            "stateful tiers in one availability zone",
            ("zone-spread", "no-spof", "availability-composition"),
            single_az,
        ),
        Flaw(
            "no_backups",
            "store without backups",
            ("durability",),
            feature_flaw(
                ["backups", "point_in_time_recovery"], is_durable_store, "backups", pin=True
            ),
        ),
        Flaw(
            "no_encryption",
            "no TLS or encryption at rest",
            ("encryption",),
            feature_flaw(["tls", "encryption_at_rest"], holds_data, "encryption", pin=True),
        ),
        Flaw(
            "no_cache_invalidation",
            "cache without TTL or invalidation",
            ("cache-invalidation",),
            feature_flaw(
                ["ttl_invalidation", "invalidate_on_write"],
                lambda c: c.kind == "cache",
                "invalidation",
                pin=True,
            ),
        ),
        Flaw(
            "no_stampede_protection",
            "cache without stampede protection",
            ("thundering-herd",),
            feature_flaw(
                ["request_coalescing", "jittered_ttl"],
                lambda c: c.kind == "cache",
                "stampede protection",
                pin=True,
            ),
        ),
        Flaw(
            "unbounded_fanout",
            "fan-out without a cap",
            ("unbounded-fanout",),
            feature_flaw(["fanout_cap"], lambda c: True, "fan-out cap", pin=True),
        ),
        Flaw(
            "no_fencing",
            "failover without quorum or fencing",
            ("split-brain",),
            feature_flaw(
                ["fencing_tokens", "quorum"],
                lambda c: c.stateful and not c.managed,
                "fencing",
                pin=True,
            ),
        ),
        Flaw(
            "no_conditional_writes",
            "reservations without conditional writes",
            ("check-then-act",),
            feature_flaw(
                ["conditional_writes"], lambda c: c.kind in DB_KINDS, "conditional writes", pin=True
            ),
        ),
        Flaw(
            "unserved_requirement",
            "a functional requirement nothing serves",
            ("unserved-requirement",),
            unserved_requirement,
        ),
    )
}

# --- measuring recall -------------------------------------------------------------------------


class FlawTrial(BaseModel):
    """One flaw injected into one design."""

    case: str
    flaw: str
    status: str = Field(description="caught, missed, not_applicable, or already_flagged.")
    targets: list[str] = Field(
        default_factory=list, description="Components a finding had to name ([] = any)."
    )
    description: str = ""
    findings: list[str] = Field(default_factory=list, description="Findings of expected rules.")


class FlawRecall(BaseModel):
    """Recall of one flaw type over the cases it applied to."""

    flaw: str
    title: str
    rules: list[str]
    applicable: int = 0
    caught: int = 0
    missed_in: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        """Share caught (None when it applied nowhere)."""
        return self.caught / self.applicable if self.applicable else None


class RecallReport(BaseModel):
    """Per-flaw recall plus every trial."""

    per_flaw: list[FlawRecall] = Field(default_factory=list)
    trials: list[FlawTrial] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def applicable(self) -> int:
        return sum(f.applicable for f in self.per_flaw)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def caught(self) -> int:
        return sum(f.caught for f in self.per_flaw)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overall(self) -> float | None:
        """Caught / applicable over every trial."""
        return self.caught / self.applicable if self.applicable else None

    def for_case(self, case: str) -> list[FlawTrial]:
        return [t for t in self.trials if t.case == case]


def _matching(review: Review, flaw: Flaw, targets: list[str]) -> list[Finding]:
    return [
        f for f in review.open() if f.rule in flaw.rules and (not targets or f.component in targets)
    ]


def _review(scope: Scope, arch: Architecture, kb: KnowledgeBase) -> Review:
    from agents.cost_analyst import estimate_cost
    from agents.reviewer import review_design

    cost = estimate_cost(arch, scope, kb)
    return review_design(scope, arch, cost, kb, round=1, previous=None)


def try_flaw(
    case: str, doc: DesignDoc, flaw: Flaw, kb: KnowledgeBase, baseline: Review | None = None
) -> FlawTrial:
    """Inject `flaw` into `doc`, re-run cost analyst + reviewer, and say whether it was caught."""
    injection = flaw.inject(doc, kb)
    if injection is None:
        return FlawTrial(case=case, flaw=flaw.id, status="not_applicable")
    if baseline is None:
        baseline = _review(doc.scope, doc.architecture, kb)
    if _matching(baseline, flaw, injection.targets):
        return FlawTrial(
            case=case,
            flaw=flaw.id,
            status="already_flagged",
            targets=injection.targets,
            description=injection.description,
        )
    review = _review(injection.scope, injection.arch, kb)
    hits = _matching(review, flaw, injection.targets)
    return FlawTrial(
        case=case,
        flaw=flaw.id,
        status="caught" if hits else "missed",
        targets=injection.targets,
        description=injection.description,
        findings=[
            f"{f.id} {f.severity} {f.rule} on {f.component or '-'}: {f.message[:120]}" for f in hits
        ],
    )


def measure_recall(
    designs: Iterable[tuple[str, DesignDoc]],
    kb: KnowledgeBase,
    flaws: Iterable[str] | None = None,
) -> RecallReport:
    """Inject every flaw (or the named ones) into every design and tally what was caught."""
    chosen = [FLAWS[f] for f in flaws] if flaws is not None else list(FLAWS.values())
    report = RecallReport(
        per_flaw=[FlawRecall(flaw=f.id, title=f.title, rules=list(f.rules)) for f in chosen]
    )
    by_id = {r.flaw: r for r in report.per_flaw}
    for case, doc in designs:
        baseline = _review(doc.scope, doc.architecture, kb)
        for flaw in chosen:
            trial = try_flaw(case, doc, flaw, kb, baseline)
            report.trials.append(trial)
            tally = by_id[flaw.id]
            if trial.status in ("caught", "missed"):
                tally.applicable += 1
                tally.caught += trial.status == "caught"
                if trial.status == "missed":
                    tally.missed_in.append(case)
    return report
