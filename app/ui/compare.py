"""What changed between two designs: the side-by-side rows the revision view shows.

Pure functions over two DesignDocs (no Streamlit), so they are tested on their own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from agents.artefacts import DesignDoc
from agents.writer.fmt import count, usd


@dataclass(frozen=True)
class Row:
    """One compared aspect: its name, the value before and after, and whether it changed."""

    aspect: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        """Whether before and after differ."""
        return self.before != self.after


@dataclass(frozen=True)
class DesignDiff:
    """Summary rows, per-component changes and the unified diff of the Markdown."""

    summary: list[Row]
    components: list[Row] = field(default_factory=list)
    markdown_diff: str = ""

    @property
    def changed(self) -> list[Row]:
        """Only the summary rows that changed."""
        return [r for r in self.summary if r.changed]


def _budget(doc: DesignDoc) -> str:
    budget = doc.cost.budget_monthly_usd
    return f"{usd(budget)}/month" if budget else "none"


def _within(doc: DesignDoc) -> str:
    within = doc.cost.within_budget
    return "no budget" if within is None else ("yes" if within else "no")


def _verdict(doc: DesignDoc) -> str:
    review = doc.review
    if review is None:
        return "not reviewed"
    return f"{review.verdict} (round {review.round})"


def _open_findings(doc: DesignDoc) -> str:
    review = doc.review
    if review is None:
        return "-"
    counts = [len(review.open(s)) for s in ("blocker", "major", "minor")]
    return f"{counts[0]} blocker, {counts[1]} major, {counts[2]} minor"


def summary_rows(before: DesignDoc, after: DesignDoc) -> list[Row]:
    """Cost, budget, verdict, size and load of the two designs."""

    def row(aspect: str, fn: Callable[[DesignDoc], str]) -> Row:
        return Row(aspect, fn(before), fn(after))

    return [
        row("monthly cost", lambda d: f"{usd(d.cost.total_monthly_usd)}/month"),
        row("budget", _budget),
        row("within budget", _within),
        row("review verdict", _verdict),
        row("open findings", _open_findings),
        row("components", lambda d: str(len(d.architecture.components))),
        row("instances", lambda d: str(sum(c.instances for c in d.architecture.components))),
        row("regions", lambda d: str(d.architecture.regions)),
        row("daily active users", lambda d: count(d.scope.value("dau"))),
        row("peak write rate", lambda d: f"{count(d.scope.value('write_qps_peak'))}/s"),
        row("peak read rate", lambda d: f"{count(d.scope.value('read_qps_peak'))}/s"),
    ]


def _cost_by_component(doc: DesignDoc) -> dict[str, float]:
    totals: dict[str, float] = {}
    for item in doc.cost.items:
        totals[item.component] = totals.get(item.component, 0.0) + item.monthly_usd
    return totals


def component_rows(before: DesignDoc, after: DesignDoc) -> list[Row]:
    """Components added or removed, and technology, instance and cost changes of the others."""
    old = {c.id: c for c in before.architecture.components}
    new = {c.id: c for c in after.architecture.components}
    old_cost, new_cost = _cost_by_component(before), _cost_by_component(after)
    rows: list[Row] = []
    for cid, comp in new.items():
        if cid not in old:
            rows.append(Row(f"{comp.name}: added", "-", f"{comp.technology} ×{comp.instances}"))
    for cid, comp in old.items():
        if cid not in new:
            rows.append(Row(f"{comp.name}: removed", f"{comp.technology} ×{comp.instances}", "-"))
    for cid, comp in new.items():
        prev = old.get(cid)
        if prev is None:
            continue
        if prev.technology != comp.technology:
            rows.append(Row(f"{comp.name}: technology", prev.technology, comp.technology))
        if prev.instances != comp.instances:
            rows.append(Row(f"{comp.name}: instances", str(prev.instances), str(comp.instances)))
        added = sorted(set(comp.features) - set(prev.features))
        if added:
            rows.append(Row(f"{comp.name}: mechanisms", "-", "+ " + ", ".join(added)))
        a, b = old_cost.get(cid, 0.0), new_cost.get(cid, 0.0)
        if abs(a - b) >= 0.5:
            rows.append(Row(f"{comp.name}: cost", f"{usd(a)}/month", f"{usd(b)}/month"))
    return rows


def markdown_diff(before: str, after: str, before_name: str, after_name: str) -> str:
    """Unified diff of the two Markdown documents (3 lines of context)."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), before_name, after_name, lineterm="", n=3
    )
    return "\n".join(lines)


def compare_designs(
    before: DesignDoc,
    after: DesignDoc,
    before_markdown: str = "",
    after_markdown: str = "",
    names: tuple[str, str] = ("before.md", "after.md"),
) -> DesignDiff:
    """Everything the revision view shows about `before` -> `after`."""
    return DesignDiff(
        summary=summary_rows(before, after),
        components=component_rows(before, after),
        markdown_diff=markdown_diff(before_markdown, after_markdown, *names),
    )


__all__ = ["DesignDiff", "Row", "compare_designs", "component_rows", "summary_rows"]
