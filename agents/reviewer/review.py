"""One review round: run every rule, keep finding ids stable across rounds, decide."""

from __future__ import annotations

import re
from typing import Literal

from ..artefacts import Architecture, CostReport, Finding, Review, Scope
from ..artefacts.review import Quality
from ..kb import KnowledgeBase
from .context import ReviewContext
from .rules import RULES
from .scorecard import SEVERITY_RANK, score_qualities, summarise

Verdict = Literal["approve", "revise"]
Key = tuple[str, str | None]  # (rule, component): what a finding id is stable for


def _number(finding_id: str) -> int:
    match = re.fullmatch(r"R-(\d+)", finding_id)
    return int(match.group(1)) if match else 0


def _dedupe(findings: list[Finding]) -> dict[Key, Finding]:
    """One finding per (rule, component): the most severe, messages of the others appended."""
    by_key: dict[Key, Finding] = {}
    for f in findings:
        key = (f.rule, f.component)
        kept = by_key.get(key)
        if kept is None:
            by_key[key] = f
            continue
        first, second = sorted((kept, f), key=lambda x: SEVERITY_RANK[x.severity])
        by_key[key] = first.model_copy(update={"message": f"{first.message} {second.message}"})
    return by_key


def assign_ids(fired: list[Finding], previous: Review | None, round_no: int) -> list[Finding]:
    """Reuse the previous round's id for the same rule+component; carry findings that no longer
    fire as resolved (resolved_in = round - 1); number new ones after the highest id so far."""
    prior: dict[Key, Finding] = {}
    for f in previous.findings if previous else []:
        prior.setdefault((f.rule, f.component), f)
    next_no = max((_number(f.id) for f in prior.values()), default=0) + 1
    result: list[Finding] = []
    current = _dedupe(fired)
    for key, f in current.items():
        old = prior.get(key)
        if old is not None:
            status = "accepted" if old.status == "accepted" else "open"
            result.append(
                f.model_copy(update={"id": old.id, "status": status, "resolved_in": None})
            )
        else:
            result.append(f.model_copy(update={"id": f"R-{next_no}", "status": "open"}))
            next_no += 1
    for key, old in prior.items():
        if key in current:
            continue
        if old.status == "resolved":
            result.append(old)
        else:
            result.append(
                old.model_copy(update={"status": "resolved", "resolved_in": round_no - 1})
            )
    order = {"open": 0, "accepted": 1, "resolved": 2}
    return sorted(result, key=lambda f: (order[f.status], SEVERITY_RANK[f.severity], _number(f.id)))


def verdict_of(findings: list[Finding]) -> Verdict:
    """'revise' while any blocker or major is open, else 'approve'."""
    urgent = any(f.status == "open" and f.severity in ("blocker", "major") for f in findings)
    return "revise" if urgent else "approve"


def review_design(
    scope: Scope,
    arch: Architecture,
    cost: CostReport,
    kb: KnowledgeBase,
    round: int,
    previous: Review | None = None,
) -> Review:
    """Review the design against every rule in RULES; round is 1-based."""
    ctx = ReviewContext(scope=scope, arch=arch, cost=cost, kb=kb, round=round, previous=previous)
    fired = [finding for rule in RULES.values() for finding in rule(ctx)]
    findings = assign_ids(fired, previous, round)
    verdict = verdict_of(findings)
    qualities: dict[str, Quality] = {rule: ctx.quality(rule) for rule in RULES}
    return Review(
        round=round,
        findings=findings,
        verdict=verdict,
        scorecard=score_qualities(findings, qualities),
        summary=summarise(round, findings, verdict),
    )
