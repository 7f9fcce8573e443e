"""Multi-region designs: regions from the requirements, global steering, per-region sizing,
replication, the bill, availability over parallel regions and the last-resort fixer."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from agents.api import run_design
from agents.architect import draft_architecture, revise_architecture
from agents.artefacts import Architecture, CostReport, Scope
from agents.cost.units import fmt_availability_below
from agents.cost_analyst import estimate_cost
from agents.kb import KnowledgeBase, Prices, default_kb
from agents.mermaid import validate
from agents.regions import CROSS_REGION_FEATURE, STEERING_FEATURE
from agents.requirements import parse_requirements
from agents.reviewer import review_design
from agents.reviewer.context import ReviewContext
from agents.scoper import scope_requirements
from agents.settings import Settings
from agents.writer import architecture_diagram, render_markdown

SHORTENER = "Design a URL shortener like bit.ly"
TWO_REGIONS = "---\nregions: 2\n---\n" + SHORTENER


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def _design(text: str, kb: KnowledgeBase) -> tuple[Scope, Architecture, CostReport]:
    scope = scope_requirements(parse_requirements(text), kb)
    arch = draft_architecture(scope, kb)
    return scope, arch, estimate_cost(arch, scope, kb)


@pytest.mark.parametrize(
    ("text", "regions", "provenance"),
    [
        (TWO_REGIONS, 2, "stated"),
        (SHORTENER + ", deployed in two regions.", 2, "stated"),
        (SHORTENER + ", active-active in 3 regions.", 3, "stated"),
        (SHORTENER + ". It must be multi-region.", 2, "assumed"),
    ],
)
def test_the_scoper_reads_the_region_count(
    text: str, regions: int, provenance: str, kb: KnowledgeBase
) -> None:
    scope = scope_requirements(parse_requirements(text), kb)
    found = next(a for a in scope.assumptions if a.name == "regions")
    assert (found.value, found.provenance) == (regions, provenance)
    assert draft_architecture(scope, kb).regions == regions


def test_one_region_unless_asked(kb: KnowledgeBase) -> None:
    scope = scope_requirements(parse_requirements(SHORTENER + ". Not multi-region."), kb)
    assert all(a.name != "regions" for a in scope.assumptions)
    assert draft_architecture(scope, kb).regions == 1


def test_a_two_region_design_steers_replicates_and_sizes_per_region(kb: KnowledgeBase) -> None:
    _, arch, _ = _design(TWO_REGIONS, kb)
    steering = [c for c in arch.components if STEERING_FEATURE in c.features]
    assert len(steering) == 1
    dns = steering[0]
    assert dns.kind == "load_balancer" and dns.technology.startswith("Amazon Route 53")
    assert dns.availability == 1.0 and dns.sizing.startswith("global")
    lb = next(c for c in arch.components if c.kind == "load_balancer" and c is not dns)
    assert any(lk.source == dns.id and lk.target == lb.id and lk.critical for lk in arch.links)
    # every traced request starts with the DNS lookup that picks the region
    for flow in (f for f in arch.flows if f.path in ("read", "write")):
        assert (flow.steps[0].source, flow.steps[0].target) == ("client", dns.id)
    stores = [c for c in arch.components if c.kind in ("kv_store", "sql_db")]
    assert stores and all(CROSS_REGION_FEATURE in c.features for c in stores)
    api = next(c for c in arch.components if c.id == "api")
    assert f"= {api.instances} per region × 2 regions = {api.instances * 2} in total" in api.sizing
    region_loss = next(f for f in arch.failure_modes if f.scenario.startswith("a whole region"))
    assert "~90 s" in region_loss.effect and "RPO" in region_loss.data_note
    assert not region_loss.data_safe  # asynchronous replication: the lag can be lost
    assert arch.observability is not None
    assert any(s.startswith("per region") for s in arch.observability.slis)
    assert any("replication lag" in a for a in arch.observability.alerts)
    assert any(d.id == "multi_region" for d in arch.deep_dives)


def test_two_regions_cost_about_twice_the_regional_share(kb: KnowledgeBase) -> None:
    one = _design(SHORTENER, kb)[2]
    two = _design(TWO_REGIONS, kb)[2]
    regional = sum(
        i.monthly_usd
        for i in one.items
        if i.category in ("compute", "storage")
        or (i.category == "managed" and i.unit == "GB-month")
    )
    writes_one = sum(i.monthly_usd for i in one.items if " writes (" in i.item)
    writes_two = sum(i.monthly_usd for i in two.items if " writes (" in i.item)
    dns = next(i for i in two.items if i.unit == "million DNS queries")
    transfer = next(i for i in two.items if i.item.startswith("cross-region replication"))
    extras = dns.monthly_usd + transfer.monthly_usd + (writes_two - writes_one)
    assert two.total_monthly_usd == pytest.approx(
        one.total_monthly_usd + regional + extras, abs=1.0
    )
    assert 1.6 < two.total_monthly_usd / one.total_monthly_usd < 2.2
    for item in two.items:
        if item.category in ("compute", "storage"):
            assert "× 2 regions" in item.formula, item.item
    assert transfer.unit_price_usd == pytest.approx(kb.prices.inter_region_gb)
    assert "(2 − 1) other region" in transfer.formula
    assert dns.monthly_usd < 0.05 * two.total_monthly_usd  # steering is cheap


def test_prices_default_the_inter_region_rate() -> None:
    raw = default_kb().prices.model_dump()
    raw.pop("inter_region_gb")
    assert Prices.model_validate(raw).inter_region_gb == 0.02


def _composition(scope: Scope, arch: Architecture, cost: CostReport, kb: KnowledgeBase) -> str:
    review = review_design(scope, arch, cost, kb, 1)
    finding = next(f for f in review.findings if f.rule == "availability-composition")
    return f"{finding.message} {finding.recommendation}"


def test_availability_composes_active_regions_in_parallel(kb: KnowledgeBase) -> None:
    text = TWO_REGIONS + ". 99.9999999% availability."
    scope, arch, cost = _design(text, kb)
    ctx = ReviewContext(scope, arch, cost, kb)
    a_region = math.prod(ctx.availability(c) for c in ctx.critical_path)
    expected = 1 - (1 - a_region) ** 2  # the DNS steering is 100%
    message = _composition(scope, arch, cost, kb)
    assert "over 2 active regions" in message
    assert "(1 − (1 − A_region)^2)" in message
    assert fmt_availability_below(expected, 0.999999999) in message
    single = arch.model_copy(update={"regions": 1})
    assert "along the critical path" in _composition(scope, single, cost, kb)


PASTEBIN_FOUR_NINES = "Design a pastebin. 99.99% availability."


def test_a_single_region_that_cannot_reach_four_nines_is_told_to_go_multi_region(
    kb: KnowledgeBase,
) -> None:
    # the blob and metadata stores are managed services on the read path: 99.99% each at best
    scope, arch, cost = _design(PASTEBIN_FOUR_NINES, kb)
    text = _composition(scope, arch, cost, kb)
    assert "One region cannot reach it" in text
    match = re.search(r"Go multi-region: 2 active regions .* = ([\d.]+)%, for about \+\$", text)
    assert match is not None and float(match.group(1)) >= 99.99


def test_a_url_shortener_reaches_four_nines_in_one_region(kb: KnowledgeBase) -> None:
    # its read path has one managed store: taking other hops off the path suffices
    scope, arch, cost = _design(SHORTENER + ". 99.99% availability.", kb)
    assert "Go multi-region" not in _composition(scope, arch, cost, kb)


def _loop(text: str, kb: KnowledgeBase, rounds: int = 2) -> tuple[Architecture, str]:
    scope, arch, cost = _design(text, kb)
    review = review_design(scope, arch, cost, kb, 1)
    for n in range(rounds):
        if review.verdict == "approve":
            break
        arch = revise_architecture(arch, scope, review, cost, kb)
        cost = estimate_cost(arch, scope, kb)
        review = review_design(scope, arch, cost, kb, n + 2, review)
    left = [f for f in review.open() if f.rule == "availability-composition"]
    return arch, left[0].recommendation if left else ""


def test_a_budget_that_cannot_pay_for_a_second_region_keeps_one_and_says_so(
    kb: KnowledgeBase,
) -> None:
    arch, advice = _loop(PASTEBIN_FOUR_NINES + " Budget $5k/month.", kb)
    assert arch.regions == 1
    assert "breaks the $5,000/month budget" in advice


def test_a_four_nines_design_goes_multi_region_within_two_revisions(tmp_path: Path) -> None:
    requirements = parse_requirements(PASTEBIN_FOUR_NINES)
    doc = run_design(requirements, Settings(home=tmp_path, max_revisions=2))
    arch = doc.architecture
    assert arch.regions == 2
    change = next(c for c in arch.changes if c.rule == "availability-composition")
    assert "deployed active-active in 2 regions (was 1)" in change.description
    assert "global_dns" in change.description and "/month" in change.description
    assert doc.review is not None
    assert not [f for f in doc.review.open() if f.rule == "availability-composition"]
    kb = default_kb()
    one_region = estimate_cost(draft_architecture(doc.scope, kb), doc.scope, kb)
    assert doc.cost.total_monthly_usd > 1.5 * one_region.total_monthly_usd
    markdown = render_markdown(doc)
    assert "**Regions:** active-active in 2 regions" in markdown
    assert "Critical-path availability over 2 active regions" in markdown
    assert "a whole region fails" in markdown
    for block in re.findall(r"```mermaid\n(.*?)```", markdown, re.DOTALL):
        validate(block)  # the real Mermaid parser
    diagram = architecture_diagram(arch)
    assert "Global, shared by 2 regions" in diagram and "per region" in diagram
