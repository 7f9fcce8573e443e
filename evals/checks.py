"""Deterministic checks of a design document: no model, same answer every time.

Each check takes a `CheckInput` (the document, its Markdown, the case's expectations and the
knowledge base) and returns a `CheckResult` with the share of items that passed and a line per
failure. A check with nothing to check (e.g. no capacity figures expected) is *skipped*, and
skipped checks do not count in pass rates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from agents.artefacts import Architecture, Component, DesignDoc
from agents.formula import evaluate
from agents.kb import KnowledgeBase

from .cases import Expectations
from .markdown import flowchart_nodes, headings, mermaid_blocks, normalise, tables


class CheckResult(BaseModel):
    """The outcome of one check on one design."""

    check: str = Field(description="Check id, e.g. 'mermaid_parses'.")
    passed: bool = Field(description="Whether every item passed (skipped checks pass).")
    score: float = Field(ge=0, le=1, description="Share of items that passed.")
    checked: int = Field(default=0, description="Items checked.")
    failures: list[str] = Field(default_factory=list, description="One line per failure.")
    skipped: bool = Field(default=False, description="Nothing to check for this design.")


@dataclass
class CheckInput:
    """What every check may look at."""

    doc: DesignDoc
    markdown: str
    kb: KnowledgeBase
    expect: Expectations = field(default_factory=Expectations)


Check = Callable[[CheckInput], CheckResult]


def _result(check: str, checked: int, failures: list[str]) -> CheckResult:
    if checked == 0:
        return CheckResult(check=check, passed=True, score=1.0, skipped=True)
    passed_items = max(checked - len(failures), 0)
    return CheckResult(
        check=check,
        passed=not failures,
        score=passed_items / checked,
        checked=checked,
        failures=failures,
    )


def _close(actual: float, expected: float, rel: float = 1e-6, abs_tol: float = 1e-9) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_tol)


# --- sections ---------------------------------------------------------------------------------

# The nine parts of the document (DESIGN.md), each recognised by any of its heading patterns.
SECTIONS: dict[str, str] = {
    "scope": r"\bscope\b|requirements",
    "capacity": r"capacity|estimat",
    "high-level design": r"high[- ]level|architecture|components",
    "data flow": r"data flow|flows?\b|request path|write path|read path",
    "deep dives": r"deep[- ]dives?",
    "decisions": r"decisions?|trade-?offs?",
    "qualities": r"qualit|resilien|failure modes",
    "review": r"review",
    "wrap-up": r"wrap[- ]?up|risks|roadmap",
}


def check_sections(ci: CheckInput) -> CheckResult:
    """Every section of the document is present as a heading."""
    texts = [h.text.lower() for h in headings(ci.markdown) if h.level <= 3]
    failures = [
        f"section '{name}' missing (no heading matching /{pattern}/)"
        for name, pattern in SECTIONS.items()
        if not any(re.search(pattern, t) for t in texts)
    ]
    return _result("sections_present", len(SECTIONS), failures)


# --- mermaid ----------------------------------------------------------------------------------

REQUIRED_DIAGRAMS = ("flowchart", "sequenceDiagram", "erDiagram")


def check_mermaid(ci: CheckInput) -> CheckResult:
    """Every Mermaid block parses with the real parser; the three diagram kinds are there."""
    from agents import mermaid

    # validate = mermaid.js's own parser (GitHub's renderer), without laying diagrams out
    parse = mermaid.validate
    blocks = mermaid_blocks(ci.markdown)
    failures: list[str] = []
    for block in blocks:
        try:
            parse(block.source)
        except mermaid.MermaidSyntaxError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
            failures.append(f"{block.kind or 'diagram'} at line {block.line}: {first[:160]}")
    kinds = {b.kind for b in blocks}
    failures += [f"no {kind} diagram" for kind in REQUIRED_DIAGRAMS if kind not in kinds]
    return _result("mermaid_parses", len(blocks) + len(REQUIRED_DIAGRAMS), failures)


# --- estimates --------------------------------------------------------------------------------


def check_estimates(ci: CheckInput) -> CheckResult:
    """Every estimate recomputes from its formula and inputs, and its inputs are the values
    the assumptions and earlier estimates actually have (no stale numbers)."""
    scope = ci.doc.scope
    known: dict[str, float] = {a.name: a.value for a in scope.assumptions}
    failures: list[str] = []
    for est in scope.estimates:
        try:
            value = evaluate(est.formula, est.inputs)
        except ValueError as exc:
            failures.append(f"{est.name}: formula does not evaluate: {exc}")
            known[est.name] = est.value
            continue
        problems: list[str] = []
        if not _close(value, est.value, rel=1e-6, abs_tol=1e-6):
            problems.append(f"{est.formula} = {value:g}, not {est.value:g}")
        for name, used in est.inputs.items():
            if name in known and not _close(used, known[name], rel=1e-6, abs_tol=1e-9):
                problems.append(f"input {name}={used:g} but it is {known[name]:g}")
        if problems:
            failures.append(f"{est.name}: " + "; ".join(problems))
        known[est.name] = est.value
    return _result("estimates_recompute", len(scope.estimates), failures)


def check_capacity(ci: CheckInput) -> CheckResult:
    """The capacity figures the case expects are present, within tolerance."""
    failures: list[str] = []
    for name, want in ci.expect.capacity.items():
        est = ci.doc.scope.estimate(name)
        if est is None:
            failures.append(f"{name}: missing (expected {want.describe()})")
        elif not want.accepts(est.value):
            failures.append(f"{name} = {est.value:g} ({est.display}), expected {want.describe()}")
    return _result("capacity_figures", len(ci.expect.capacity), failures)


# --- coverage ---------------------------------------------------------------------------------


def _alternatives(term: str) -> list[str]:
    return [t.strip() for t in term.split("|") if t.strip()]


def component_matches(component: Component, term: str, kb: KnowledgeBase) -> bool:
    """Whether the component is (a synonym of) `term`: its kind, technology or name."""
    for alternative in _alternatives(term):
        names = kb.synonyms(alternative)
        own = {component.kind.lower(), component.technology.lower(), component.name.lower()}
        own |= kb.synonyms(component.technology)
        if names & own:
            return True
    return False


def _key(text: str) -> str:
    return normalise(text)


def effective_features(component: Component, kb: KnowledgeBase) -> set[str]:
    """The component's features plus those its technology provides out of the box."""
    from agents.cost.load import option_for

    option = option_for(component, kb)
    return set(component.features) | set(option.features if option else [])


