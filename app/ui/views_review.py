"""The Cost, Review and Run tabs, and the side-by-side view of a revision."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from agents.artefacts import DesignDoc, Finding, Severity
from agents.writer.fmt import usd

from . import icons
from .compare import DesignDiff
from .sanitize import escape_markdown

SEVERITIES: tuple[Severity, ...] = ("blocker", "major", "minor")


def cost_rows(doc: DesignDoc) -> list[dict[str, Any]]:
    """Monthly cost per component, most expensive first, with the running total."""
    names = {c.id: c.name for c in doc.architecture.components}
    totals: dict[str, float] = {}
    for item in doc.cost.items:
        name = names.get(item.component, item.component or "shared")
        totals[name] = totals.get(name, 0.0) + item.monthly_usd
    rows: list[dict[str, Any]] = []
    running = 0.0
    for name, value in sorted(totals.items(), key=lambda kv: -kv[1]):
        running += value
        rows.append({"component": name, "monthly_usd": round(value, 2), "cumulative": running})
    return rows


def cost_chart(doc: DesignDoc) -> Any:
    """Bars of cost by component, the running total as a line, the budget as a rule."""
    rows = cost_rows(doc)
    order = [r["component"] for r in rows]
    data = alt.Data(values=rows)
    y = alt.Y("component:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4C78A8")
        .encode(
            x=alt.X("monthly_usd:Q", title="USD per month"),
            y=y,
            tooltip=[
                alt.Tooltip("component:N"),
                alt.Tooltip("monthly_usd:Q", format="$,.0f", title="monthly"),
                alt.Tooltip("cumulative:Q", format="$,.0f", title="running total"),
            ],
        )
    )
    running = (
        alt.Chart(data)
        .mark_line(point=True, color="#F58518")
        .encode(x="cumulative:Q", y=y, order=alt.Order("cumulative:Q"))
    )
    layers: list[Any] = [bars, running]
    budget = doc.cost.budget_monthly_usd
    if budget:
        rule = alt.Chart(alt.Data(values=[{"budget": budget}])).mark_rule(
            color="#E45756", strokeDash=[6, 4], size=2
        )
        layers.append(rule.encode(x="budget:Q"))
        text = alt.Chart(alt.Data(values=[{"budget": budget, "label": f"budget {usd(budget)}"}]))
        layers.append(
            text.mark_text(align="right", dx=-6, dy=-6, color="#E45756", baseline="bottom").encode(
                x="budget:Q", y=alt.value(0), text="label:N"
            )
        )
    height = max(160, 26 * len(rows))
    return alt.layer(*layers).properties(height=height)


def cost_view(doc: DesignDoc) -> None:
    """Total against the budget, the chart, the bill of materials and the savings levers."""
    cost = doc.cost
    cols = st.columns(3)
    cols[0].metric("Monthly total", usd(cost.total_monthly_usd))
    budget = cost.budget_monthly_usd
    cols[1].metric("Budget", usd(budget) if budget else "none")
    if budget:
        cols[2].metric("Headroom", usd(budget - cost.total_monthly_usd))
    st.altair_chart(cost_chart(doc))
    legend = "Blue bars: cost of each component; orange line: running total"
    if budget:
        legend += "; red dashed line: the budget"
    st.caption(escape_markdown(legend + f". {cost.price_table}"))
    st.markdown("**Bill of materials**")
    st.dataframe(
        [
            {
                "component": i.component or "shared",
                "item": i.item,
                "category": i.category,
                "quantity": round(i.quantity, 2),
                "unit": i.unit,
                "unit price": i.unit_price_usd,
                "monthly USD": round(i.monthly_usd, 2),
                "formula": i.formula,
            }
            for i in cost.items
        ],
        hide_index=True,
    )
    if cost.levers:
        st.markdown("**Savings levers**")
        st.dataframe(
            [
                {
                    "lever": lever.name,
                    "saves USD/month": round(lever.monthly_saving_usd, 2),
                    "what to do": lever.description,
                    "tradeoff": lever.tradeoff,
                }
                for lever in cost.levers
            ],
            hide_index=True,
        )
    if cost.alarms or cost.notes:
        with st.expander("Budget alarms and caveats"):
            for line in [*cost.alarms, *cost.notes]:
                st.markdown("- " + escape_markdown(line))


def finding_markdown(f: Finding) -> str:
    """One finding as a Markdown list item: id, status, rule, component, what, fix."""
    if f.status == "open":
        status = ":red-badge[open]"
    elif f.resolved_in is not None:
        status = f":green-badge[resolved in revision {f.resolved_in}]"
    else:
        status = f":gray-badge[{escape_markdown(f.status)}]"
    where = f" · {escape_markdown(f.component)}" if f.component else ""
    return (
        f"- **{escape_markdown(f.id)}** {status} {escape_markdown(f.rule)}{where}: "
        f"{escape_markdown(f.message)}  \n  *Fix:* {escape_markdown(f.recommendation)}"
    )


def review_view(doc: DesignDoc) -> None:
    """Findings of the last round by severity, every revision's changes, the scorecard."""
    review = doc.review
    if review is None:
        st.info("This design was not reviewed.")
        return
    cols = st.columns(4)
    cols[0].metric("Verdict", review.verdict, help=f"after {len(doc.reviews)} review round(s)")
    for col, severity in zip(cols[1:], SEVERITIES, strict=True):
        col.metric(f"Open {severity}", len(review.open(severity)))
    if review.summary:
        st.markdown(escape_markdown(review.summary))
    for severity in SEVERITIES:
        found = [f for f in review.findings if f.severity == severity]
        if not found:
            continue
        still_open = sum(1 for f in found if f.status == "open")
        label = f"{icons.SEVERITY[severity]} {len(found)} finding(s), {still_open} open"
        with st.expander(label, expanded=still_open > 0):
            st.markdown("\n".join(finding_markdown(f) for f in found))
    st.markdown("**Review rounds and revisions**")
    changes = doc.architecture.changes
    for r in doc.reviews:
        counts = ", ".join(f"{len(r.open(s))} {s}" for s in SEVERITIES)
        st.markdown(escape_markdown(f"Round {r.round}: {r.verdict} (open: {counts})"))
        made = [c for c in changes if c.revision == r.round]
        for change in made:
            st.markdown(
                "- "
                + escape_markdown(f"revision {change.revision} answers {change.finding}")
                + (" (" + escape_markdown(change.rule) + ")" if change.rule else "")
                + ": "
                + escape_markdown(change.description)
            )
    if review.scorecard:
        st.markdown("**Scorecard**")
        st.dataframe(
            [
                {"quality": s.quality, "score (1-5)": s.score, "why": s.note}
                for s in review.scorecard
            ],
            hide_index=True,
        )


