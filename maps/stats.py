"""Counts for the statistics pages: papers per year and taxonomy root (pandas),
and the coverage matrix of two kinds of node (e.g. modality x application).

A paper counts once under each root that one of its labels sits under.
"""

from collections import defaultdict

import pandas as pd
from django.db.models import QuerySet

from papers.models import Label, Paper
from taxonomy.models import Kind, Node

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
    rows and cols are [{"slug", "name", "total"}], cells[i][j] a count, and an
    empty cell is a gap in the literature."""
    if row_kind not in Kind.values or col_kind not in Kind.values:
        raise ValueError("row_kind and col_kind must be taxonomy kinds")
    row_roots, col_roots = _roots(row_kind)[0], _roots(col_kind)[0]
    pairs = _root_pairs({row_kind, col_kind}, papers_qs)
    rows_of, cols_of = defaultdict(set), defaultdict(set)
    for paper, root in pairs[row_kind]:
        rows_of[paper].add(root)
    for paper, root in pairs[col_kind]:
        cols_of[paper].add(root)
    counts: dict[tuple, int] = defaultdict(int)
    for paper, row_set in rows_of.items():
        for row in row_set:
            for col in cols_of.get(paper, ()):
                counts[(row, col)] += 1
    cells = [[counts[(r.pk, c.pk)] for c in col_roots] for r in row_roots]
    return {
        "row_kind": row_kind,
        "col_kind": col_kind,
        "rows": _axis(row_roots, rows_of),
        "cols": _axis(col_roots, cols_of),
        "cells": cells,
        "max": max((n for row in cells for n in row), default=0),
    }


def _axis(roots: list[Node], papers_of: dict[int, set]) -> list[dict]:
    totals: dict[int, int] = defaultdict(int)
    for root_set in papers_of.values():
        for root in root_set:
            totals[root] += 1
    return [{"slug": r.slug, "name": r.name, "total": totals[r.pk]} for r in roots]


def trend_table(kind: str, papers_qs: QuerySet[Paper] | None = None) -> pd.DataFrame:
    """Papers per year (rows) and root of `kind` (columns, named by slug, in
    tree order); papers without a year are left out."""
    if kind not in Kind.values:
        raise ValueError("kind must be a taxonomy kind")
    roots, _ = _roots(kind)
    papers = Paper.objects.published() if papers_qs is None else papers_qs
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
    table.index.name = "year"
    return table.astype(int)


def root_names(kind: str) -> dict[str, str]:
    return {r.slug: r.name for r in _roots(kind)[0]}
