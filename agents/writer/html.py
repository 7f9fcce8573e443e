"""The document as ONE self-contained HTML page: inline CSS, diagrams as inline SVG, no network.

Every piece of text is HTML-escaped; the SVGs come from agents.mermaid, which strips scripts and
external references; and a Content-Security-Policy forbids scripts and any fetch as a second
line of defence. A diagram that fails to render is shown as its source with a visible note.
"""

from __future__ import annotations

import re
from html import escape

from agents.artefacts import DesignDoc
from agents.errors import DesignCrewError

from .blocks import (
    Block,
    Bullets,
    Callout,
    Code,
    Diagram,
    Heading,
    Para,
    Rich,
    Span,
    Table,
    inlines,
)
from .outline import contents, document_blocks

_PAGE_WIDTH = 1040  # px of content inside the 1100 px page
_MIN_DIAGRAM_SCALE = 0.75
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --zebra: #f6f8fa; --accent: #0969da;
  --warn-bg: #fff8c5; --warn-line: #d4a72c; --note-bg: #ddf4ff; --note-line: #54aeff; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.55 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 2em; margin: .2em 0 .4em; padding-bottom: .3em;
  border-bottom: 1px solid var(--line); }
h2 { font-size: 1.5em; margin: 2em 0 .6em; padding-bottom: .25em;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.2em; margin: 1.6em 0 .5em; }
h2 a.anchor, h3 a.anchor { color: var(--line); text-decoration: none; margin-left: .3em;
  font-weight: normal; }
h2:hover a.anchor, h3:hover a.anchor { color: var(--muted); }
p { margin: .6em 0; }
a { color: var(--accent); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
  background: var(--zebra); padding: .1em .35em; border-radius: 4px; }
