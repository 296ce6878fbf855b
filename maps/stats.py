"""Counts for the statistics pages: papers per year and taxonomy root (pandas),
and the coverage matrix of two kinds of node (e.g. modality x application).

A paper counts once under each root that one of its labels sits under.
"""

from collections import defaultdict

import pandas as pd
from django.db import connections
from django.db.models import QuerySet

from papers.models import Label, Paper
from papers.selectors import published_paper_sets
from taxonomy.cache import cached
from taxonomy.models import Kind, Node, Provenance

TREND_KINDS = (Kind.APPLICATION, Kind.MODALITY, Kind.METHOD)


def _roots(kind: str) -> tuple[list[Node], dict[int, int]]:
    """The roots of a kind in tree order, and the root of every node of it."""
    nodes = list(Node.objects.filter(kind=kind).order_by("position", "name"))
    parents = {n.pk: n.parent_id for n in nodes}
    root_of = {}
    for node in nodes:
        current, seen = node.pk, set()
        while parents.get(current) is not None and current not in seen:
            seen.add(current)
            current = parents[current]
        root_of[node.pk] = current
    return [n for n in nodes if n.parent_id is None], root_of


def _root_pairs(kinds, papers: QuerySet[Paper] | None) -> dict[str, set]:
    """{kind: {(paper_id, root_id)}} for the given papers (default: published)."""
    papers = Paper.objects.published() if papers is None else papers
    roots = {kind: _roots(kind)[1] for kind in set(kinds)}
    labels = Label.objects.filter(
        paper__in=papers.order_by().values("pk"), node__kind__in=list(roots)
    ).values_list("paper_id", "node_id", "node__kind")
    found: dict[str, set] = defaultdict(set)
    for paper_id, node_id, kind in labels.iterator(chunk_size=5000):
        found[kind].add((paper_id, roots[kind][node_id]))
    return found


def coverage_matrix(
    row_kind: str, col_kind: str, papers_qs: QuerySet[Paper] | None = None
) -> dict:
    """Papers per (row root, column root): {"rows", "cols", "cells", "max"};
    rows and cols are [{"slug", "name", "provenance", "total"}], cells[i][j] a
    count, and an empty cell is a gap in the literature. Over every published
    paper it is kept for the current data generation."""
    if row_kind not in Kind.values or col_kind not in Kind.values:
        raise ValueError("row_kind and col_kind must be taxonomy kinds")
    if papers_qs is None:
        return cached(
            f"coverage-matrix:{row_kind}:{col_kind}",
            lambda using: _published_coverage_matrix(row_kind, col_kind),
        )
    return _coverage_matrix(row_kind, col_kind, papers_qs)


def _coverage_matrix(row_kind: str, col_kind: str, papers: QuerySet[Paper]) -> dict:
    (row_roots, row_of), (col_roots, col_of) = _roots(row_kind), _roots(col_kind)
    cells, totals = _root_pair_counts(papers, row_of, col_of)
    return _matrix(row_kind, col_kind, row_roots, col_roots, cells, totals)


def _published_coverage_matrix(row_kind: str, col_kind: str) -> dict:
    """_coverage_matrix of every published paper, from the published paper sets."""
    under = published_paper_sets().under
    row_roots, col_roots = _roots(row_kind)[0], _roots(col_kind)[0]
    cells = {
        (r.pk, c.pk): (under.get(r.pk, 0) & under.get(c.pk, 0)).bit_count()
        for r in row_roots
        for c in col_roots
    }
    totals = tuple(
        {root.pk: under.get(root.pk, 0).bit_count() for root in roots}
        for roots in (row_roots, col_roots)
    )
    return _matrix(row_kind, col_kind, row_roots, col_roots, cells, totals)


def _matrix(row_kind, col_kind, row_roots, col_roots, cells, totals) -> dict:
    grid = [[cells.get((r.pk, c.pk), 0) for c in col_roots] for r in row_roots]
    return {
        "row_kind": row_kind,
        "col_kind": col_kind,
        "rows": _axis(row_roots, totals[0]),
        "cols": _axis(col_roots, totals[1]),
        "cells": grid,
        "max": max((n for row in grid for n in row), default=0),
    }


def _root_pair_counts(
    papers: QuerySet[Paper], row_of: dict[int, int], col_of: dict[int, int]
) -> tuple[dict[tuple[int, int], int], tuple[dict[int, int], dict[int, int]]]:
    """({(row root, column root): papers}, ({row root: papers}, {column root:
    papers})) over the papers, counted in PostgreSQL or SQLite in one query:
    each label is placed under its root on either axis (a VALUES list of (node,
    axis, root)), then papers are paired with themselves across the axes."""
    placed = [(node, 0, root) for node, root in row_of.items()]
    placed += [(node, 1, root) for node, root in col_of.items()]
    if not placed:
        return {}, ({}, {})
    values = ", ".join(f"({int(n)}, {axis}, {int(r)})" for n, axis, r in placed)
    chosen, params = papers.order_by().values("pk").query.sql_with_params()
    label = Label._meta.db_table
    sql = (
        "WITH located (paper, axis, root) AS ("
        f" SELECT DISTINCT {label}.paper_id, roots.axis, roots.root FROM {label}"
        f" JOIN (SELECT column1 AS node, column2 AS axis, column3 AS root"
        f" FROM (VALUES {values}) AS placed) AS roots ON roots.node = {label}.node_id"
        f" WHERE {label}.paper_id IN ({chosen}))"
        " SELECT 2, r.root, c.root, COUNT(*) FROM located r JOIN located c"
        " ON c.paper = r.paper AND r.axis = 0 AND c.axis = 1 GROUP BY r.root, c.root"
        " UNION ALL SELECT axis, root, 0, COUNT(*) FROM located GROUP BY axis, root"
    )
    cells: dict[tuple[int, int], int] = {}
    totals: tuple[dict[int, int], dict[int, int]] = ({}, {})
    with connections[papers.db].cursor() as cursor:
        cursor.execute(sql, params)
        for what, first, second, n in cursor.fetchall():
            if what == 2:
                cells[(first, second)] = n
            else:
                totals[what][first] = n
    return cells, totals


def _axis(roots: list[Node], totals: dict[int, int]) -> list[dict]:
    return [
        {
            "slug": r.slug,
            "name": r.name,
            "provenance": r.provenance,
            "total": totals.get(r.pk, 0),
        }
        for r in roots
    ]


def trend_table(kind: str, papers_qs: QuerySet[Paper] | None = None) -> pd.DataFrame:
    """Papers per year (rows) and root of `kind` (columns, named by slug, in
    tree order); papers without a year are left out."""
    if kind not in Kind.values:
        raise ValueError("kind must be a taxonomy kind")
    if papers_qs is None:
        return cached(f"trend-table:{kind}", lambda using: _published_trend_table(kind))
    return _trend_table(kind, papers_qs)


def _published_trend_table(kind: str) -> pd.DataFrame:
    """_trend_table of every published paper, from the published paper sets."""
    sets = published_paper_sets()
    roots = _roots(kind)[0]
    under = [sets.under.get(root.pk, 0) for root in roots]
    counts = {
        year: [(papers & bits).bit_count() for bits in under]
        for year, papers in sets.years.items()
        if year is not None
    }
    counts = {year: row for year, row in counts.items() if any(row)}
    slugs = [root.slug for root in roots]
    table = pd.DataFrame.from_dict(counts, orient="index", columns=slugs)
    if len(table):
        table = table.reindex(range(min(counts), max(counts) + 1), fill_value=0)
    table.index.name = "year"
    return table.astype(int)


def _trend_table(kind: str, papers: QuerySet[Paper]) -> pd.DataFrame:
    roots, _ = _roots(kind)
    years = dict(papers.exclude(year=None).values_list("pk", "year"))
    pairs = [
        (years[paper], root)
        for paper, root in _root_pairs({kind}, papers)[kind]
        if paper in years
    ]
    frame = pd.DataFrame(pairs, columns=["year", "root"])
    slugs = {r.pk: r.slug for r in roots}
    frame["root"] = frame["root"].map(slugs)
    table = pd.crosstab(frame["year"], frame["root"]) if len(frame) else pd.DataFrame()
    table = table.reindex(columns=[r.slug for r in roots], fill_value=0)
    if len(table):
        span = range(int(table.index.min()), int(table.index.max()) + 1)
        table = table.reindex(span, fill_value=0)
    table.index.name, table.columns.name = "year", None
    return table.astype(int)


def root_names(kind: str) -> dict[str, str]:
    """The roots' names for a chart, those the review does not state marked
    ("Video description (inferred)")."""
    return {
        r.slug: r.name
        if r.provenance == Provenance.SURVEY
        else f"{r.name} ({r.provenance})"
        for r in _roots(kind)[0]
    }
