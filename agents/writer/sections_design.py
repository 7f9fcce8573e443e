"""Sections 3 (High-level design), 4 (Data flow), 5 (Deep dives) and 6 (Decisions)."""

from __future__ import annotations

from agents.artefacts import Architecture, Component, Decision, Scope
from agents.regions import CROSS_REGION_FEATURE, is_global, is_steering, replication_mode

from .analysis import criterion_score, decision_margin, recomputed_weight
from .blocks import (
    Block,
    Bullets,
    Callout,
    Code,
    Diagram,
    Heading,
    Inline,
    Para,
    Rich,
    Table,
    b,
    code,
)
from .diagrams import architecture_diagram, er_diagram, sequence_diagram
from .sections_scope import SECTION_TITLES

_LEGEND = (
    "Generated from the components table: cylinders are data stores, rounded boxes caches, "
    "double-edged boxes queues, hexagons the edge (CDN, load balancer, gateways), slanted boxes "
    "background workers; solid arrows are synchronous calls, dashed arrows asynchronous."
)


def _lang(text: str) -> str:
    return "json" if text.lstrip()[:1] in ("{", "[") else ""


def _component_cell(c: Component) -> list[Inline]:
    return [b(c.name), " ", code(c.id)]


def _serves_cell(c: Component, scope: Scope) -> str:
    parts = [", ".join(c.serves)] if c.serves else []
    for name in c.estimates:
        est = scope.estimate(name)
        parts.append(f"{name} = {est.display}" if est else name)
    return "; ".join(parts) or "—"


def _responsibility_cell(c: Component) -> list[Inline]:
    cell: list[Inline] = [c.responsibility]
    if c.features:
        cell.append("\nMechanisms: ")
        for n, feature in enumerate(c.features):
            cell += [", "] if n else []
            cell.append(code(feature))
    return cell


def _instances_cell(c: Component, regions: int = 1) -> str:
    where = ""
    if regions > 1:
        where = ", global" if is_global(c) else f" per region (×{regions})"
    if c.managed and c.instances == 0:
        return "managed" + where
    text = str(c.instances)
    if c.stateful and c.replication > 1:
        text += f" (RF {c.replication})"
    return text + (", managed" if c.managed else "") + where


def _regions_para(arch: Architecture) -> Para | None:
    """One line on the deployment: how many regions, what steers between them."""
    if arch.regions <= 1:
        return None
    steering = [c for c in arch.components if is_steering(c)]
    replicated = [c.id for c in arch.components if CROSS_REGION_FEATURE in c.features]
    front = (
        f" behind {steering[0].name} ({steering[0].technology})"
        if steering
        else " (no global traffic steering yet)"
    )
    return Para(
        [
            b("Regions: "),
            f"active-active in {arch.regions} regions{front}. Every regional component runs in "
            "each region, sized for the full peak so one region carries all traffic when "
            "another fails; instance counts below are per region."
            + (f" Replicated across regions: {', '.join(replicated)}." if replicated else ""),
        ]
    )


def design_section(arch: Architecture, scope: Scope) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[2])]
    blocks.append(
        Para(
            f"{len(arch.components)} components, {len(arch.links)} links, "
            f"{len(arch.endpoints)} API operations, {len(arch.entities)} entities"
            + (f"; revision {arch.revision} of the design." if arch.revision else ".")
        )
    )
    regions = _regions_para(arch)
    if regions is not None:
        blocks.append(regions)
    blocks.append(Diagram(architecture_diagram(arch), "Architecture"))
    blocks.append(Para(_LEGEND))
    blocks.append(Heading(3, "Components"))
    blocks.append(
        Table(
            ["component", "responsibility", "technology", "instances", "sizing", "serves"],
            [
                [
                    _component_cell(c),
                    _responsibility_cell(c),
                    c.technology,
                    _instances_cell(c, arch.regions),
                    c.sizing,
                    _serves_cell(c, scope),
                ]
                for c in arch.components
            ],
            align=["l", "l", "l", "r", "l", "l"],
        )
    )
    served = {r for c in arch.components for r in c.serves}
    unserved = [r.id for r in scope.functional if r.id not in served]
    if unserved:
        blocks.append(
            Callout("warning", [b("Not served by any component: "), ", ".join(unserved), "."])
        )
    blocks += _api_blocks(arch)
    blocks += _data_model_blocks(arch)
    return blocks


def _api_blocks(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(3, "API")]
    if not arch.endpoints:
        return [*blocks, Para("No API operations were defined.")]
    blocks.append(
        Table(
            ["method", "path", "purpose", "serves", "handled by"],
            [
                [
                    b(e.method),
                    [code(e.path)],
                    e.purpose,
                    ", ".join(e.serves) or "—",
                    _name(arch, e.component),
                ]
                for e in arch.endpoints
            ],
        )
    )
    examples = [e for e in arch.endpoints if e.request or e.response]
    if examples:
        blocks.append(Para("Examples: the request line and body, then the response."))
    for e in examples:
        parts = [f"{e.method} {e.path}"]
        if e.request:
            parts.append(e.request)
        if e.response:
            parts += ["", e.response]
        blocks.append(Code("\n".join(parts), "http"))
    return blocks


def _name(arch: Architecture, component_id: str) -> str:
    comp = arch.component(component_id)
    return comp.name if comp else component_id


