"""render_html: one self-contained page, every text escaped, diagrams inline, failures visible."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from writer_fixtures import adversarial_doc, make_doc

from agents.mermaid import MermaidSyntaxError
from agents.writer import html as html_module
from agents.writer import render_html, render_markdown

NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
)


class Collector(HTMLParser):
    """Tags, ids, hrefs and attribute URLs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name == "href" and tag == "a" and value:
                self.links.append(value)
            if value and re.search(r"https?://", value):
                self.urls.append(value)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_doc())


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html(adversarial_doc())


def parse(text: str) -> Collector:
    collector = Collector()
    collector.feed(text)
    return collector


def test_page_is_self_contained(page: str) -> None:
    found = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "script" not in found.tags
    assert {"link", "img", "iframe"}.isdisjoint(found.tags)
    assert all(url in NAMESPACES for url in found.urls), found.urls
    assert "default-src 'none'" in page  # CSP: no script, no fetch
    assert found.tags.count("svg") == 4  # architecture, data model, write and read paths


def test_all_sections_and_a_table_of_contents(page: str) -> None:
    found = parse(page)
    for anchor in (
        "1-scope",
        "2-capacity-estimates",
        "3-high-level-design",
        "4-data-flow",
        "5-deep-dives",
        "6-decisions",
        "7-qualities",
        "8-review",
        "9-wrap-up",
    ):
        assert anchor in found.ids
        assert f"#{anchor}" in found.links
    toc_targets = {link[1:] for link in found.links if link.startswith("#")}
    assert toc_targets <= found.ids  # every contents link lands somewhere
    assert "max-width: 1100px" in page


def test_same_tables_as_the_markdown(page: str) -> None:
    md = render_markdown(make_doc())
    md_tables = len(re.findall(r"^\| ---:? \|", md, re.M))
    assert page.count("<table>") == md_tables
    assert '<td class="num">3,472/s</td>' in page


def test_hostile_text_is_escaped(hostile_page: str) -> None:
    found = parse(hostile_page)
    assert "script" not in found.tags and "img" not in found.tags
    assert "Create &lt;script&gt;alert(1)&lt;/script&gt; | links" in hostile_page
    assert "<title>Title &lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;</title>" in hostile_page
    assert "onerror" not in re.sub(r"&lt;img src=x onerror=alert\(1\)&gt;", "", hostile_page)
    assert all(url in NAMESPACES for url in found.urls)


def test_a_diagram_that_fails_shows_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    import agents.mermaid

    def broken(source: str) -> str:
        raise MermaidSyntaxError("Parse error on line 3: unexpected <x>")

    monkeypatch.setattr(agents.mermaid, "render_svg", broken)
    page = html_module.render_html(make_doc())
    assert page.count('class="diagram failed"') == 4
    assert (
        "could not be rendered (MermaidSyntaxError: Parse error on line 3: unexpected &lt;x&gt;)"
        in page
    )
    assert "flowchart LR\n  client([&quot;Clients&quot;])" in page
    assert "<svg" not in page


def test_an_unexpected_engine_failure_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import agents.mermaid

    def crash(source: str) -> str:
        raise TypeError("Unknown quickjs tag: -6")

    monkeypatch.setattr(agents.mermaid, "render_svg", crash)
    page = html_module.render_html(make_doc())
    assert "TypeError: Unknown quickjs tag: -6" in page


def test_incomplete_banner() -> None:
    page = render_html(make_doc(complete=False))
    banner = page.split('<h2 id="1-scope">')[0]
    assert '<div class="callout warning" role="alert"><strong>Incomplete design.</strong>' in banner
    assert "spend cap reached during review round 2" in banner


def test_wide_diagrams_scroll_instead_of_shrinking_their_text() -> None:
    wide = '<svg id="x" width="100%" viewBox="0 0 3200 900" style="max-width: 3200px">'
    narrow = '<svg id="y" width="100%" viewBox="-8 -8 600.5 300">'
    assert html_module._min_width(wide) == ' style="min-width: 2400px"'
    assert html_module._min_width(narrow) == ""
