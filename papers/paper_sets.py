"""The published papers as sets of ids, one per taxonomy node and per year.

A list narrowed only by taxonomy nodes and years is the intersection of a few of
these sets, and its facet counts are the sizes of that intersection with each
node's and year's set; the taxonomy's counts, the gap matrices (papers under
two roots) and the trend tables (under a root, in a year) are sizes of
intersections too. Each set is a Python int used as a bitmap (bit i is the
paper with id i): intersecting two of 100,000 papers and counting the result
takes a few microseconds, so each of these costs about a millisecond instead of
a query that joins labels and papers. The sets are built once per data
generation in each app process (taxonomy.cache.kept_in_process).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Value

from papers.models import Label, Paper, Status
from taxonomy.selectors import TaxonomyMap


@dataclass(frozen=True)
class PaperSets:
    """Published papers per node (labelled at it or below it) and per year."""

    under: dict[int, int]
    years: dict[int | None, int]

    def selection(
        self,
        node_groups: Iterable[Iterable[int]] = (),
        year_min: int | None = None,
        year_max: int | None = None,
    ) -> int:
        """Papers under any node of each group, all groups at once, whose year
        lies within the bounds (a bound excludes papers without a year)."""
        selected = 0
        for bits in self.years.values():
            selected |= bits
        for group in node_groups:
            anywhere = 0
            for node in group:
                anywhere |= self.under.get(node, 0)
            selected &= anywhere
        if year_min is not None or year_max is not None:
            low = -1 if year_min is None else year_min
            high = 10_000 if year_max is None else year_max
            within = 0
            for year, bits in self.years.items():
                if year is not None and low <= year <= high:
                    within |= bits
            selected &= within
        return selected

    def counts(self, selected: int) -> tuple[dict[int, int], dict[int | None, int]]:
        """({node id: papers}, {year: papers}) of the selection, zeros left out."""
        return _sizes(self.under, selected), self.year_counts(selected)

    def year_counts(self, selected: int) -> dict[int | None, int]:
        """{year: papers} of the selection, zeros left out."""
        return _sizes(self.years, selected)


def _sizes(sets: dict, selected: int) -> dict:
    sizes = {key: (bits & selected).bit_count() for key, bits in sets.items()}
    return {key: size for key, size in sizes.items() if size}


def build_paper_sets(using: str, taxonomy: TaxonomyMap) -> PaperSets:
    """Read every published paper's year and labels (one query) into sets."""
    by_year, by_node = _ids_by_year_and_node(using)
    size = 1 + max((int(ids.max()) for ids in by_year.values()), default=0)
    under = {}
    for node in taxonomy.nodes:
        found = [by_node[n] for n in taxonomy.descendants([node]) if n in by_node]
        if found:
            under[node] = _bitmap(np.concatenate(found), size)
    return PaperSets(
        under=under, years={year: _bitmap(ids, size) for year, ids in by_year.items()}
    )


def _ids_by_year_and_node(using: str) -> tuple[dict, dict]:
    """({year: paper ids}, {node id: ids of the papers labelled with it}) over
    the published papers, as arrays, in one query (a UNION of the two groupings;
    on PostgreSQL grouped by the database, a few rows of arrays instead of one
    row per id)."""
    papers = Paper.objects.using(using).filter(status=Status.PUBLISHED).order_by()
    labels = Label.objects.using(using).filter(paper__status=Status.PUBLISHED)
    groupings = ((papers, "year", "pk"), (labels.order_by(), "node_id", "paper_id"))
    grouped = connections[using].vendor == "postgresql"
    parts = [
        rows.values(key).annotate(ids=ArrayAgg(ids)).values_list(Value(n), key, "ids")
        if grouped
        else rows.values_list(Value(n), key, ids)
        for n, (rows, key, ids) in enumerate(groupings)
    ]
    found: tuple[dict, dict] = ({}, {})
    for which, key, ids in parts[0].union(parts[1], all=True):
        if grouped:
            found[which][key] = ids
        else:
            found[which].setdefault(key, []).append(ids)
    return tuple(
        {key: np.array(ids, dtype=np.int64) for key, ids in one.items()}
        for one in found
    )


def _bitmap(ids: np.ndarray, size: int) -> int:
    """The int whose bit i is set for each i in ids."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    return int.from_bytes(np.packbits(present, bitorder="little").tobytes(), "little")
