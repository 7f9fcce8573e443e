"""The reviewer's kernel: typed findings from named rules, stable ids, verdict and scorecard.

`review_design(scope, arch, cost, kb, round, previous=None) -> Review` runs every rule of
`RULES` (rule id -> `(ReviewContext) -> list[Finding]`) on the design.
"""

from __future__ import annotations

from .context import DEFAULT_RULES, ReviewContext
from .review import assign_ids, review_design, verdict_of
from .rules import RULES, Rule

__all__ = [
    "DEFAULT_RULES",
    "RULES",
    "ReviewContext",
    "Rule",
    "assign_ids",
    "review_design",
    "verdict_of",
]
