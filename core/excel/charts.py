"""Server-rendered SVG charts: horizontal stacked bars, drawn by this small module.

No JavaScript, no CDN (intranets, PIPL Art. 36): the SVG is inline in the page, its text
is escaped, it has a <title> and a text table follows every chart for screen readers.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterable, Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

PALETTE = ("#2f6f9f", "#e07b39", "#5aa469", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
           "#64b5cd")
BAR = 20
GAP = 8
LABEL_W = 170
WIDTH = 720


def stacked_bars(points: Iterable[tuple[str, str, float]], *, title: str, unit: str = "") -> Markup:
    """One bar per category, one coloured segment per series; values at the bar ends."""
    categories: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()
    series: list[str] = []
    for category, name, value in points:
        categories.setdefault(category, OrderedDict())
        categories[category][name] = categories[category].get(name, 0.0) + float(value)
        if name not in series:
            series.append(name)
    if not categories:
        return Markup('<p class="note">{}</p>').format(_("No data yet."))
    largest = max(sum(v.values()) for v in categories.values()) or 1.0
    plot_w = WIDTH - LABEL_W - 70
    legend_rows = (len(series) + 2) // 3
    top = 28 + 18 * legend_rows
    height = top + len(categories) * (BAR + GAP) + 10
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="15" font-weight="600">{escape(title)}</text>',
    ]
    for i, name in enumerate(series):
        x, y = (i % 3) * 230, 28 + (i // 3) * 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(_short(name, 30))}</text>')
    for row, (category, values) in enumerate(categories.items()):
        y = top + row * (BAR + GAP)
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + BAR - 6}" font-size="12" text-anchor="end">'
                     f"{escape(_short(category, 16))}</text>")
        x = float(LABEL_W)
        for i, name in enumerate(series):
            value = values.get(name, 0.0)
            if value <= 0:
                continue
            w = plot_w * value / largest
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{BAR}" '
                         f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(category)} · {escape(name)}: '
                         f"{_fmt(value)}{escape(unit)}</title></rect>")
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR - 6}" font-size="12">{_fmt(sum(values.values()))}'
                     f"{escape(unit)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def points(rows: Sequence[Sequence[object]], category: int, series: int | Sequence[int], value: int) -> list[tuple[str, str, float]]:
    """Chart points from table rows: which column is the bar, which the segment, which the number."""
    columns = [series] if isinstance(series, int) else list(series)
    return [(str(r[category]), " · ".join(str(r[c]) for c in columns if r[c] != ""), float(r[value])) for r in rows]
