"""Every example requirement file yields a complete, valid, system-specific design."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from helpers import EXAMPLES

from agents.api import run_design
from agents.artefacts import DesignDoc
from agents.formula import evaluate
from agents.mermaid import validate
from agents.requirements import read_requirements
from agents.settings import Settings
from agents.writer import render_markdown

SECTIONS = (
    "Scope",
    "Capacity estimates",
    "High-level design",
    "Data flow",
    "Deep dives",
    "Decisions",
    "Qualities",
    "Review",
    "Wrap-up",
)


@cache
def _design(path: Path, home: Path) -> DesignDoc:
    return run_design(read_requirements(str(path)), Settings(home=home))


@pytest.fixture(scope="module")
def designs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DesignDoc]:
    home = tmp_path_factory.mktemp("home")
    return {p.stem: _design(p, home) for p in EXAMPLES}


def test_there_are_at_least_eight_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_example_design_is_complete_and_consistent(
    name: str, designs: dict[str, DesignDoc]
) -> None:
    doc = designs[name]
    markdown = render_markdown(doc)
    for section in SECTIONS:
        assert re.search(rf"^#+ .*{re.escape(section)}", markdown, re.MULTILINE), section
    blocks = re.findall(r"```mermaid\n(.*?)```", markdown, re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        validate(block)  # the real Mermaid parser; raises MermaidSyntaxError
    arch = doc.architecture
    ids = {c.id for c in arch.components}
    assert all(link.source in ids and link.target in ids for link in arch.links)
    served = {r for c in arch.components for r in c.serves}
    assert {fr.id for fr in doc.scope.functional} <= served
    for est in doc.scope.estimates:
        assert evaluate(est.formula, est.inputs) == pytest.approx(est.value, rel=1e-6), est.name
    assert 2 <= len(arch.deep_dives) <= 4
    assert arch.decisions and arch.failure_modes
    assert sum(i.monthly_usd for i in doc.cost.items) == pytest.approx(
        doc.cost.total_monthly_usd, rel=1e-6
    )
    assert DesignDoc.model_validate_json(doc.model_dump_json()) == doc


def test_designs_of_different_systems_differ(designs: dict[str, DesignDoc]) -> None:
    archetypes = {name: doc.scope.archetype for name, doc in designs.items()}
    assert len(set(archetypes.values())) == len(archetypes), archetypes
    names = sorted(designs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            arch_a, arch_b = designs[a].architecture, designs[b].architecture
            components_a = {(c.id, c.kind, c.technology) for c in arch_a.components}
            components_b = {(c.id, c.kind, c.technology) for c in arch_b.components}
            assert components_a != components_b, f"{a} and {b} have the same components"
            decisions_a = {(d.topic, d.chosen) for d in arch_a.decisions}
            decisions_b = {(d.topic, d.chosen) for d in arch_b.decisions}
            assert decisions_a != decisions_b, f"{a} and {b} decide the same things"
            dives_a = {d.id for d in arch_a.deep_dives}
            dives_b = {d.id for d in arch_b.deep_dives}
            assert dives_a != dives_b, f"{a} and {b} have the same deep dives"


def test_pastebin_capacity_matches_hand_calculation(designs: dict[str, DesignDoc]) -> None:
    scope = designs["pastebin"].scope
    assert scope.value("write_qps_avg") == pytest.approx(3.86, rel=0.01)
    assert scope.value("read_qps_avg") == pytest.approx(38.6, rel=0.01)
    per_month = scope.value("storage_per_day") * 30
    assert 10e9 <= per_month <= 13e9