def _data_model_blocks(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Data model")]
    if not arch.entities:
        return [*blocks, Para("No entities were defined.")]
    blocks.append(Diagram(er_diagram(arch), "Data model"))
    rows: list[list[Rich]] = []
    for e in arch.entities:
        fields = ", ".join(f"{f.name} ({f.key})" if f.key else f.name for f in e.fields)
        size = f"{e.bytes_per_record:,} B" if e.bytes_per_record else "—"
        rows.append([b(e.name), _name(arch, e.store), e.partition_key or "—", size, fields])
    blocks.append(
        Table(
            ["entity", "store", "partition key", "record size", "fields"],
            rows,
            align=["l", "l", "l", "r", "l"],
        )
    )
    replicated = [c for c in arch.components if CROSS_REGION_FEATURE in c.features]
    if arch.regions > 1 and replicated:
        blocks.append(Para(b(f"Replication across the {arch.regions} regions:")))
        blocks.append(
            Bullets(
                [
                    f"{c.name} ({c.technology}): {replication_mode(c).mode}; writes go to "
                    f"{replication_mode(c).writes}; RPO {replication_mode(c).rpo}."
                    for c in replicated
                ]
            )
        )
    return blocks


def flow_section(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[3])]
    if not arch.flows:
        return [*blocks, Para("No flows were traced.")]
    blocks.append(
        Para("One concrete example traced hop by hop through each path; replies are dashed.")
    )
    for flow in arch.flows:
        blocks.append(Heading(3, f"{flow.path.capitalize()} path: {flow.name}"))
        if flow.example:
            blocks.append(Para(b("Example payload:")))
            blocks.append(Code(flow.example, _lang(flow.example)))
        blocks.append(Diagram(sequence_diagram(flow, arch), f"{flow.path} path: {flow.name}"))
    return blocks


def deep_dive_section(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[4])]
    if not arch.deep_dives:
        return [*blocks, Para("No deep dives were written.")]
    for dd in arch.deep_dives:
        blocks.append(Heading(3, dd.title))
        blocks.append(Para([b("Why it is hard here. "), dd.problem]))
        blocks.append(Para([b("Mechanism. "), dd.mechanism]))
        if dd.options:
            blocks.append(Para(b("Options considered:")))
            blocks.append(Bullets(list(dd.options)))
        blocks.append(Para([b("Tradeoff. "), dd.tradeoff]))
        if dd.failure_modes:
            blocks.append(Para(b("How it fails:")))
            blocks.append(Bullets(list(dd.failure_modes)))
        if dd.components:
            names = ", ".join(_name(arch, c) for c in dd.components)
            blocks.append(Para([b("Components: "), names]))
    return blocks


def decision_section(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[5])]
    if not arch.decisions:
        return [*blocks, Para("No technology decisions were recorded.")]
    blocks.append(
        Para(
            "Each option is scored 1–5 per criterion (5 is best; for ops burden and cost, 5 is "
            "easiest and cheapest). The weights come from the requirements; weighted = Σ weight × "
            "score. The chosen option is in bold."
        )
    )
    for d in arch.decisions:
        blocks += _decision_blocks(arch, d)
    return blocks


def _decision_blocks(arch: Architecture, d: Decision) -> list[Block]:
    blocks: list[Block] = [Heading(3, f"{d.id}: {d.topic}")]
    blocks.append(
        Para(
            [
                b("Applies to: "),
                _name(arch, d.component),
                ". ",
                b("Weights: "),
                "; ".join(f"{c.name} {c.weight:.2f} ({c.why})" for c in d.criteria),
            ]
        )
    )
    headers: list[Rich] = ["option"]
    headers += [f"{c.name} ({c.weight:.2f})" for c in d.criteria]
    headers += ["weighted", "note"]
    rows: list[list[Rich]] = []
    mismatches = []
    for opt in d.options:
        chosen = opt.name == d.chosen
        scores: list[Rich] = []
        for c in d.criteria:
            score = criterion_score(opt, c.name)
            scores.append("—" if score is None else str(score))
        weighted = f"{opt.weighted:.2f}"
        rows.append(
            [
                b(opt.name) if chosen else opt.name,
                *scores,
                b(weighted) if chosen else weighted,
                opt.note or "—",
            ]
        )
        check = recomputed_weight(d, opt)
        if check is not None and abs(check - opt.weighted) > 0.05:
            mismatches.append(f"{opt.name}: recorded {opt.weighted:.2f}, recomputed {check:.2f}")
    blocks.append(Table(headers, rows, align=["l"] + ["r"] * (len(d.criteria) + 1) + ["l"]))
    if mismatches:
        blocks.append(
            Callout("warning", [b("Weighted scores do not recompute: "), "; ".join(mismatches)])
        )
    blocks.append(Para([b("Chosen: "), d.chosen, " — ", d.rationale]))
    margin = decision_margin(d)
    lead = margin.points if margin else None
    if margin and margin.runner_up and lead is not None:
        rival = margin.runner_up
        if lead < 0:
            note = (
                f"{rival.name} scores higher ({rival.weighted:.2f} vs "
                f"{margin.chosen.weighted:.2f}); the rationale above is why it was not chosen."
            )
        else:
            note = f"Leads {rival.name}, the runner-up, by {lead:.2f} points" + (
                " — a close call." if lead < 0.25 else "."
            )
        rejected = ", ".join(o.name for o in d.options if o.name != d.chosen)
        blocks.append(Para([b("Margin: "), note, " ", b("Rejected: "), rejected + "."]))
    if d.sensitivity:
        blocks.append(Para([b("Sensitivity: "), d.sensitivity]))
    return blocks


def sized_by(arch: Architecture) -> dict[str, list[str]]:
    """Estimate name -> names of the components it sizes."""
    out: dict[str, list[str]] = {}
    for c in arch.components:
        for name in c.estimates:
            out.setdefault(name, []).append(c.name)
    return out


def bullets_or(items: list[str], empty: str) -> Block:
    """A bulleted list, or a paragraph saying the list is empty."""
    return Bullets(list(items)) if items else Para(empty)
