"""The scorecard (1-5 per quality, from the open findings) and the round's summary sentence."""

from __future__ import annotations

import math
from collections import Counter
from typing import get_args

from ..artefacts import Finding, QualityScore
from ..artefacts.review import Quality
from .context import listing

QUALITY_ORDER: tuple[Quality, ...] = get_args(Quality)
# Score points an unresolved finding costs its quality (accepted risks still count).
PENALTY = {"blocker": 2.0, "major": 1.0, "minor": 0.5}
SEVERITY_RANK = {"blocker": 0, "major": 1, "minor": 2}


def _label(finding: Finding) -> str:
    where = f" on {finding.component}" if finding.component else ""
    return f"{finding.id} {finding.rule}{where} ({finding.severity})"


def _counts(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s}" for s in ("blocker", "major", "minor") if counts[s]]
    return ", ".join(parts)


def score_qualities(
    findings: list[Finding], rule_qualities: dict[str, Quality]
) -> list[QualityScore]:
    """5 minus the penalties of the unresolved findings of each quality, at least 1."""
    scores = []
    for quality in QUALITY_ORDER:
        unresolved = [f for f in findings if f.quality == quality and f.status != "resolved"]
        unresolved.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.id))
        resolved = [f for f in findings if f.quality == quality and f.status == "resolved"]
        penalty = sum(PENALTY[f.severity] for f in unresolved)
        score = max(1, 5 - math.ceil(penalty - 1e-9))
        if unresolved:
            shown = "; ".join(_label(f) for f in unresolved[:3])
            more = f" and {len(unresolved) - 3} more" if len(unresolved) > 3 else ""
            accepted = sum(1 for f in unresolved if f.status == "accepted")
            note = (
                f"{len(unresolved)} unresolved ({_counts(unresolved)}"
                f"{f'; {accepted} accepted as risk' if accepted else ''}): {shown}{more}"
                f" — penalty {penalty:g}."
            )
        else:
            checked = sorted(r for r, q in rule_qualities.items() if q == quality)
            note = (
                f"No open findings from {len(checked)} rule(s) ({listing(checked)})"
                if checked
                else "No rule checks it directly"
            )
            note += f"; {len(resolved)} resolved in revisions." if resolved else "."
        scores.append(QualityScore(quality=quality, score=score, note=note))
    return scores


def summarise(round_no: int, findings: list[Finding], verdict: str) -> str:
    """'Round 2: 3 open findings (1 blocker, 2 major), 4 resolved; verdict revise — ...'."""
    open_ = [f for f in findings if f.status == "open"]
    resolved = [f for f in findings if f.status == "resolved"]
    accepted = [f for f in findings if f.status == "accepted"]
    counts = _counts(open_) or "none"
    text = f"Round {round_no}: {len(open_)} open finding{'s' if len(open_) != 1 else ''} ({counts})"
    if resolved:
        text += f", {len(resolved)} resolved"
    if accepted:
        text += f", {len(accepted)} accepted as risk"
    urgent = sorted(
        (f for f in open_ if f.severity in ("blocker", "major")),
        key=lambda f: (SEVERITY_RANK[f.severity], f.id),
    )
    if verdict == "revise":
        text += f"; verdict revise — fix first: {listing([_label(f) for f in urgent], 3)}."
    else:
        text += "; verdict approve — no blocker or major is open."
    return text
