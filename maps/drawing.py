"""A laid-out graph as an SVG drawing: positions, sizes, colours and a legend.

No database: the view hands in the graph, its layout and how to link a paper.
The SVG works without JavaScript (links and native tooltips); static/js/map.js
adds pan, zoom and a richer tooltip.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import escape

WIDTH, HEIGHT, PAD = 1000, 640, 36
PALETTE = (
    "#2457c5", "#d1495b", "#2a9d8f", "#e9a23b", "#7b4fb5", "#3d8a3d",
    "#c2607e", "#1f8fb3", "#8c6d31", "#5c6bc0", "#b5473a", "#4d7c8a",
)  # fmt: skip
NO_GROUP = "#9aa3b2"
YEAR_COLOURS = ("#1d3f8f", "#2f74c0", "#45a5a0", "#9ac15a", "#e8b040", "#e0603a")
COLOUR_MODES = ("application", "year")


@dataclass
class DrawnNode:
    """One paper on the drawing."""

    id: int
    key: str
    title: str
    year: int | None
    group: str
    colour: str
    x: float
    y: float
    r: float
    citations: int
    url: str
    selected: bool = False
    labelled: bool = False


@dataclass
class Drawing:
    """Everything the map template draws."""

    nodes: list[DrawnNode]
    edges: list[tuple[float, float, float, float, str, float]]
    legend: list[tuple[str, str]]
    colour_by: str
    width: int = WIDTH
    height: int = HEIGHT
    title: str = "Literature map"
    sizes: list[int] = field(default_factory=list)


def _year_groups(years: list[int]) -> list[tuple[int, int]]:
    """Up to six year ranges covering the years, oldest first."""
    distinct = sorted(set(years))
    if len(distinct) <= len(YEAR_COLOURS):
        return [(year, year) for year in distinct]
    low, high = distinct[0], distinct[-1]
    step = math.ceil((high - low + 1) / len(YEAR_COLOURS))
    return [
        (start, min(start + step - 1, high)) for start in range(low, high + 1, step)
    ]


def _year_colours(graph) -> tuple[dict, list]:
    ranges = _year_groups([year for _, year in graph.nodes(data="year") if year])
    legend = [
        (YEAR_COLOURS[i], str(low) if low == high else f"{low}–{high}")
        for i, (low, high) in enumerate(ranges)
    ]
    found = {}
    for node, year in graph.nodes(data="year"):
        index = next(
            (i for i, (low, high) in enumerate(ranges) if low <= (year or 0) <= high),
            None,
        )
        found[node] = (
            (legend[index][1], legend[index][0])
            if index is not None
            else ("year unknown", NO_GROUP)
        )
    return found, legend


def _application_colours(graph, applications) -> tuple[dict, list]:
    colour_of = {
        slug: PALETTE[i % len(PALETTE)] for i, (slug, _) in enumerate(applications)
    }
    names = dict(applications)
    found = {
        node: (names.get(slug, "no application label"), colour_of.get(slug, NO_GROUP))
        for node, slug in graph.nodes(data="application_slug")
    }
    present = {slug for _, slug in graph.nodes(data="application_slug")}
    legend = [(colour_of[s], names[s]) for s, _ in applications if s in present]
    return found, legend


def _colours(graph, colour_by: str, applications: list[tuple[str, str]]):
    """(group name, colour) per node, and the legend as (colour, group name)."""
    if colour_by == "year":
        found, legend = _year_colours(graph)
    else:
        found, legend = _application_colours(graph, applications)
    missing = {group for group, colour in found.values() if colour == NO_GROUP}
    legend += [(NO_GROUP, group) for group in sorted(missing)]
    return found, legend


def draw(
    graph,
    positions: dict[int, tuple[float, float]],
    *,
    colour_by: str,
    applications: list[tuple[str, str]],
    url_for: Callable[[str], str],
    selected: int | None = None,
    labelled: int = 8,
) -> Drawing:
    """Place, size and colour the nodes; `applications` is (slug, name) in the
    taxonomy's order, so that an application keeps its colour on every map."""
    groups, legend = _colours(graph, colour_by, applications)
    base = 6.0 if len(graph) <= 80 else 3.5
    scale = lambda x, y: (  # noqa: E731
        round(PAD + x * (WIDTH - 2 * PAD), 1),
        round(PAD + y * (HEIGHT - 2 * PAD), 1),
    )
    by_citations = sorted(graph, key=lambda n: (-graph.nodes[n]["citations"], n))
    named = set(by_citations[:labelled]) | {selected}
    nodes = []
    for node, data in graph.nodes(data=True):
        x, y = scale(*positions[node])
        radius = base + 2.5 * math.sqrt(data["citations"])
        group, colour = groups[node]
        nodes.append(
            DrawnNode(
                node, data["key"], data["title"], data.get("year"), group, colour,
                x, y, round(min(radius, 24.0), 1), data["citations"],
                url_for(data["key"]), node == selected, node in named,
            )
        )  # fmt: skip
    # Big nodes first, so that small ones stay on top and can be hovered.
    nodes.sort(key=lambda n: (-n.r, n.id))
    radii = {node.id: node.r for node in nodes}
    return Drawing(nodes, _edges(graph, positions, scale, radii), legend, colour_by)


