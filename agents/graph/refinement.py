"""The refine → verify half of every role. Offline it returns the kernel's draft unchanged;
with a model it asks for a richer artefact, keeps what code can verify, and falls back to the
draft (recording why) for what it cannot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from prompts import render_prompt

from ..artefacts import (
    Architecture,
    CostReport,
    Finding,
    Requirements,
    Review,
    RoleStats,
    Scope,
    WrapUp,
)
from ..errors import BudgetExceededError, ModelUnavailableError
from ..kb import KnowledgeBase
from ..llm import ChatModel, ModelUsage, refine
from ..reviewer import verdict_of
from ..settings import Settings
from ..verify import (
    finalize_scope,
    reweigh_decisions,
    verify_architecture,
    verify_review,
    verify_scope,
)
from .views import architecture_view, scope_view

T = TypeVar("T", bound=BaseModel)


class Refiner:
    """Sends each role's draft to the model (if any) and keeps what code can verify."""

    def __init__(self, model: ChatModel | None, settings: Settings, kb: KnowledgeBase) -> None:
        self.model = model
        self.settings = settings
        self.kb = kb
        # set once the model path stops (budget reached, model unreachable); later roles and
        # rounds keep the kernel's drafts and the document is marked incomplete
        self.stop_reason = ""

    def _ask(
        self,
        role: str,
        draft: T,
        stats: RoleStats,
        verify: Callable[[T], list[str]],
        /,
        **inputs: Any,
    ) -> T:
        if self.model is None or self.stop_reason:
            return draft
        before = self.model.usage_by_role().get(role, ModelUsage())
        try:
            result = refine(role, draft, render_prompt(role, **inputs), self.model, verify)
            output = result.output
            if result.fallback_reason:
                stats.fallbacks.append(result.fallback_reason)
        except (BudgetExceededError, ModelUnavailableError) as exc:
            self.stop_reason = (
                f"the model path stopped in the {role} (architecture revision "
                f"{inputs.get('revision', 0)}): {exc.one_line()}; this and every later part "
                "is the deterministic draft"
            )
            stats.fallbacks.append(self.stop_reason)
            output = draft
        used = self.model.usage_by_role().get(role, ModelUsage())
        stats.model_calls += used.calls - before.calls
        stats.cache_hits += used.cache_hits - before.cache_hits
        stats.prompt_tokens += used.prompt_tokens - before.prompt_tokens
        stats.completion_tokens += used.completion_tokens - before.completion_tokens
        stats.usd += used.usd - before.usd
        return output

    def scope(self, draft: Scope, requirements: Requirements, stats: RoleStats) -> Scope:
        """The scope, refined by the model; estimates always recomputed by code."""
        refined = self._ask(
            "scoper",
            draft,
            stats,
            lambda s: verify_scope(s, draft, self.kb),
            requirements=requirements,
            draft=draft,
        )
        return draft if refined is draft else finalize_scope(refined, draft)

    def architecture(self, draft: Architecture, scope: Scope, stats: RoleStats) -> Architecture:
        """The first architecture, refined by the model when one is configured."""
        refined = self._ask(
            "architect",
            draft,
            stats,
            lambda a: verify_architecture(a, scope),
            scope=scope_view(scope),
            draft=draft,
        )
        return reweigh_decisions(refined)

    def revision(
        self,
        draft: Architecture,
        previous: Architecture,
        scope: Scope,
        review: Review,
        stats: RoleStats,
    ) -> Architecture:
        """A revised architecture answering the review's open findings."""
        refined = self._ask(
            "architect",
            draft,
            stats,
            lambda a: verify_architecture(a, scope),
            scope=scope_view(scope),
            draft=draft,
            findings=review.open(),
            revision=draft.revision,
        )
        if refined is not draft:
            # the revision number and the change log are the kernel's record of the loop
            refined = refined.model_copy(
                update={"revision": draft.revision, "changes": _merged_changes(draft, refined)}
            )
        return reweigh_decisions(refined)

    def cost(
        self, draft: CostReport, scope: Scope, arch: Architecture, stats: RoleStats
    ) -> CostReport:
        """Pricing is arithmetic and stays code's; the model may add caveats."""
        refined = self._ask(
            "cost_analyst",
            draft,
            stats,
            lambda c: [],
            scope=scope_view(scope),
            architecture=architecture_view(arch),
            draft=draft,
        )
        extra = [n for n in refined.notes if n not in draft.notes]
        return draft.model_copy(update={"notes": [*draft.notes, *extra]})

    def review(
        self, draft: Review, scope: Scope, arch: Architecture, cost: CostReport, stats: RoleStats
    ) -> Review:
        """The rule-based review plus any further findings the model makes."""
        refined = self._ask(
            "reviewer",
            draft,
            stats,
            lambda r: verify_review(r, arch),
            scope=scope_view(scope),
            architecture=architecture_view(arch),
            cost=cost,
            draft=draft,
        )
        if refined is draft:
            return draft
        seen = {(f.rule, f.component) for f in draft.findings}
        next_no = len(draft.findings) + 1
        extra: list[Finding] = []
        for finding in refined.findings:
            if (finding.rule, finding.component) in seen or finding.status != "open":
                continue
            extra.append(finding.model_copy(update={"id": f"R-{next_no}"}))
            next_no += 1
        findings = [*draft.findings, *extra]
        return draft.model_copy(
            update={
                "findings": findings,
                "verdict": verdict_of(findings),
                "summary": refined.summary or draft.summary,
            }
        )

    def wrap_up(
        self,
        draft: WrapUp,
        scope: Scope,
        arch: Architecture,
        cost: CostReport,
        review: Review,
        stats: RoleStats,
    ) -> WrapUp:
        """Risks, limits and roadmap, refined by the model when one is configured."""
        return self._ask(
            "writer",
            draft,
            stats,
            _verify_wrap_up,
            scope=scope_view(scope),
            architecture=architecture_view(arch),
            cost=cost,
            review=review,
            draft=draft,
        )


def _verify_wrap_up(wrap: WrapUp) -> list[str]:
    errors = []
    if not wrap.risks:
        errors.append("list at least one risk")
    if not wrap.limits:
        errors.append("list at least one limit")
    return errors


def _merged_changes(draft: Architecture, refined: Architecture) -> list[Any]:
    known = {(c.revision, c.finding, c.description) for c in draft.changes}
    extra = [
        c
        for c in refined.changes
        if c.revision == draft.revision and (c.revision, c.finding, c.description) not in known
    ]
    return [*draft.changes, *extra]