def technique_present(arch: Architecture, term: str, kb: KnowledgeBase) -> bool:
    """Whether a mechanism is in the design: a component feature, a pattern applied, or a deep
    dive (by id or title)."""
    for alternative in _alternatives(term):
        key = _key(alternative)
        keys = {key}
        pattern = kb.patterns.get(key)
        if pattern is not None:
            keys.add(_key(pattern.name))
        features = {_key(f) for c in arch.components for f in effective_features(c, kb)}
        patterns = {_key(p) for p in arch.patterns}
        dives = {_key(d.id) for d in arch.deep_dives} | {_key(d.title) for d in arch.deep_dives}
        if keys & (features | patterns | dives):
            return True
        if any(key in title for title in dives):
            return True
    return False


def check_coverage(ci: CheckInput) -> CheckResult:
    """The components and techniques a good design for this case contains are there."""
    arch = ci.doc.architecture
    failures = [
        f"no component is a '{term}' (synonyms: {', '.join(sorted(ci.kb.synonyms(term))[:6])})"
        for term in ci.expect.components
        if not any(component_matches(c, term, ci.kb) for c in arch.components)
    ]
    failures += [
        f"technique '{term}' not found in features, patterns or deep dives"
        for term in ci.expect.techniques
        if not technique_present(arch, term, ci.kb)
    ]
    return _result(
        "expected_coverage", len(ci.expect.components) + len(ci.expect.techniques), failures
    )


def check_features(ci: CheckInput) -> CheckResult:
    """The in-scope features the case names are among the functional requirements."""
    texts = [r.text.lower() for r in ci.doc.scope.functional]
    failures = []
    for keyword in ci.expect.features:
        patterns = [r"\b" + re.escape(k.lower()) for k in _alternatives(keyword)]
        if not any(re.search(p, t) for p in patterns for t in texts):
            failures.append(f"no functional requirement mentions '{keyword}'")
    return _result("scope_features", len(ci.expect.features), failures)


# --- traceability -----------------------------------------------------------------------------


