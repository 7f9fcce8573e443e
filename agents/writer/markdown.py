"""The document as GitHub-flavoured Markdown, with ```mermaid blocks for the diagrams.

All text is escaped for Markdown: a `<script>` or a `|` in a requirement shows as itself and can
neither open an HTML tag nor split a table cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.artefacts import DesignDoc

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

_SPECIAL_RE = re.compile(r"([\\`*\[\]<>|~])")
_UNDERSCORE_RE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY_RE = re.compile(r"&(?=#?\w+;)")
# What would start a block at the beginning of a paragraph or list item: a heading, a list
# marker, a thematic break or a setext underline (escaped whatever follows; escaping ASCII
# punctuation is always valid), or an ordered-list number followed by a space.
_BLOCK_START_RE = re.compile(r"^(\s*)(?:([#+\-=])|(\d{1,9})([.)])(?=\s|$))")


def _defuse_block_start(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"  # the backslash goes before the '.'


def escape(text: str, *, at_line_start: bool = False) -> str:
    """Plain text as Markdown that renders as exactly that text."""
    text = _SPECIAL_RE.sub(r"\\\1", text)
    text = _UNDERSCORE_RE.sub(r"\\_", text)  # intra-word underscores never emphasise in GFM
    text = _ENTITY_RE.sub("&amp;", text)
    if at_line_start:
        text = _BLOCK_START_RE.sub(_defuse_block_start, text)
    return text.replace("\r", "").replace("\n", "<br>")


def _code_span(text: str, in_table: bool) -> str:
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    if in_table:
        text = text.replace("|", "\\|")  # GFM unescapes this before parsing the code span
    return f"{fence}{pad}{text}{pad}{fence}" if text else ""


def inline(content: Rich, *, in_table: bool = False, line_start: bool = True) -> str:
    """Runs of text as Markdown."""
    out = []
    for n, run in enumerate(inlines(content)):
        start = line_start and n == 0
        if isinstance(run, Span):
            if not run.text.strip():
                out.append(escape(run.text))
            elif run.style == "code":
                out.append(_code_span(run.text, in_table))
            else:
                mark = "**" if run.style == "b" else "*"
                core = run.text.strip()
                lead = run.text[: len(run.text) - len(run.text.lstrip())]
                trail = run.text[len(run.text.rstrip()) :]
                out.append(f"{lead}{mark}{escape(core)}{mark}{trail}")
        else:
            out.append(escape(run, at_line_start=start))
    return "".join(out)


def _fence(text: str, lang: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _table(table: Table) -> str:
    def row(cells: Sequence[Rich]) -> str:
        rendered = [inline(c, in_table=True, line_start=False) or " " for c in cells]
        return "| " + " | ".join(rendered) + " |"

    width = len(table.headers)
    sep = ["---:" if table.alignment(c) == "r" else "---" for c in range(width)]
    lines = [row(table.headers), "| " + " | ".join(sep) + " |"]
    for cells in table.rows:
        padded = list(cells[:width]) + [""] * (width - len(cells))
        lines.append(row(padded))
    return "\n".join(lines)


def render_block(block: Block) -> str:
    """One block as Markdown."""
    if isinstance(block, Heading):
        return f"{'#' * block.level} {inline(block.text, line_start=False)}"
    if isinstance(block, Para):
        return inline(block.content)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Bullets):
        return "\n".join(
            f"{n}. {inline(item)}" if block.ordered else f"- {inline(item)}"
            for n, item in enumerate(block.items, 1)
        )
    if isinstance(block, Code):
        return _fence(block.text, block.lang)
    if isinstance(block, Diagram):
        return _fence(block.source, "mermaid")
    if isinstance(block, Callout):
        kind = "WARNING" if block.kind == "warning" else "NOTE"
        return f"> [!{kind}]\n> {inline(block.content)}"
    raise TypeError(f"unknown block {block!r}")


def _contents(blocks: list[Block]) -> str:
    links = [f"[{inline(h.text, line_start=False)}](#{h.anchor})" for h, _ in contents(blocks)]
    return "**Contents:** " + " · ".join(links)


def render_markdown(doc: DesignDoc) -> str:
    """The design document as GitHub-renderable Markdown."""
    blocks = document_blocks(doc)
    parts: list[str] = []
    toc_done = False
    for block in blocks:
        if isinstance(block, Heading) and block.level == 2 and not toc_done:
            parts.append(_contents(blocks))
            toc_done = True
        parts.append(render_block(block))
    return "\n\n".join(parts) + "\n"
