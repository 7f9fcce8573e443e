"""Diagrams generated from the architecture: they parse (real mermaid.js), agree with the
components table, and survive hostile names."""

from __future__ import annotations

import re

import pytest
from writer_fixtures import EVIL, adversarial_doc, make_architecture

from agents.artefacts import Flow, FlowStep, Link
from agents.mermaid import validate
from agents.writer import architecture_diagram, component_ids, er_diagram, label, sequence_diagram
from agents.writer.diagrams import IdMap

NODE_RE = re.compile(r"^\s+(c_\w+)[\[\(\{>]", re.M)
EDGE_RE = re.compile(r"^\s+(\w+) (-->|-\.->)(?:\|\"[^\"]*\"\|)? (\w+)$", re.M)


def test_every_component_is_a_node_and_there_are_no_others() -> None:
    arch = make_architecture()
    source = architecture_diagram(arch)
    ids = component_ids(arch)
    assert sorted(NODE_RE.findall(source)) == sorted(ids.values())
    endpoints = {n for m in EDGE_RE.findall(source) for n in (m[0], m[2])}
    assert endpoints <= set(ids.values()) | {"client"}
    assert 'client(["Clients"])' in source


def test_links_become_edges_async_dashed_with_labels() -> None:
    arch = make_architecture()
    source = architecture_diagram(arch)
    assert 'c_api -->|"GET key"| c_cache' in source
    assert 'c_api -.->|"click event"| c_click_queue' in source
    # Client edges come from the flows: writes enter at the load balancer, reads at the CDN.
    assert "client --> c_lb" in source and "client --> c_cdn" in source


def test_node_shapes_follow_the_component_kind() -> None:
    source = architecture_diagram(make_architecture())
    assert 'c_url_db[("URL store<br/>PostgreSQL ×2")]' in source  # cylinder for a store
    assert 'c_click_queue[["click-event queue<br/>Kafka ×3")]' not in source
    assert 'c_click_queue[["click-event queue<br/>Kafka ×3"]]' in source  # subroutine for a queue
    assert 'c_cdn{{"CDN<br/>CloudFront managed"}}' in source  # hexagon for the edge
    assert 'subgraph tier_data["Data"]' in source


def test_dangling_links_are_dropped_rather_than_inventing_nodes() -> None:
    arch = make_architecture()
    arch.links.append(Link(source="api", target="ghost_service", label="nobody"))
    source = architecture_diagram(arch)
    assert "ghost" not in source and "nobody" not in source


def test_sequence_participants_are_the_flow_components_by_name() -> None:
    arch = make_architecture()
    source = sequence_diagram(arch.flows[1], arch)
    assert "actor p_client as Client" in source
    assert "participant p_cache as redirect cache" in source
    assert "p_cache-->>p_api: miss" in source  # a reply is dashed
    assert "p_api->>p_url_db: SELECT long_url WHERE key = 'aZ3kQ9x'" in source
    participants = re.findall(r"^\s+(?:actor|participant) (\w+)", source, re.M)
    assert participants == [
        "p_client",
        "p_cdn",
        "p_lb",
        "p_api",
        "p_cache",
        "p_url_db",
        "p_click_queue",
    ]


def test_er_diagram_has_keys_and_crows_feet_and_skips_unknown_targets() -> None:
    source = er_diagram(make_architecture())
    assert 'E_shorturl["ShortUrl"] {' in source
    assert 'string key PK "7 chars base62"' in source
    assert 'E_user ||--o{ E_shorturl : "creates"' in source
    assert "Ghost" not in source and "dangling" not in source


@pytest.mark.parametrize(
    "text",
    [
        'say "hi"',
        "a[b]{c}(d)",
        "x | y",
        "a; b",
        "#quot; #35;",
        "<b>bold</b>",
        "line\nbreak",
        "a → b ⇒ c",
        "a --> b -.-> c",
        "%% comment",
        "`tick`",
        "~generic~",
        "50% done",
        "end",
        "emoji 😀 and 中文",
        "\x00\x1b[31m",
    ],
)
def test_label_removes_every_grammar_character(text: str) -> None:
    out = label(text)
    assert not set(out) & set('"[]{}|;#<>`~\n\\')
    assert "%%" not in out and "-->" not in out
    assert out.strip() == out and out


def test_label_is_bounded() -> None:
    assert len(label("x" * 500, 40)) == 40
    assert label("x" * 500, 40).endswith("…")


def test_id_map_is_unique_safe_and_avoids_keywords() -> None:
    ids = IdMap("")
    made = [ids(k) for k in ("end", "a b", "a-b", "a.b", "Ω", "", "end")]
    assert made[0] != "end" and made[0] == made[-1]
    assert len(set(made[:6])) == 6
    assert all(re.fullmatch(r"[a-z0-9_]+", m) for m in made)


def test_adversarial_names_parse_in_every_diagram() -> None:
    arch = adversarial_doc().architecture
    sources = [architecture_diagram(arch), er_diagram(arch)]
    sources += [sequence_diagram(f, arch) for f in arch.flows]
    for source in sources:
        validate(source)  # raises MermaidSyntaxError if it does not parse
        assert "<script" not in source
    ids = component_ids(arch)
    assert ids["end"] != "end" and ids['lb.v2 "x"'] == "c_lb_v2_x"
    assert sorted(NODE_RE.findall(sources[0])) == sorted(ids.values())


def test_hostile_flow_with_unknown_participants_parses() -> None:
    arch = make_architecture()
    flow = Flow(
        name=EVIL,
        path="async",
        example="",
        steps=[
            FlowStep(source="client", target="end", action=EVIL),
            FlowStep(source="end", target="participant", action="note over x: y"),
            FlowStep(source="participant", target="client", action="", reply=True),
        ],
    )
    source = sequence_diagram(flow, arch)
    validate(source)
    assert source.count("participant p_") == 2