def check_traceability(ci: CheckInput) -> CheckResult:
    """Every FR is served by a component, every component serves something, and every link,
    endpoint, entity and flow names components that exist."""
    scope, arch = ci.doc.scope, ci.doc.architecture
    req_ids = {r.id for r in scope.functional} | {r.id for r in scope.non_functional}
    comp_ids = {c.id for c in arch.components}
    served = {rid for c in arch.components for rid in c.serves}
    failures = [
        f"{r.id} ({r.text[:60]}) is served by no component"
        for r in scope.functional
        if r.id not in served
    ]
    failures += [f"component {c.id} serves nothing" for c in arch.components if not c.serves]
    failures += [
        f"component {c.id} serves unknown {rid}"
        for c in arch.components
        for rid in c.serves
        if rid not in req_ids
    ]
    refs: list[tuple[str, str]] = []
    refs += [
        (f"link {lk.source}->{lk.target}", end)
        for lk in arch.links
        for end in (lk.source, lk.target)
    ]
    refs += [(f"endpoint {e.method} {e.path}", e.component) for e in arch.endpoints]
    refs += [(f"entity {e.name}", e.store) for e in arch.entities]
    actors = {"client", "user", "users", "clients"}
    refs += [
        (f"flow '{f.name}'", end)
        for f in arch.flows
        for s in f.steps
        for end in (s.source, s.target)
        if end not in actors
    ]
    failures += [
        f"{what} names unknown component '{cid}'" for what, cid in refs if cid not in comp_ids
    ]
    checked = len(scope.functional) + 2 * len(arch.components) + len(refs)
    return _result("traceability", checked, failures)


# --- cost -------------------------------------------------------------------------------------


def check_cost(ci: CheckInput) -> CheckResult:
    """Cost items are quantity x unit price, they add up to the total, and the budget flag
    agrees with the total."""
    cost = ci.doc.cost
    comp_ids = {c.id for c in ci.doc.architecture.components}
    failures: list[str] = []
    for item in cost.items:
        expected = item.quantity * item.unit_price_usd
        if not math.isclose(item.monthly_usd, expected, rel_tol=1e-3, abs_tol=0.05):
            failures.append(
                f"{item.item}: {item.quantity:g} x ${item.unit_price_usd:g} = "
                f"${expected:,.2f}, not ${item.monthly_usd:,.2f}"
            )
        if item.component and item.component not in comp_ids:
            failures.append(f"{item.item}: unknown component '{item.component}'")
    total = sum(i.monthly_usd for i in cost.items)
    if not math.isclose(total, cost.total_monthly_usd, rel_tol=1e-3, abs_tol=0.5):
        failures.append(
            f"items add up to ${total:,.2f}, the total says ${cost.total_monthly_usd:,.2f}"
        )
    budget = cost.budget_monthly_usd
    over = budget is not None and cost.total_monthly_usd > budget + 1e-9
    if budget is not None and cost.within_budget is not None and cost.within_budget == over:
        failures.append(
            f"within_budget={cost.within_budget} but total "
            f"${cost.total_monthly_usd:,.0f} vs budget ${budget:,.0f}"
        )
    return _result("cost_adds_up", len(cost.items) + 2, failures)


# --- review -----------------------------------------------------------------------------------


def check_review(ci: CheckInput) -> CheckResult:
    """The review loop closed: the last round approves, its verdict agrees with its findings,
    and no blocker is left open."""
    review = ci.doc.review
    if review is None:
        return _result("review_closed", 1, ["no review round"])
    failures: list[str] = []
    blockers = review.open("blocker")
    serious = review.open("blocker", "major")
    if review.verdict == "approve" and serious:
        failures.append(
            f"approved with {len(serious)} open blocker/major finding(s): "
            + ", ".join(f"{f.id} {f.rule}" for f in serious[:5])
        )
    if review.verdict == "revise":
        failures.append(f"final verdict is 'revise' after {len(ci.doc.reviews)} round(s)")
    failures += [f"open blocker {f.id} ({f.rule} on {f.component or '-'})" for f in blockers]
    return _result("review_closed", 2 + len(blockers), failures)


# --- diagram vs components table --------------------------------------------------------------

ACTOR_NODES = {"client", "clients", "user", "users", "browser", "mobile", "internet", "web"}


