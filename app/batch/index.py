"""The batch's overview files: index.md and index.html link every design; summary.json is the
machine-readable record (and what --retry-failed reads back).

Ids, file names and system names come from users, so every cell is escaped: HTML-escaped in
index.html, Markdown- and HTML-escaped in index.md (renderers accept inline HTML), and links
are percent-encoded relative paths to files inside the output folder.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from agents import __version__
from agents.errors import ConfigError

from .records import STATUSES, ItemResult, write_json_atomic, write_text_atomic

SUMMARY_NAME = "summary.json"
INDEX_MD = "index.md"
INDEX_HTML = "index.html"
SUMMARY_VERSION = 1

# what could start markup inside a table cell ('<', '>' and '&' are HTML-escaped first)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


@dataclass
class BatchSummary:
    """Everything the overview files show."""

    items: list[ItemResult]
    model: str = "offline"
    jobs: int = 1
    budget_usd: float | None = None
    spent_usd: float = 0.0
    wall_seconds: float = 0.0
    interrupted: bool = False
    budget_reached: bool = False
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )

    def counts(self) -> dict[str, int]:
        """Items per status, plus 'reused' (done by an earlier run) and 'total'."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            counts[item.status] += 1
        counts["reused"] = sum(1 for item in self.items if item.reused)
        counts["total"] = len(self.items)
        return counts

    def totals(self) -> dict[str, float]:
        """Tokens, dollars and seconds over every item with a design."""
        return {
            "tokens": sum(i.tokens for i in self.items),
            "usd": sum(i.usd for i in self.items),
            "seconds": sum(i.seconds for i in self.items),
            "monthly_usd": sum(i.monthly_usd or 0.0 for i in self.items),
        }

    def to_json(self) -> dict[str, Any]:
        """The summary.json document."""
        return {
            "version": SUMMARY_VERSION,
            "generator": f"designcrew {__version__}",
            "generated_at": self.generated_at,
            "model": self.model,
            "jobs": self.jobs,
            "budget_usd": self.budget_usd,
            "spent_usd": self.spent_usd,
            "wall_seconds": self.wall_seconds,
            "interrupted": self.interrupted,
            "budget_reached": self.budget_reached,
            "counts": self.counts(),
            "totals": self.totals(),
            "not_run": [i.name for i in self.items if i.status == "not_run"],
            "failed": [i.name for i in self.items if i.status == "failed"],
            "items": [i.to_json() for i in self.items],
        }


def write_overview(out_dir: Path, summary: BatchSummary) -> dict[str, Path]:
    """Write summary.json, index.md and index.html into `out_dir` (each atomically)."""
    paths = {
        "summary": out_dir / SUMMARY_NAME,
        "index_md": out_dir / INDEX_MD,
        "index_html": out_dir / INDEX_HTML,
    }
    write_json_atomic(paths["summary"], summary.to_json())
    write_text_atomic(paths["index_md"], render_index_md(summary))
    write_text_atomic(paths["index_html"], render_index_html(summary))
    return paths


def read_summary(out_dir: Path) -> list[ItemResult]:
    """The items of the previous summary.json; ConfigError when there is none to read."""
    path = out_dir / SUMMARY_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no {SUMMARY_NAME} in {out_dir}: run the batch first") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    raw_items = data.get("items") if isinstance(data, Mapping) else None
    if not isinstance(raw_items, list):
        raise ConfigError(f"{path} has no 'items' list")
    return [ItemResult.from_json(raw) for raw in raw_items if isinstance(raw, dict)]


# --- cells shared by both renderings --------------------------------------------------------

HEADERS = (
    "design",
    "system",
    "status",
    "components",
    "monthly cost",
    "review",
    "tokens",
    "$",
    "seconds",
)


def _money(value: float | None) -> str:
    return f"${value:,.0f}" if value is not None else "–"


