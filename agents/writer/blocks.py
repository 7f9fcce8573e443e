"""The document as a list of typed blocks, rendered to Markdown and to HTML by the same builders.

The section builders never write Markdown or HTML themselves: they produce headings, paragraphs,
tables, lists, code and diagrams whose text is *plain* (as received from users, models and the
kernels). Each renderer escapes that text for its own format, so a `<script>` in a requirement
is shown as text in both, and the two outputs always hold the same content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Style = Literal["b", "i", "code"]


@dataclass(frozen=True)
class Span:
    """A run of text with one inline style (bold, italic or code)."""

    text: str
    style: Style = "b"


Inline = str | Span
Rich = str | Span | Sequence[Inline]


def inlines(content: Rich) -> list[Inline]:
    """`content` as a flat list of runs."""
    if isinstance(content, str | Span):
        return [content]
    return list(content)


def plain(content: Rich) -> str:
    """The text of `content` without styles."""
    return "".join(run if isinstance(run, str) else run.text for run in inlines(content))


def b(text: object) -> Span:
    """Bold run."""
    return Span(str(text), "b")


def i(text: object) -> Span:
    """Italic run."""
    return Span(str(text), "i")


def code(text: object) -> Span:
    """Inline code run."""
    return Span(str(text), "code")


@dataclass
class Heading:
    """A section heading; `anchor` is filled in by `assign_anchors`."""

    level: int
    text: str
    anchor: str = ""


@dataclass
class Para:
    """A paragraph."""

    content: Rich


@dataclass
class Table:
    """A table; `align` holds 'l' or 'r' per column (numbers are right-aligned)."""

    headers: Sequence[Rich]
    rows: Sequence[Sequence[Rich]]
    align: list[str] = field(default_factory=list)

    def alignment(self, column: int) -> str:
        return self.align[column] if column < len(self.align) else "l"


@dataclass
class Bullets:
    """A bulleted (or numbered) list."""

    items: Sequence[Rich]
    ordered: bool = False


@dataclass
class Code:
    """A code block (example payloads)."""

    text: str
    lang: str = ""


@dataclass
class Diagram:
    """A Mermaid diagram, with a caption naming what it shows."""

    source: str
    caption: str


@dataclass
class Callout:
    """A highlighted note: 'warning' for incomplete runs and input warnings, else 'note'."""

    kind: Literal["warning", "note"]
    content: Rich


Block = Heading | Para | Table | Bullets | Code | Diagram | Callout


def slugify(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", text.lower(), flags=re.UNICODE)
    return slug.replace(" ", "-") or "section"


def assign_anchors(blocks: Sequence[Block]) -> None:
    """Give every heading a unique anchor, numbered the way GitHub numbers duplicates."""
    seen: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Heading):
            base = slugify(block.text)
            count = seen.get(base, 0)
            block.anchor = base if count == 0 else f"{base}-{count}"
            seen[base] = count + 1
