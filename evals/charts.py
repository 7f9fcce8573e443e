"""Inline SVG bar charts for the HTML report: no JavaScript, no fonts or files to fetch.

Every label and title is XML-escaped, so a case name such as ``<script>`` stays text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
_FONT = "font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif"
_LABEL_CHAR_PX = 6.6  # average width of a 11 px label character


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" style="{_FONT}">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    max_value: float,
    unit: str = "",
    threshold: float | None = None,
    bar_width: float = 320,
) -> str:
    """Horizontal bars, one per (label, value); None draws 'n/a'. A dashed line marks
    `threshold` and bars below it are drawn in the warning colour."""
    label_w = min(max((len(label) for label, _ in items), default=4) * _LABEL_CHAR_PX + 10, 260)
    row_h, top = 20, 26
    width = label_w + bar_width + 70
    height = top + row_h * len(items) + 8
    body: list[str] = []
    scale = bar_width / max_value if max_value > 0 else 0
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        body.append(
            f'<text x="{label_w - 6:.0f}" y="{y + 13}" font-size="11" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            body.append(
                f'<text x="{label_w + 4:.0f}" y="{y + 13}" font-size="11" fill="#888">n/a</text>'
            )
            continue
        w = max(min(value, max_value), 0) * scale
        low = threshold is not None and value < threshold
        color = PALETTE[3] if low else PALETTE[0]
        body.append(
            f'<rect x="{label_w:.0f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{color}"><title>{escape(label)}: {_fmt(value)}{escape(unit)}'
            f"</title></rect>"
        )
        body.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    if threshold is not None and 0 <= threshold <= max_value:
        x = label_w + threshold * scale
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="#333" stroke-dasharray="4 3"><title>threshold '
            f"{_fmt(threshold)}{escape(unit)}</title></line>"
        )
    return _svg(width, height, title, body)


def grouped_bar_chart(
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    max_value: float,
    plot_height: float = 130,
) -> str:
    """Vertical bars: one cluster per group, one coloured bar per series, with a legend.

    Group labels are written at -35 degrees under their cluster; the margins leave room for
    the longest one, and the legend wraps into as many columns as the width allows."""
    names = list(series)
    labels = [g if len(g) <= 22 else g[:21] + "…" for g in groups]
    bar_w, gap = 14.0, 18.0
    cluster_w = bar_w * max(len(names), 1) + gap
    longest = max((len(label) for label in labels), default=4) * _LABEL_CHAR_PX
    left = max(34.0, longest * 0.82 - cluster_w / 2 + 8)  # cos(35°) of the first label
    top = 30.0
    label_h = longest * 0.58 + 18  # sin(35°) of the longest label
    plot_w = cluster_w * len(groups)
    legend_col = max((len(n) for n in names), default=4) * _LABEL_CHAR_PX + 26
    width = max(left + plot_w + 12, 360.0)
    columns = max(1, int((width - 10) // legend_col))
    legend_rows = (len(names) + columns - 1) // columns
    base = top + plot_height
    total_h = base + label_h + 16 * legend_rows + 6
    body: list[str] = []
    for tick in range(0, 6):
        tick_value = max_value * tick / 5
        y = base - plot_height * tick / 5
        body.append(
            f'<line x1="{left:.0f}" y1="{y:.1f}" x2="{width - 6:.0f}" y2="{y:.1f}" '
            f'stroke="#e4e4e4"/><text x="{left - 4:.0f}" y="{y + 4:.1f}" font-size="10" '
            f'text-anchor="end">{_fmt(tick_value)}</text>'
        )
    for g, (group, label) in enumerate(zip(groups, labels, strict=True)):
        x0 = left + g * cluster_w + gap / 2
        for s, name in enumerate(names):
            values = series[name]
            value = values[g] if g < len(values) else None
            if value is None:
                continue
            h = plot_height * max(min(value, max_value), 0) / max_value if max_value > 0 else 0
            body.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 2}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(group)} / '
                f"{escape(name)}: {_fmt(value)}</title></rect>"
            )
        cx = x0 + bar_w * len(names) / 2
        body.append(
            f'<text x="{cx:.1f}" y="{base + 14:.1f}" font-size="10" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {base + 14:.1f})"><title>{escape(group)}</title>'
            f"{escape(label)}</text>"
        )
    for s, name in enumerate(names):
        lx = 6 + (s % columns) * legend_col
        ly = base + label_h + 16 * (s // columns) + 4
        body.append(
            f'<rect x="{lx:.0f}" y="{ly - 9:.0f}" width="10" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/><text x="{lx + 14:.0f}" y="{ly:.0f}" '
            f'font-size="11">{escape(name)}</text>'
        )
    return _svg(width, total_h, title, body)