def _cells(item: ItemResult) -> list[str]:
    has_design = bool(item.outputs)
    status = item.status + (" (earlier run)" if item.reused else "")
    return [
        item.system or "–",
        status,
        str(item.components) if has_design else "–",
        _money(item.monthly_usd) if has_design else "–",
        item.verdict or "–",
        f"{item.tokens:,}",
        f"{item.usd:.4f}",
        f"{item.seconds:.1f}",
    ]


def _link(item: ItemResult, kind: str) -> str | None:
    rel = item.outputs.get(kind)
    if not rel or rel.startswith("/") or ".." in Path(rel).parts:
        return None
    return "/".join(quote(part) for part in Path(rel).parts)


def _headline(summary: BatchSummary) -> str:
    counts = summary.counts()
    totals = summary.totals()
    text = (
        f"{counts['total']} requirement(s): {counts['done']} done "
        f"({counts['reused']} from earlier runs), {counts['failed']} failed, "
        f"{counts['incomplete']} incomplete, {counts['not_run']} not run. "
        f"Model: {summary.model}. Spent ${totals['usd']:.4f}"
    )
    if summary.budget_usd is not None:
        text += f" of a ${summary.budget_usd:.2f} budget"
    text += f"; wall time {summary.wall_seconds:.1f} s."
    if summary.budget_reached:
        text += " The budget was reached: items listed as not run did not start."
    if summary.interrupted:
        text += " The batch was interrupted: run it again to finish."
    return text


# --- Markdown -------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell (no markup, no raw HTML, one line)."""
    one_line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def render_index_md(summary: BatchSummary) -> str:
    """index.md: one table row per item, linking its design.md."""
    lines = ["# Batch designs", "", md_escape(_headline(summary)), ""]
    lines.append("| " + " | ".join(HEADERS) + " | reason |")
    lines.append("|" + "---|" * (len(HEADERS) + 1))
    for item in summary.items:
        link = _link(item, "md")
        name = md_escape(item.name)
        first = f"[{name}]({link})" if link else name
        cells = [first, *(md_escape(c) for c in _cells(item)), md_escape(item.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d232a}
table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .6rem;border-bottom:1px solid #dde2e8;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n{text-align:right;white-space:nowrap}
.s-done{color:#17692e}.s-failed{color:#b42318;font-weight:600}
.s-incomplete,.s-not_run{color:#9a6700}
.reason{color:#57606a;font-size:12px}.links a{margin-right:.5rem}
"""


_NUMERIC_COLUMNS = frozenset({2, 3, 5, 6, 7})  # of _cells(): components, cost, tokens, $, s
_STATUS_COLUMN = 1


def _cell_class(column: int, item: ItemResult) -> str:
    if column == _STATUS_COLUMN:
        return f"s-{item.status}"
    return "n" if column in _NUMERIC_COLUMNS else ""


def _h(text: str) -> str:
    return html.escape(str(text), quote=True)


def render_index_html(summary: BatchSummary) -> str:
    """index.html: a self-contained page, every user-supplied string escaped."""
    head = "".join(f"<th>{_h(h)}</th>" for h in HEADERS)
    rows = []
    for item in summary.items:
        links = [
            f'<a href="{_h(href)}">{_h(label)}</a>'
            for kind, label in (("html", item.name), ("md", "md"), ("json", "json"))
            if (href := _link(item, kind))
        ]
        first = f'<span class="links">{"".join(links)}</span>' if links else _h(item.name)
        tds = "".join(
            f'<td class="{_cell_class(column, item)}">{_h(cell)}</td>'
            for column, cell in enumerate(_cells(item))
        )
        reason = f'<div class="reason">{_h(item.reason)}</div>' if item.reason else ""
        rows.append(f"<tr><td>{first}{reason}</td>{tds}</tr>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Batch designs</title><style>{_CSS}</style></head><body>"
        f"<h1>Batch designs</h1><p>{_h(_headline(summary))}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )
