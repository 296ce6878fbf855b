"""Stacked bar charts of papers per year as inline SVG (no chart library)."""

import pandas as pd
from django.utils.html import escape

from maps.drawing import NO_GROUP, PALETTE

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
#: Series drawn on their own; the rest are summed as "other".
SHOWN = 8


def chart_series(table: pd.DataFrame, names: dict[str, str]) -> list[tuple]:
    """(name, colour, counts per year) for the biggest series, plus "other"."""
    totals = table.sum().sort_values(ascending=False, kind="stable")
    shown = [slug for slug in totals.index[:SHOWN] if totals[slug] > 0]
    series = [
        (names.get(slug, slug), PALETTE[i % len(PALETTE)], table[slug].tolist())
        for i, slug in enumerate(shown)
    ]
    rest = [slug for slug in table.columns if slug not in shown]
    if rest and int(table[rest].to_numpy().sum()):
        series.append(("other", NO_GROUP, table[rest].sum(axis=1).tolist()))
    return series


def stacked_bars(table: pd.DataFrame, names: dict[str, str], title: str) -> dict:
    """{"svg": markup, "legend": [(colour, name)]} for a years x series table."""
    series = chart_series(table, names)
    years = [int(year) for year in table.index]
    if not years or not series:
        return {"svg": "", "legend": []}
    stacks = [sum(counts[i] for _, _, counts in series) for i in range(len(years))]
    top = max(max(stacks), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(years)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        *_axes(top, plot_w, plot_h),
    ]
    for i, year in enumerate(years):
        base = TOP + plot_h
        x = round(LEFT + i * step + step * 0.15, 1)
        for name, colour, counts in series:
            if counts[i]:
                h = round(counts[i] / top * plot_h, 1)
                base = round(base - h, 1)
                parts.append(
                    f'<rect x="{x}" y="{base}" width="{round(step * 0.7, 1)}" '
                    f'height="{h}" fill="{colour}"><title>{year} · '
                    f"{escape(name)}: {counts[i]}</title></rect>"
                )
        if len(years) <= 16 or i % max(1, len(years) // 12) == 0:
            parts.append(
                f'<text class="chart-year" x="{round(LEFT + (i + 0.5) * step, 1)}" '
                f'y="{HEIGHT - 12}">{year}</text>'
            )
    parts.append("</svg>")
    return {"svg": "".join(parts), "legend": [(c, n) for n, c, _ in series]}


def _axes(top: int, plot_w: float, plot_h: float) -> list[str]:
    lines = []
    for value in sorted({0, top // 2, top}):
        y = round(TOP + plot_h - value / top * plot_h, 1)
        lines.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y}" x2="{LEFT + plot_w}" '
            f'y2="{y}"/><text class="chart-tick" x="{LEFT - 6}" y="{y + 4}">'
            f"{value}</text>"
        )
    return lines
