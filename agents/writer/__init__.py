"""The writer: the design document as Markdown (with Mermaid), self-contained HTML and JSON."""

from .diagrams import architecture_diagram, component_ids, er_diagram, label, sequence_diagram
from .html import render_html
from .markdown import render_markdown
from .outputs import render_json, write_outputs
from .wrap_up import wrap_up

__all__ = [
    "architecture_diagram",
    "component_ids",
    "er_diagram",
    "label",
    "render_html",
    "render_json",
    "render_markdown",
    "sequence_diagram",
    "wrap_up",
    "write_outputs",
]
