"""The design workspace: header, downloads and one tab per view of the DesignDoc.

Views only draw what the artefacts hold; every string a user or a model wrote goes through
`escape_markdown` before it reaches Markdown, and tables go through st.dataframe (plain text).
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from agents.artefacts import Architecture, DesignDoc, Scope
from agents.writer import architecture_diagram, render_html, render_json
from agents.writer.fmt import count, in_unit, number, percent, usd

from . import icons
from .sanitize import adapt_writer_markdown, escape_markdown, split_fences
from .state import DesignEntry
from .views_review import cost_view, review_view, run_view

TAB_NAMES = ["Document", "Capacity", "Components", "Decisions", "Cost", "Review", "Run"]


def file_stem(doc: DesignDoc) -> str:
    """A safe download file name stem from the system name, e.g. 'pastebin-design'."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", doc.scope.system_name).strip("-").lower()
    return f"{stem or 'system'}-design"


def render_design(entry: DesignEntry) -> None:
    """The whole workspace of one design."""
    doc = entry.doc
    st.subheader(escape_markdown(f"Design {entry.number}: {doc.title}"), divider="gray")
    _headline(doc)
    if not doc.complete:
        st.warning(escape_markdown(f"This run stopped early: {doc.incomplete_reason}"))
    _downloads(entry)
    tabs = st.tabs(TAB_NAMES)
    with tabs[0]:
        document_view(entry.markdown)
    with tabs[1]:
        capacity_view(doc.scope)
    with tabs[2]:
        components_view(doc.architecture)
    with tabs[3]:
        decisions_view(doc.architecture)
    with tabs[4]:
        cost_view(doc)
    with tabs[5]:
        review_view(doc)
    with tabs[6]:
        run_view(doc)


def _headline(doc: DesignDoc) -> None:
    arch, cost, review = doc.architecture, doc.cost, doc.review
    cols = st.columns(4)
    cols[0].metric("Components", len(arch.components), help="boxes in the architecture")
    budget = cost.budget_monthly_usd
    delta = None
    if budget:
        share = cost.total_monthly_usd / budget
        delta = f"{share:.0%} of {usd(budget)} budget"
    cols[1].metric(
        "Monthly cost",
        usd(cost.total_monthly_usd),
        delta=delta,
        delta_color="inverse" if budget and cost.total_monthly_usd > budget else "off",
        delta_arrow="off",
    )
    verdict = review.verdict if review else "not reviewed"
    cols[2].metric("Review", verdict, help="approve: no blocker or major finding is open")
    cols[3].metric("Revisions", arch.revision, help="review → revise rounds the crew ran")


def _downloads(entry: DesignEntry) -> None:
    doc = entry.doc
    stem = file_stem(doc)
    files: list[tuple[str, Any, str, str]] = [
        ("Markdown", entry.markdown, "md", "text/markdown"),
        ("HTML", lambda: render_html(doc), "html", "text/html"),
        ("JSON", lambda: render_json(doc), "json", "application/json"),
    ]
    row = st.container(horizontal=True)
    for label, content, ext, mime in files:
        row.download_button(
            label,
            content,
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"dl_{ext}_{entry.number}",
            on_click="ignore",
            icon=icons.DOWNLOAD,
        )


def document_view(markdown: str) -> None:
    """The Markdown document: text as Markdown (tables as tables), diagrams drawn."""
    for kind, text in split_fences(markdown):
        if kind == "markdown":
            st.markdown(adapt_writer_markdown(text))
        elif kind == "mermaid":
            st.mermaid_chart(text)
        else:
            st.code(text, language=kind.removeprefix("code:") or None)


def _inputs(inputs: dict[str, float]) -> str:
    return ", ".join(f"{name} = {number(value)}" for name, value in inputs.items())


