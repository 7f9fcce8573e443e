"""The whole document as blocks: the nine sections, in order, plus the header and run stats."""

from __future__ import annotations

from agents.artefacts import DesignDoc, WrapUp

from .blocks import Block, Heading, assign_anchors
from .sections_design import (
    decision_section,
    deep_dive_section,
    design_section,
    flow_section,
    sized_by,
)
from .sections_quality import quality_section, review_section, run_section, wrap_up_section
from .sections_scope import capacity_section, header, scope_section
from .wrap_up import wrap_up


def effective_wrap_up(doc: DesignDoc) -> WrapUp:
    """The document's wrap-up, computed from the artefacts when the run left it empty."""
    w = doc.wrap_up
    if w.risks or w.limits or w.roadmap:
        return w
    return wrap_up(doc.scope, doc.architecture, doc.cost, doc.review)


def document_blocks(doc: DesignDoc) -> list[Block]:
    """Every block of the document, headings anchored."""
    arch, scope = doc.architecture, doc.scope
    blocks: list[Block] = [
        *header(doc),
        *scope_section(scope),
        *capacity_section(scope, sized_by(arch)),
        *design_section(arch, scope),
        *flow_section(arch),
        *deep_dive_section(arch),
        *decision_section(arch),
        *quality_section(doc),
        *review_section(doc),
        *wrap_up_section(effective_wrap_up(doc)),
        *run_section(doc),
    ]
    assign_anchors(blocks)
    return blocks


def contents(blocks: list[Block]) -> list[tuple[Heading, list[Heading]]]:
    """Level-2 headings, each with its level-3 headings, for a table of contents."""
    toc: list[tuple[Heading, list[Heading]]] = []
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2:
                toc.append((block, []))
            elif block.level == 3 and toc:
                toc[-1][1].append(block)
    return toc
