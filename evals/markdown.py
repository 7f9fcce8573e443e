"""Reading a rendered design document back: headings, Mermaid blocks, tables, diagram nodes.

The checks judge the Markdown a reader gets, not only the artefacts, so these helpers parse
what the writer produced (or what a model or a person edited) without trusting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Heading:
    """A Markdown ATX heading."""

    level: int
    text: str


@dataclass(frozen=True)
class MermaidBlock:
    """A fenced ```mermaid block and where it starts."""

    source: str
    line: int

    @property
    def kind(self) -> str:
        """The diagram type: 'flowchart', 'sequenceDiagram', 'erDiagram', ..."""
        for raw in self.source.splitlines():
            line = raw.strip()
            if line and not line.startswith("%%") and line != "---":
                word = line.split()[0]
                return "flowchart" if word == "graph" else word
        return ""


def _without_code(markdown: str) -> str:
    """The Markdown with fenced blocks blanked (headings inside code are not headings)."""
    return _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)


def headings(markdown: str) -> list[Heading]:
    """Every ATX heading outside code blocks, in order."""
    return [
        Heading(len(m["hashes"]), m["text"].strip().strip("*_`").strip())
        for m in _HEADING.finditer(_without_code(markdown))
    ]


def mermaid_blocks(markdown: str) -> list[MermaidBlock]:
    """Every fenced block whose info string is 'mermaid'."""
    blocks: list[MermaidBlock] = []
    for match in _FENCE.finditer(markdown):
        info = match["info"].strip().split()
        if info and info[0].lower() == "mermaid":
            line = markdown.count("\n", 0, match.start()) + 1
            blocks.append(MermaidBlock(match["body"], line))
    return blocks


def tables(markdown: str) -> list[list[list[str]]]:
    """Every pipe table outside code blocks as rows of cells (header first, separator dropped)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for raw in [*_without_code(markdown).splitlines(), ""]:
        line = raw.strip()
        if line.startswith("|") and line.count("|") >= 2:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) and current:
                continue  # the separator row
            current.append(cells)
            continue
        if current:
            found.append(current)
            current = []
    return found


def normalise(text: str) -> str:
    """'Paste DB`s' -> 'paste_db_s': lower case, runs of other characters -> '_'."""
    return re.sub(r"[^a-z0-9]+", "_", text.replace("`", "").replace("*", "").lower()).strip("_")


# Flowchart syntax that is not a node: directives and structure keywords.
_SKIP_LINE = re.compile(
    r"^\s*(?:%%|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b|end\s*$|"
    r"flowchart\b|graph\b|accTitle|accDescr)"
)
_QUOTED = re.compile(r'"[^"\n]*"')
_SHAPES = (
    re.compile(r"\[[^\[\]]*\]"),
    re.compile(r"\([^()]*\)"),
    re.compile(r"\{[^{}]*\}"),
    re.compile(r"(?<=\w)>[^\]\n]*\]"),
)
_EDGE_TEXT = re.compile(r"(--|==|-\.)\s+[^|\n]*?\s+(-->|---|==>|===|\.->|-\.-)")
_PIPE_LABEL = re.compile(r"\|[^|\n]*\|")
_EDGE_OPS = re.compile(r"\s*(?:<?[-=.ox]*[-=.]{2,}[-=.>ox]*)\s*|\s*&\s*")
_IDENT = re.compile(r"^[A-Za-z0-9_][\w-]*$")


def flowchart_nodes(source: str) -> set[str]:
    """Node ids of a Mermaid flowchart (subgraph ids excluded), as written in the source."""
    nodes: set[str] = set()
    for raw in source.splitlines():
        line = raw.split("%%", 1)[0]
        if not line.strip() or _SKIP_LINE.match(line):
            continue
        if line.strip().startswith("subgraph"):
            continue
        line = _EDGE_TEXT.sub(r"\2", _QUOTED.sub("", line))
        for _ in range(6):  # nested shapes such as [( ... )] collapse in a few passes
            before = line
            for shape in _SHAPES:
                line = shape.sub("", line)
            if line == before:
                break
        line = _PIPE_LABEL.sub("", line)
        line = re.sub(r":::[\w-]+", "", line)
        for token in _EDGE_OPS.split(line):
            token = token.strip().rstrip(";")
            if token and _IDENT.match(token):
                nodes.add(token)
    return nodes