pre { background: var(--zebra); border: 1px solid var(--line); border-radius: 6px;
  padding: 12px 14px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
pre code { background: none; padding: 0; font-size: .85em; }
.table-wrap { overflow-x: auto; margin: .8em 0 1.2em; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left;
  vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
tbody tr:nth-child(even) { background: var(--zebra); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
nav.toc { background: var(--zebra); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 18px; margin: 1.2em 0; }
nav.toc h2 { font-size: 1em; border: none; margin: .2em 0 .4em; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.3em; columns: 2; column-gap: 2em; }
nav.toc ol ol { columns: 1; font-size: .9em; padding-left: 1.1em; }
nav.toc li { break-inside: avoid; }
.callout { border-left: 4px solid var(--note-line); background: var(--note-bg);
  padding: 10px 14px; border-radius: 4px; margin: 1em 0; }
.callout.warning { border-left-color: var(--warn-line); background: var(--warn-bg); }
figure.diagram { margin: 1em 0 1.4em; padding: 12px; border: 1px solid var(--line);
  border-radius: 6px; overflow-x: auto; text-align: center; }
figure.diagram svg { height: auto; }
figure.diagram figcaption { color: var(--muted); font-size: .9em; margin-top: .4em; }
figure.diagram details { text-align: left; margin-top: .4em; font-size: .9em; }
figure.diagram.failed { border-color: var(--warn-line); background: var(--warn-bg);
  text-align: left; }
.diagram-error { font-weight: 600; }
footer { color: var(--muted); font-size: .85em; margin-top: 3em; padding-top: .8em;
  border-top: 1px solid var(--line); }
@media print { nav.toc { display: none; } figure.diagram details { display: none; } }
"""


def _text(text: str) -> str:
    return escape(text, quote=True).replace("\r", "").replace("\n", "<br>")


def _inline(content: Rich) -> str:
    out = []
    for run in inlines(content):
        if not isinstance(run, Span):
            out.append(_text(run))
            continue
        tag = {"b": "strong", "i": "em", "code": "code"}[run.style]
        core = run.text.strip()
        lead = run.text[: len(run.text) - len(run.text.lstrip())]
        trail = run.text[len(run.text.rstrip()) :]
        styled = f"<{tag}>{_text(core)}</{tag}>" if core else ""
        out.append(f"{_text(lead)}{styled}{_text(trail)}")
    return "".join(out)


def _table(table: Table) -> str:
    width = len(table.headers)

    def cls(column: int) -> str:
        return ' class="num"' if table.alignment(column) == "r" else ""

    head = "".join(f"<th{cls(n)}>{_inline(h)}</th>" for n, h in enumerate(table.headers))
    body = []
    for cells in table.rows:
        padded = list(cells[:width]) + [""] * (width - len(cells))
        body.append(
            "<tr>"
            + "".join(f"<td{cls(n)}>{_inline(c)}</td>" for n, c in enumerate(padded))
            + "</tr>"
        )
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _diagram(block: Diagram) -> str:
    caption = escape(block.caption)
    source = escape(block.source)
    try:
        from agents.mermaid import render_svg

        svg = render_svg(block.source)
    except Exception as exc:  # a diagram must never take the whole document down
        reason = (
            exc.one_line() if isinstance(exc, DesignCrewError) else f"{type(exc).__name__}: {exc}"
        )
        return (
            f'<figure class="diagram failed"><p class="diagram-error">The {caption} diagram could '
            f"not be rendered ({escape(reason)}); its Mermaid source follows.</p>"
            f"<pre><code>{source}</code></pre><figcaption>{caption}</figcaption></figure>"
        )
    return (
        f'<figure class="diagram"><div class="svg-wrap"{_min_width(svg)}>{svg}</div>'
        f"<figcaption>{caption}</figcaption>"
        f"<details><summary>Mermaid source</summary><pre><code>{source}</code></pre></details>"
        "</figure>"
    )


def _min_width(svg: str) -> str:
    """A style keeping a wide diagram at >= 3/4 of its natural size (the figure scrolls
    sideways) instead of shrinking its text below reading size to fit the page."""
    view = re.match(r'<svg[^>]*\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"', svg)
    if not view:
        return ""
    readable = float(view.group(1)) * _MIN_DIAGRAM_SCALE
    return f' style="min-width: {readable:.0f}px"' if readable > _PAGE_WIDTH else ""


def render_block(block: Block) -> str:
    """One block as HTML."""
    if isinstance(block, Heading):
        if block.level == 1:
            return f"<h1>{_inline(block.text)}</h1>"
        anchor = escape(block.anchor, quote=True)
        return (
            f'<h{block.level} id="{anchor}">{_inline(block.text)}'
            f'<a class="anchor" href="#{anchor}" aria-label="link to this section">#</a>'
            f"</h{block.level}>"
        )
    if isinstance(block, Para):
        return f"<p>{_inline(block.content)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Bullets):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + f"</{tag}>"
    if isinstance(block, Code):
        lang = f' class="language-{escape(block.lang, quote=True)}"' if block.lang else ""
        return f"<pre><code{lang}>{escape(block.text)}</code></pre>"
    if isinstance(block, Diagram):
        return _diagram(block)
    if isinstance(block, Callout):
        role = ' role="alert"' if block.kind == "warning" else ""
        return f'<div class="callout {block.kind}"{role}>{_inline(block.content)}</div>'
    raise TypeError(f"unknown block {block!r}")


def _toc(blocks: list[Block]) -> str:
    items = []
    for h2, h3s in contents(blocks):
        sub = "".join(
            f'<li><a href="#{escape(h.anchor, quote=True)}">{_inline(h.text)}</a></li>' for h in h3s
        )
        items.append(
            f'<li><a href="#{escape(h2.anchor, quote=True)}">{_inline(h2.text)}</a>'
            + (f"<ol>{sub}</ol>" if sub else "")
            + "</li>"
        )
    return (
        f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'
    )


def render_html(doc: DesignDoc) -> str:
    """The design document as one self-contained HTML page."""
    blocks = document_blocks(doc)
    parts: list[str] = []
    toc_done = False
    for block in blocks:
        if isinstance(block, Heading) and block.level == 2 and not toc_done:
            parts.append(_toc(blocks))
            toc_done = True
        parts.append(render_block(block))
    footer = f"Generated by {escape(doc.generator)}"
    if doc.generated_at:
        footer += f" at {escape(doc.generated_at)}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<main class="page">\n' + "\n".join(parts) + f"\n<footer>{footer}.</footer>\n</main>\n"
        "</body>\n</html>\n"
    )