def run_view(doc: DesignDoc) -> None:
    """Run id, model, per-role calls, tokens, dollars and time, and any model fallbacks."""
    stats = doc.stats
    cols = st.columns(4)
    cols[0].metric("Model", stats.model)
    cols[1].metric("Seconds", f"{sum(r.seconds for r in stats.roles):.2f}")
    cols[2].metric("Tokens", f"{sum(r.prompt_tokens + r.completion_tokens for r in stats.roles):,}")
    cols[3].metric("Model cost", f"${sum(r.usd for r in stats.roles):.4f}")
    st.dataframe(
        [
            {
                "role": r.role,
                "runs": r.runs,
                "model calls": r.model_calls,
                "cache hits": r.cache_hits,
                "prompt tokens": r.prompt_tokens,
                "completion tokens": r.completion_tokens,
                "USD": round(r.usd, 4),
                "seconds": round(r.seconds, 3),
            }
            for r in stats.roles
        ],
        hide_index=True,
    )
    fallbacks = [f for r in stats.roles for f in r.fallbacks]
    if fallbacks:
        with st.expander(f"{len(fallbacks)} part(s) kept the kernel's draft"):
            for line in fallbacks:
                st.markdown("- " + escape_markdown(line))
    st.caption(
        escape_markdown(
            f"run {stats.run_id or '-'} · {doc.generator} · generated {doc.generated_at or '-'}"
        )
    )


def diff_view(diff: DesignDiff, before_name: str, after_name: str) -> None:
    """Before and after side by side: what changed, then the Markdown diff."""
    left, right = st.columns(2)
    changed = diff.changed or diff.summary[:3]
    with left:
        st.markdown(f"**Before** · {escape_markdown(before_name)}")
        for row in changed:
            st.markdown(f"- {escape_markdown(row.aspect)}: {escape_markdown(row.before)}")
    with right:
        st.markdown(f"**After** · {escape_markdown(after_name)}")
        for row in changed:
            mark = "**" if row.changed else ""
            st.markdown(
                f"- {escape_markdown(row.aspect)}: {mark}{escape_markdown(row.after)}{mark}"
            )
    if diff.components:
        st.dataframe(
            [{"what": r.aspect, "before": r.before, "after": r.after} for r in diff.components],
            hide_index=True,
        )
    with st.expander("Markdown diff"):
        st.code(diff.markdown_diff or "(no textual change)", language="diff", height=480)


__all__ = ["cost_chart", "cost_rows", "cost_view", "diff_view", "review_view", "run_view"]