def capacity_view(scope: Scope) -> None:
    """The capacity chain: every estimate with its formula and inputs, then the assumptions."""
    st.markdown(escape_markdown(scope.summary))
    st.markdown("**Estimates** — each value is its formula applied to its inputs")
    rows: list[dict[str, Any]] = [
        {
            "estimate": e.label,
            "value": e.display,
            "formula": e.formula,
            "inputs": _inputs(e.inputs),
            "name": e.name,
            "note": e.note,
        }
        for e in scope.estimates
    ]
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "estimate": st.column_config.TextColumn(width="medium"),
            "formula": st.column_config.TextColumn(width="large"),
            "inputs": st.column_config.TextColumn(width="large"),
        },
    )
    st.markdown("**Inputs** — stated by you or assumed (answer the open questions to change them)")
    st.dataframe(
        [
            {
                "input": a.label,
                "value": a.display,
                "source": a.provenance,
                "why": a.why,
                "name": a.name,
            }
            for a in scope.assumptions
        ],
        hide_index=True,
    )
    if scope.non_functional:
        st.markdown("**Targets**")
        st.dataframe(
            [
                {
                    "id": r.id,
                    "metric": r.metric or "",
                    "target": _target(r.target, r.unit),
                    "requirement": r.text,
                    "source": r.provenance,
                }
                for r in scope.non_functional
            ],
            hide_index=True,
        )


def _target(value: float | None, unit: str | None) -> str:
    if value is None:
        return "-"
    return in_unit(value, unit or "")


def components_view(arch: Architecture) -> None:
    """The architecture diagram and one row per component with its sizing."""
    st.mermaid_chart(architecture_diagram(arch))
    st.dataframe(
        [
            {
                "component": c.name,
                "kind": c.kind,
                "technology": c.technology,
                "instances": c.instances,
                "managed": c.managed,
                "availability": percent(round(c.availability * 100, 4)),
                "sizing": c.sizing,
                "mechanisms": ", ".join(f.replace("_", " ") for f in c.features),
                "serves": ", ".join(c.serves),
                "id": c.id,
            }
            for c in arch.components
        ],
        hide_index=True,
        column_config={
            "component": st.column_config.TextColumn(width="medium"),
            "technology": st.column_config.TextColumn(width="medium"),
            "sizing": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        escape_markdown(
            f"{len(arch.components)} components, "
            f"{count(sum(c.instances for c in arch.components))} instances, "
            f"{arch.regions} region{'s' if arch.regions != 1 else ''}"
        )
    )


def decisions_view(arch: Architecture) -> None:
    """Each technology decision with its weighted tradeoff table."""
    if not arch.decisions:
        st.info("No technology decisions were recorded for this design.")
    for decision in arch.decisions:
        title = f"{decision.id}: {decision.topic} → {decision.chosen}"
        with st.expander(escape_markdown(title), expanded=decision is arch.decisions[0]):
            st.markdown(escape_markdown(decision.rationale))
            weights = {c.name: c.weight for c in decision.criteria}
            rows: list[dict[str, Any]] = []
            for option in decision.options:
                row: dict[str, Any] = {
                    "option": ("✓ " if option.name == decision.chosen else "") + option.name,
                    "weighted": round(option.weighted, 2),
                }
                for name, weight in weights.items():
                    row[f"{name} ({weight:.2f})"] = option.scores.get(name)
                row["note"] = option.note
                rows.append(row)
            st.dataframe(rows, hide_index=True)
            st.caption(
                escape_markdown("Scores 1-5 (5 is best; cost 5 = cheapest). ") + _why(decision)
            )
            if decision.sensitivity:
                st.markdown(escape_markdown(f"Sensitivity: {decision.sensitivity}"))


def _why(decision: Any) -> str:
    reasons = "; ".join(f"{c.name} {c.weight:.2f}: {c.why}" for c in decision.criteria)
    return escape_markdown(f"Weights: {reasons}")


__all__ = [
    "TAB_NAMES",
    "capacity_view",
    "components_view",
    "decisions_view",
    "document_view",
    "file_stem",
    "render_design",
]
