"""agents.mermaid: real rendering via mermaidx, typed parse errors, the cache, SVG sanitising."""

from __future__ import annotations

import re
import time

import pytest

from agents import mermaid
from agents.errors import DesignCrewError
from agents.mermaid import MermaidSyntaxError, render_svg, sanitize_svg, validate

SMALL = 'flowchart LR\n  a["API"] --> b[("DB")]\n'


def test_render_svg_returns_an_svg_document() -> None:
    svg = render_svg(SMALL)
    assert svg.startswith("<svg")
    assert "API" in svg and "DB" in svg


def test_render_is_cached_by_source_text() -> None:
    first = render_svg(SMALL)
    started = time.perf_counter()
    again = render_svg(SMALL)
    assert again is first
    assert time.perf_counter() - started < 0.05


def test_parse_error_is_a_typed_one_line_error() -> None:
    with pytest.raises(MermaidSyntaxError) as info:
        render_svg('flowchart LR\n  a["x""] --> b\n')
    assert isinstance(info.value, DesignCrewError)
    message = str(info.value)
    assert message.startswith("Parse error on line 2")
    assert "\n" not in message
    assert "Mermaid rendering failed" not in message


def test_unknown_diagram_type_is_a_syntax_error() -> None:
    with pytest.raises(MermaidSyntaxError, match="No diagram type detected"):
        validate("this is not a diagram")


def test_a_render_after_a_failed_one_still_works() -> None:
    with pytest.raises(MermaidSyntaxError):
        render_svg("sequenceDiagram\n  a->>b: x; y\n")
    assert render_svg("sequenceDiagram\n  a->>b: after the failure\n").startswith("<svg")


def test_engine_keeps_one_context_across_renders() -> None:
    # The finding behind the speed: mermaid.js is loaded once, not once per render.
    assert mermaid.engine_reuses_context() is True


def test_click_links_to_other_sites_are_stripped() -> None:
    svg = render_svg('flowchart LR\n  a["x"] --> b\n  click a "https://evil.example/x"\n')
    assert "evil.example" not in svg
    assert "<script" not in svg.lower()


def test_ids_are_namespaced_per_diagram() -> None:
    one = render_svg("flowchart LR\n  a --> b\n")
    two = render_svg("flowchart LR\n  c --> d\n")
    ids_one = set(re.findall(r'\bid="([^"]+)"', one))
    ids_two = set(re.findall(r'\bid="([^"]+)"', two))
    assert ids_one and ids_two and not ids_one & ids_two
    root = re.match(r'<svg id="([^"]+)"', one)
    assert root and root.group(1).startswith("mmd-")
    assert f"#{root.group(1)}" in one  # the CSS scoped by the id follows the renamed id


def test_mermaid_js_renders_when_asked_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESIGNCREW_MERMAID_RENDERER", "mermaid-js")
    svg = render_svg('flowchart LR\n  js["drawn by mermaid.js"] --> x\n')
    assert '-my-svg"' in svg and "drawn by mermaid.js" in svg


@pytest.mark.skipif(not mermaid.fast_renderer_available(), reason="mmdr is not installed")
def test_merman_draws_by_default_and_mermaid_js_judges_parse_errors() -> None:
    svg = render_svg("sequenceDiagram\n  a->>b: drawn by merman\n")
    assert '-merman"' in svg
    with pytest.raises(MermaidSyntaxError, match=r"^Parse error on line 2"):
        render_svg("sequenceDiagram\n  a->>b: x; y; z\n")


def test_sanitize_removes_scripts_handlers_and_external_references() -> None:
    dirty = (
        '<svg id="my-svg" xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        "<style>#my-svg{fill:red;} @import url(https://x.example/a.css); "
        ".a{background:url(https://x.example/i.png)}</style>"
        "<script>alert(2)</script><script src='https://x.example/s.js'/>"
        '<a xlink:href="javascript:alert(3)"><text>see https://example.com</text></a>'
        '<image href="http://x.example/p.png"/><use href="#my-svg"/>'
        '<marker id="my-svg_arrow"/><path marker-end="url(#my-svg_arrow)" onclick=\'x()\'/></svg>'
    )
    clean = sanitize_svg(dirty, prefix="p1")
    lowered = clean.lower()
    assert "<script" not in lowered
    assert "onload" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "x.example" not in lowered
    assert "@import" not in lowered
    assert 'href="#p1-my-svg"' in clean  # internal references survive, renamed
    assert "url(#p1-my-svg_arrow)" in clean
    assert "#p1-my-svg{" in clean
    assert "see https://example.com" in clean  # text that mentions a URL is only text


def test_sanitize_never_renames_an_id_that_looks_like_a_colour() -> None:
    clean = sanitize_svg(
        '<svg id="fff"><g id="node"/><style>.a{fill:#fff;stroke:#ffff00} #node{x:1}</style></svg>',
        "p",
    )
    assert "fill:#fff;" in clean and "stroke:#ffff00" in clean
    assert 'id="p-node"' in clean and "#p-node{" in clean
