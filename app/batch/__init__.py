"""Batch generation: many requirement inputs in, one design folder each, concurrent and
resumable, with index.md / index.html / summary.json linking them all."""

from .index import BatchSummary, read_summary, render_index_html, render_index_md, write_overview
from .inputs import BatchInput, collect_inputs
from .naming import item_dir, safe_name, unique_names
from .records import ItemResult
from .runner import BatchOptions, BatchOutcome, ModelFactory, plan_batch, run_batch

__all__ = [
    "BatchInput",
    "BatchOptions",
    "BatchOutcome",
    "BatchSummary",
    "ItemResult",
    "ModelFactory",
    "collect_inputs",
    "item_dir",
    "plan_batch",
    "read_summary",
    "render_index_html",
    "render_index_md",
    "run_batch",
    "safe_name",
    "unique_names",
    "write_overview",
]