def _node_keys(arch: Architecture) -> dict[str, set[str]]:
    """Component id -> the node ids it may have in the diagram: its own id, or the id the
    writer's diagram generator gives it (e.g. 'c_paste_db')."""
    keys = {c.id: {normalise(c.id)} for c in arch.components}
    try:
        from agents.writer.diagrams import component_ids
    except ImportError:  # a document scored without the writer installed
        return keys
    for cid, node in component_ids(arch).items():
        keys.setdefault(cid, set()).add(normalise(node))
    return keys


def _components_table(markdown: str) -> list[list[str]] | None:
    for table in tables(markdown):
        header = [normalise(c) for c in table[0]]
        if header and "component" in header[0] and len(table) > 1:
            return table[1:]
    return None


def _cell_keys(row: list[str]) -> set[str]:
    """What a table row may name a component by: a whole cell, or a `code` or **bold** span
    inside one (e.g. '**load balancer** `lb`')."""
    keys: set[str] = set()
    for cell in row:
        keys.add(normalise(cell))
        for code, bold in re.findall(r"`([^`]+)`|\*\*([^*]+)\*\*", cell):
            keys.add(normalise(code or bold))
    return keys


def check_diagram_matches(ci: CheckInput) -> CheckResult:
    """The architecture diagram's nodes are exactly the components of the components table."""
    comps = ci.doc.architecture.components
    node_keys = _node_keys(ci.doc.architecture)
    failures: list[str] = []
    flows = [b for b in mermaid_blocks(ci.markdown) if b.kind == "flowchart"]
    if not flows:
        return _result("diagram_matches_components", 1, ["no architecture flowchart"])
    nodes = {normalise(n) for n in flowchart_nodes(flows[0].source)}
    failures += [
        f"component {c.id} is not in the diagram" for c in comps if not node_keys[c.id] & nodes
    ]
    known = set().union(*node_keys.values()) if node_keys else set()
    failures += [
        f"diagram node '{n}' is not a component" for n in sorted(nodes - known - ACTOR_NODES)
    ]
    rows = _components_table(ci.markdown)
    if rows is None:
        failures.append("no components table (a table whose first column is 'component')")
    else:
        row_keys = [_cell_keys(row) for row in rows]
        failures += [
            f"component {c.id} is not in the components table"
            for c in comps
            if not any({normalise(c.id), normalise(c.name)} & keys for keys in row_keys)
        ]
        if len(rows) != len(comps):
            failures.append(f"components table has {len(rows)} rows for {len(comps)} components")
    return _result("diagram_matches_components", 2 * len(comps) + 2, failures)


CHECKS: dict[str, Check] = {
    "sections_present": check_sections,
    "mermaid_parses": check_mermaid,
    "estimates_recompute": check_estimates,
    "capacity_figures": check_capacity,
    "expected_coverage": check_coverage,
    "scope_features": check_features,
    "traceability": check_traceability,
    "cost_adds_up": check_cost,
    "review_closed": check_review,
    "diagram_matches_components": check_diagram_matches,
}


def run_checks(
    doc: DesignDoc,
    markdown: str,
    kb: KnowledgeBase,
    expect: Expectations | None = None,
    *,
    only: list[str] | None = None,
) -> list[CheckResult]:
    """Every check (or the named ones) on one design; a crashing check is a failed check."""
    ci = CheckInput(doc=doc, markdown=markdown, kb=kb, expect=expect or Expectations())
    results: list[CheckResult] = []
    for name, check in CHECKS.items():
        if only is not None and name not in only:
            continue
        try:
            results.append(check(ci))
        except Exception as exc:  # a malformed document must not stop the other checks
            results.append(
                CheckResult(
                    check=name,
                    passed=False,
                    score=0.0,
                    checked=1,
                    failures=[f"check crashed: {type(exc).__name__}: {exc}"],
                )
            )
    return results


def deterministic_score(results: list[CheckResult]) -> float:
    """0..100: the share of non-skipped checks that passed."""
    counted = [r for r in results if not r.skipped]
    if not counted:
        return 100.0
    return 100.0 * sum(r.passed for r in counted) / len(counted)


def as_json(results: list[CheckResult]) -> list[dict[str, Any]]:
    """The results as plain JSON data."""
    return [r.model_dump(mode="json") for r in results]
