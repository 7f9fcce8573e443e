"""render_markdown: the nine sections, tables that stay tables, Mermaid that parses, escaping."""

from __future__ import annotations

import re

import pytest
from writer_fixtures import adversarial_doc, make_doc

from agents.artefacts import DesignDoc
from agents.mermaid import validate
from agents.writer import render_markdown
from agents.writer.markdown import escape

HEADINGS = [
    "## 1. Scope",
    "## 2. Capacity estimates",
    "## 3. High-level design",
    "## 4. Data flow",
    "## 5. Deep dives",
    "## 6. Decisions",
    "## 7. Qualities",
    "## 8. Review",
    "## 9. Wrap-up",
]


@pytest.fixture(scope="module")
def md() -> str:
    return render_markdown(make_doc())


@pytest.fixture(scope="module")
def hostile_md() -> str:
    return render_markdown(adversarial_doc())


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)\n```", text, re.S)


def tables(text: str) -> list[list[str]]:
    """Consecutive lines starting with '|' grouped into tables."""
    found, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found


def cells(row: str) -> int:
    """Number of cells of a GFM table row (escaped pipes do not split)."""
    return len(re.split(r"(?<!\\)\|", row.strip())[1:-1])


def test_all_nine_sections_in_order(md: str) -> None:
    positions = [md.index(h + "\n") for h in HEADINGS]
    assert positions == sorted(positions)
    assert "## Run statistics" in md
    assert md.startswith("# URL shortener — design\n")


def test_summary_line_names_system_verdict_and_cost(md: str) -> None:
    line = next(x for x in md.splitlines() if x.startswith("**System:**"))
    assert "URL shortener" in line and "`url_shortener`" in line
    assert "approve after 1 revision" in line
    assert "$1,524/month of a $3,000 budget (51%)" in line


def test_every_mermaid_block_parses(md: str, hostile_md: str) -> None:
    blocks = mermaid_blocks(md) + mermaid_blocks(hostile_md)
    kinds = [b.split("\n", 1)[0] for b in mermaid_blocks(md)]
    assert kinds == ["flowchart LR", "erDiagram", "sequenceDiagram", "sequenceDiagram"]
    for source in dict.fromkeys(blocks):  # each distinct diagram once
        validate(source + "\n")


def test_tables_keep_their_shape_even_with_hostile_text(md: str, hostile_md: str) -> None:
    for text in (md, hostile_md):
        for table in tables(text):
            width = cells(table[0])
            assert all(cells(row) == width for row in table), table


def test_capacity_rows_show_formula_and_named_inputs(md: str) -> None:
    row = next(x for x in md.splitlines() if "`writes_per_day`" in x and x.startswith("| new"))
    assert "| 1M/day |" in row
    assert "`dau * writes_per_user_per_day`" in row
    assert "dau = 10M (stated), writes_per_user_per_day = 0.1 (assumed)" in row
    assert "**The peak, not the average, sizes the system:**" in md
    assert "reads peak at 3,472/s, 3.0× the 1,157/s average" in md
    assert "Reads outnumber writes 100:1" in md


def test_scope_tables(md: str) -> None:
    assert "| **NFR-1** | `availability` | 99.9% (≤ 43.2 min down per 30 days) |" in md
    assert "| **NFR-2** | `latency_p99` | 100 ms |" in md
    assert "| `writes_per_user_per_day` new short URLs per user per day | 0.1 | **assumed** |" in md
    assert (
        "| How many links does an active user create a day? | 0.1 | `writes_per_user_per_day` |"
        in md
    )
    assert "> [!WARNING]\n> **Input warnings:**" in md


def test_components_table_ties_each_component_to_requirements_and_numbers(md: str) -> None:
    row = next(x for x in md.splitlines() if x.startswith("| **API service** `api`"))
    assert "| Go service | 3 |" in row
    assert "FR-1, FR-2, FR-3, NFR-2; read_qps_peak = 3,472/s; api_nodes = 3" in row
    assert "| **statistics store** `stats_store` |" in md
    assert "| managed |" in md


def test_decision_table_has_weights_in_header_and_chosen_in_bold(md: str) -> None:
    assert (
        "| option | durability (0.30) | latency (0.30) | ops burden (0.20) | cost (0.20) "
        "| weighted | note |"
    ) in md
    assert "| **PostgreSQL** | 5 | 4 | 4 | 4 | **4.30** | — |" in md
    assert "DynamoDB scores higher (4.40 vs 4.30)" in md
    assert "**Sensitivity:** Close: DynamoDB wins if ops burden weighs above 0.25." in md


def test_qualities_review_and_wrap_up_tables(md: str) -> None:
    assert "| scenario | what happens | mitigation | data safe? | recovery |" in md
    assert "| **no** — clicks in the producer buffer (≤ 1 s) are lost |" in md
    assert "| **10× (34,722 reads/s)** |" in md
    assert "| **total** |   |   |   |   | **$1,524 of $3,000** |   |" in md
    assert "| **R-1** | blocker | `no-spof` | URL store |" in md
    assert "resolved in revision 1 |" in md
    assert (
        "| 1 | **R-1** | `no-spof` | URL store: single node → primary + synchronous replica |" in md
    )
    assert "| resilient | ●●●●○ 4/5 | replica + failover |" in md
    assert "### Risks" in md and "Cannot handle 10× today's load (34,722 reads/s)" in md
    assert "| **reviewer** | 2 | 0 | 1 | 14,690 | $0.0123 | 1.50 | 0 |" in md


def test_incomplete_banner_only_when_incomplete(md: str) -> None:
    assert "Incomplete design" not in md
    text = render_markdown(make_doc(complete=False))
    first_lines = text.split("## 1. Scope")[0]
    assert "> [!WARNING]\n> **Incomplete design.**" in first_lines
    assert "spend cap reached during review round 2" in first_lines


def test_hostile_text_is_escaped(hostile_md: str) -> None:
    assert "<script>" not in hostile_md
    assert not re.search(r"(?<!\\)<(img|script)", hostile_md)
    assert r"Create \<script\>alert(1)\</script\> \| links" in hostile_md


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a|b", r"a\|b"),
        ("<b>", r"\<b\>"),
        ("*x* _y_ snake_case", r"\*x\* \_y\_ snake_case"),
        ("[link](x)", r"\[link\](x)"),
        ("&lt;", "&amp;lt;"),
        ("a\nb", "a<br>b"),
    ],
)
def test_escape(raw: str, expected: str) -> None:
    assert escape(raw) == expected


def test_escape_at_line_start_defuses_block_syntax() -> None:
    assert escape("# not a heading", at_line_start=True) == r"\# not a heading"
    assert escape("1. not a list", at_line_start=True) == r"1\. not a list"
    assert escape("99.9% available", at_line_start=True) == "99.9% available"


def test_empty_wrap_up_is_computed_from_the_artefacts() -> None:
    doc: DesignDoc = make_doc()
    assert not doc.wrap_up.risks
    text = render_markdown(doc)
    risks = text.split("### Risks")[1].split("### Limits")[0]
    assert "writes_per_user_per_day = 0.1" in risks


@pytest.mark.parametrize("raw", ["## two", "---", "- item", "+ item", "=== x"])
def test_escape_at_line_start_escapes_leading_markers(raw: str) -> None:
    assert escape(raw, at_line_start=True) == "\\" + raw


def test_api_examples_and_mechanisms(md: str) -> None:
    assert (
        '```http\nPOST /v1/urls\n{"long_url": "https://example.com/a/very/long/path", '
        '"ttl_days": 30}\n\n201 {"key": "aZ3kQ9x", "short_url": "https://sho.rt/aZ3kQ9x"}\n```'
    ) in md
    assert "Mechanisms: `automatic_failover`, `backups`, `point_in_time_recovery`" in md


def test_critical_path_availability_follows_critical_links(md: str) -> None:
    line = next(x for x in md.splitlines() if x.startswith("**Critical-path availability:**"))
    # From the entry (the CDN, which nothing calls) over critical links only: the key
    # allocator and the click queue are behind non-critical links.
    assert (
        "CDN 99.99% × load balancer 99.99% × API service 99.99% × redirect cache 99.99% × "
        "URL store 99.99% = 99.950%, which meets the 99.9% target."
    ) in line
    assert "key-range allocator" not in line and "click-event queue" not in line