def _shortened(start, end, radius: float) -> tuple[float, float]:
    """The end point moved back by radius, so that an arrowhead stays visible."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length <= radius + 1:
        return end
    keep = (length - radius - 1) / length
    return round(start[0] + dx * keep, 1), round(start[1] + dy * keep, 1)


def _edges(graph, positions, scale, radii) -> list[tuple]:
    """One line per pair: a citation if there is one, else the similarity."""
    drawn: dict[tuple, tuple] = {}
    for u, v, kind, weight in graph.edges(keys=True, data="weight"):
        pair = (min(u, v), max(u, v))
        if kind == "cites":
            start, end = scale(*positions[u]), scale(*positions[v])
            end = _shortened(start, end, radii[v])
            drawn[pair] = (*start, *end, "cites", 1.0)
        elif pair not in drawn or drawn[pair][4] != "cites":
            total = (drawn[pair][5] if pair in drawn else 0.0) + weight
            drawn[pair] = (
                *scale(*positions[u]),
                *scale(*positions[v]),
                "similar",
                total,
            )
    return [drawn[pair] for pair in sorted(drawn)]


def svg_markup(drawing: Drawing) -> str:
    """The drawing as inline SVG: a link per paper, native tooltips."""
    parts = [
        f'<svg class="map-svg" data-map viewBox="0 0 {drawing.width} '
        f'{drawing.height}" role="group" aria-labelledby="map-svg-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-svg-title">{escape(drawing.title)}</title>',
        '<defs><marker id="map-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="5" markerHeight="5" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="map-arrow"/></marker></defs>',
        '<g class="map-viewport"><g class="map-edges">',
    ]
    for x1, y1, x2, y2, kind, weight in drawing.edges:
        width = 1.0 if kind == "cites" else round(0.6 + min(weight, 2.0), 2)
        marker = ' marker-end="url(#map-arrow)"' if kind == "cites" else ""
        parts.append(
            f'<line class="edge edge-{kind}" x1="{x1}" y1="{y1}" x2="{x2}" '
            f'y2="{y2}" stroke-width="{width}"{marker}/>'
        )
    parts.append('</g><g class="map-nodes">')
    for node in drawing.nodes:
        parts.append(_node_markup(node))
    parts.append("</g></g></svg>")
    return "".join(parts)


def _node_markup(node: DrawnNode) -> str:
    year = f" ({node.year})" if node.year else ""
    classes = "node node-selected" if node.selected else "node"
    label = (
        f'<text class="node-label" x="{node.x}" y="{round(node.y - node.r - 4, 1)}">'
        f"{escape(node.key)}</text>"
        if node.labelled
        else ""
    )
    return (
        f'<a class="{classes}" href="{escape(node.url)}" data-key="{escape(node.key)}" '
        f'data-title="{escape(node.title)}" data-year="{node.year or ""}" '
        f'data-group="{escape(node.group)}" data-citations="{node.citations}">'
        f'<circle cx="{node.x}" cy="{node.y}" r="{node.r}" fill="{node.colour}"/>'
        f"<title>{escape(node.title)}{year}</title>{label}</a>"
    )


def list_markup(drawing: Drawing) -> str:
    """The rows of the papers' table (the map without pictures), written here
    rather than in the template: a set map lists 500 papers."""
    rows = []
    for node in drawing.nodes:
        selected = ' class="selected"' if node.selected else ""
        rows.append(
            f'<tr{selected}><td><a href="{escape(node.url)}">{escape(node.title)}'
            f"</a></td><td>{node.year or '–'}</td><td>{escape(node.group)}</td>"
            f"<td>{node.citations}</td></tr>"
        )
    return "".join(rows)
