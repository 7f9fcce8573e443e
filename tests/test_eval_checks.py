"""Every deterministic check passes on a good design and fails on one broken the matching way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eval_sample import sample_doc, sample_markdown

from agents.artefacts import DesignDoc, Finding
from agents.kb import KnowledgeBase, default_kb
from evals.cases import Expectations
from evals.checks import CHECKS, CheckResult, run_checks


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


EXPECT = Expectations.model_validate(
    {
        "capacity": {"write_qps_avg": "3.86 ± 5%", "read_qps_avg": 38.6},
        "components": ["memory cache", "sql database", "load balancer"],
        "techniques": ["rate_limiting", "cache_aside", "key_generation"],
        "features": ["paste", "expir", "link"],
    }
)


def _check(name: str, doc: DesignDoc, markdown: str, kb: KnowledgeBase) -> CheckResult:
    (result,) = run_checks(doc, markdown, kb, EXPECT, only=[name])
    return result


def test_good_design_passes_every_check(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    results = run_checks(doc, sample_markdown(doc), kb, EXPECT)
    assert [r.check for r in results] == list(CHECKS)
    failing = {r.check: r.failures for r in results if not r.passed}
    assert failing == {}
    assert all(not r.skipped for r in results)


def _drop_section(md: str) -> str:
    return md.replace("## 5. Deep dives", "## 5. Other things")


def _bad_mermaid(md: str) -> str:
    return md.replace("erDiagram\n  PASTE {", "erDiagram\n  PASTE {{ broken")


def _stale_estimate(doc: DesignDoc) -> None:
    doc.scope.estimates[2].value *= 2  # read_qps_avg no longer equals its formula


def _stale_input(doc: DesignDoc) -> None:
    est = doc.scope.estimates[3]  # read_qps_peak used an old read_qps_avg
    est.inputs["read_qps_avg"] = 1.0
    est.value = 3.0


def _wrong_capacity(doc: DesignDoc) -> None:
    for est in doc.scope.estimates:
        if est.name == "write_qps_avg":
            est.value = 5.0
            est.inputs = {"writes_per_day": 5.0 * 86400, "seconds_per_day": 86400}


def _no_cache(doc: DesignDoc) -> None:
    arch = doc.architecture
    arch.components = [c for c in arch.components if c.kind != "cache"]
    arch.links = [lk for lk in arch.links if lk.target != "paste_cache"]


def _no_technique(doc: DesignDoc) -> None:
    doc.architecture.components[0].features = ["tls"]  # rate limiting gone


def _missing_feature(doc: DesignDoc) -> None:
    doc.scope.functional = [r for r in doc.scope.functional if r.id != "FR-3"]
    for c in doc.architecture.components:
        c.serves = [s for s in c.serves if s != "FR-3"]


def _unserved_fr(doc: DesignDoc) -> None:
    for c in doc.architecture.components:
        c.serves = [s for s in c.serves if s != "FR-3"]


def _idle_component(doc: DesignDoc) -> None:
    doc.architecture.components[0].serves = []


def _dangling_link(doc: DesignDoc) -> None:
    doc.architecture.links[0].target = "ghost"


def _cost_not_adding_up(doc: DesignDoc) -> None:
    doc.cost.total_monthly_usd = 700.0


def _cost_item_wrong(doc: DesignDoc) -> None:
    doc.cost.items[0].monthly_usd = 999.0
    doc.cost.total_monthly_usd = sum(i.monthly_usd for i in doc.cost.items)


def _approved_with_blocker(doc: DesignDoc) -> None:
    last = doc.reviews[-1]
    last.findings.append(
        Finding(
            id="R-2",
            rule="budget",
            severity="blocker",
            component=None,
            message="over",
            recommendation="cut",
        )
    )


def _never_approved(doc: DesignDoc) -> None:
    doc.reviews[-1].verdict = "revise"


Case = tuple[str, Callable[[DesignDoc], None] | None, Callable[[str], str] | None, str]

BROKEN: list[Case] = [
    ("sections_present", None, _drop_section, "deep dives"),
    ("mermaid_parses", None, _bad_mermaid, "erDiagram"),
    ("estimates_recompute", _stale_estimate, None, "read_qps_avg"),
    ("estimates_recompute", _stale_input, None, "input read_qps_avg=1"),
    ("capacity_figures", _wrong_capacity, None, "write_qps_avg = 5"),
    ("expected_coverage", _no_cache, None, "memory cache"),
    ("expected_coverage", _no_technique, None, "rate_limiting"),
    ("scope_features", _missing_feature, None, "expir"),
    ("traceability", _unserved_fr, None, "FR-3"),
    ("traceability", _idle_component, None, "lb serves nothing"),
    ("traceability", _dangling_link, None, "ghost"),
    ("cost_adds_up", _cost_not_adding_up, None, "add up"),
    ("cost_adds_up", _cost_item_wrong, None, "API servers"),
    ("review_closed", _approved_with_blocker, None, "open blocker"),
    ("review_closed", _never_approved, None, "revise"),
]


@pytest.mark.parametrize(("check", "break_doc", "break_md", "says"), BROKEN)
def test_each_check_fails_on_its_flaw(
    kb: KnowledgeBase,
    check: str,
    break_doc: Callable[[DesignDoc], None] | None,
    break_md: Callable[[str], str] | None,
    says: str,
) -> None:
    doc = sample_doc()
    markdown = sample_markdown(doc)  # rendered before the break: the md stays consistent
    if break_doc is not None:
        break_doc(doc)
        markdown = sample_markdown(doc)
    if break_md is not None:
        markdown = break_md(markdown)
    result = _check(check, doc, markdown, kb)
    assert not result.passed
    assert result.score < 1
    assert any(says in line for line in result.failures), result.failures


def test_diagram_check_catches_a_node_missing_from_the_table(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    markdown = sample_markdown(doc).replace('  paste_cache["paste cache"]\n', "")
    markdown = markdown.replace("  api --> paste_cache\n", "")
    result = _check("diagram_matches_components", doc, markdown, kb)
    assert not result.passed
    assert result.failures == ["component paste_cache is not in the diagram"]


def test_diagram_check_catches_an_extra_node(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    markdown = sample_markdown(doc).replace(
        "  client --> lb", "  client --> lb\n  api --> audit_log"
    )
    result = _check("diagram_matches_components", doc, markdown, kb)
    assert result.failures == ["diagram node 'audit_log' is not a component"]


def test_diagram_check_catches_a_short_components_table(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    markdown = sample_markdown(doc).replace("| paste_db | PostgreSQL | 3 |\n", "")
    result = _check("diagram_matches_components", doc, markdown, kb)
    assert "component paste_db is not in the components table" in result.failures
    assert "components table has 3 rows for 4 components" in result.failures


def test_checks_with_nothing_expected_are_skipped(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    results = run_checks(doc, sample_markdown(doc), kb, Expectations())
    skipped = {r.check for r in results if r.skipped}
    assert skipped == {"capacity_figures", "expected_coverage", "scope_features"}
    assert all(r.passed for r in results)


def test_synonyms_match_technologies_and_kinds(kb: KnowledgeBase) -> None:
    from evals.checks import component_matches

    redis = sample_doc().architecture.component("paste_cache")
    assert redis is not None
    assert component_matches(redis, "memory cache", kb)
    assert component_matches(redis, "valkey", kb)  # a synonym of Redis itself
    assert component_matches(redis, "kafka | in-memory cache", kb)
    assert not component_matches(redis, "Memcached", kb)  # naming a product demands it
    assert not component_matches(redis, "object storage", kb)


def test_a_crashing_check_is_a_failed_check(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(ci: object) -> CheckResult:
        raise KeyError("x")

    monkeypatch.setitem(CHECKS, "sections_present", boom)
    doc = sample_doc()
    (result,) = run_checks(doc, sample_markdown(doc), kb, only=["sections_present"])
    assert not result.passed
    assert "check crashed: KeyError" in result.failures[0]


def test_components_table_rows_may_name_components_in_code_or_bold(kb: KnowledgeBase) -> None:
    doc = sample_doc()
    markdown = sample_markdown(doc)
    for c in doc.architecture.components:
        markdown = markdown.replace(f"| {c.id} |", f"| **{c.name}** `{c.id}` |")
    assert _check("diagram_matches_components", doc, markdown, kb).passed
    markdown = markdown.replace("**paste db** `paste_db`", "**paste store** `paste_store`")
    assert not _check("diagram_matches_components", doc, markdown, kb).passed
