"""The cost analyst and the reviewer on a real design: scoper + architect + the built-in KB."""

from __future__ import annotations

import pytest

from agents.architect import draft_architecture, revise_architecture
from agents.cost_analyst import estimate_cost
from agents.kb import KnowledgeBase, default_kb
from agents.requirements import parse_requirements
from agents.reviewer import RULES, review_design
from agents.scoper import scope_requirements

REQUEST = (
    "Design a pastebin: 10M users, 1M new pastes a day, reads 10:1, 99.9% available, "
    "p99 < 200 ms, keep pastes 1 year, budget $3k/month"
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def test_real_design_is_priced_and_reviewed_consistently(kb: KnowledgeBase) -> None:
    scope = scope_requirements(parse_requirements(REQUEST), kb)
    arch = draft_architecture(scope, kb)
    cost = estimate_cost(arch, scope, kb)

    ids = {c.id for c in arch.components}
    assert cost.total_monthly_usd == pytest.approx(sum(i.monthly_usd for i in cost.items), abs=0.01)
    assert all(i.formula and (i.component in ids or i.component == "") for i in cost.items)
    assert {i.component for i in cost.items if i.category == "compute"} >= {
        c.id for c in arch.components if c.instances > 0 and not c.managed
    }
    assert cost.price_table.endswith(f"({kb.prices.version})")
    assert cost.budget_monthly_usd == 3000 and len(cost.alarms) >= 3

    first = review_design(scope, arch, cost, kb, round=1)
    assert first.findings and first.verdict == "revise"
    assert all(
        f.rule in RULES and (f.component is None or f.component in ids) for f in first.findings
    )
    assert len({f.id for f in first.findings}) == len(first.findings)

    revised = revise_architecture(arch, scope, first, cost, kb)
    second = review_design(
        scope, revised, estimate_cost(revised, scope, kb), kb, round=2, previous=first
    )
    before = {(f.rule, f.component): f.id for f in first.findings}
    for finding in second.findings:
        key = (finding.rule, finding.component)
        if key in before:
            assert finding.id == before[key]
        if finding.status == "resolved":
            assert finding.resolved_in == 1
    assert len(second.open("blocker", "major")) < len(first.open("blocker", "major"))
