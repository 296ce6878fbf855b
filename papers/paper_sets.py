"""The published papers as sets of ids, one per taxonomy node and per year.

A list narrowed only by taxonomy nodes and years is the intersection of a few of
these sets, and its facet counts are the sizes of that intersection with each
node's and year's set; the taxonomy's counts, the gap matrices (papers under
two roots) and the trend tables (under a root, in a year) are sizes of
intersections too. Each set is a Python int used as a bitmap (bit i is the
paper with id i): intersecting two of 100,000 papers and counting the result
takes a few microseconds, so each of these costs about a millisecond instead of
a query that joins labels and papers. Each node's set is kept once more per
label provenance (the papers its labels of that provenance place under it), as
a provenance filter counts only those labels. The papers' venues, datasets and
label provenances are kept as (paper, key) pairs, counted for a selection in
one pass, so that the list's other facets need no query either. All of it is
built once per data generation in each app process
(taxonomy.cache.kept_in_process).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce

from papers.models import Label, Paper
from taxonomy.models import Provenance
from taxonomy.selectors import TaxonomyMap

#: Label provenances by the codes the build query gives them.
PROVENANCES = tuple(Provenance.values)


@dataclass(frozen=True)
class Links:
    """(paper, key) pairs, each once: the papers of a venue, a dataset or a
    label provenance. How many papers of a selection each key has is counted
    when asked (one pass over the pairs) rather than kept as a set per key,
    which would cost a bitmap for each of what may be thousands of venues."""

    papers: np.ndarray  # paper ids
    codes: np.ndarray  # positions in keys
    keys: tuple

    def counts(self, selected: np.ndarray) -> dict:
        """{key: papers of the selection (booleans by paper id)}, zeros left out."""
        sizes = np.bincount(self.codes[selected[self.papers]], minlength=len(self.keys))
        return {key: int(n) for key, n in zip(self.keys, sizes, strict=True) if n}


def _links(
    papers: np.ndarray,
    keys: np.ndarray,
    *,
    repeats: bool = False,
    names: tuple | None = None,
) -> Links:
    """Links of aligned paper ids and (integer) keys, each key named by its
    place in `names` if given; `repeats` when a pair may occur more than once
    (for a few keys: one pass over the pairs each)."""
    if repeats:
        span = int(papers.max()) + 1 if len(papers) else 1
        each = []
        for key in np.unique(keys):
            present = np.zeros(span, dtype=bool)
            present[papers[keys == key]] = True
            each.append((np.flatnonzero(present), key))
        papers = np.concatenate([found for found, _ in each] or [_EMPTY])
        keys = np.concatenate([np.full(len(f), k) for f, k in each] or [_EMPTY])
    distinct, codes = np.unique(keys, return_inverse=True)
    return Links(
        papers=papers,
        codes=codes.reshape(-1).astype(np.int32),
        keys=tuple(int(key) if names is None else names[key] for key in distinct),
    )


@dataclass(frozen=True)
class PaperSets:
    """Published papers per node (labelled at it or below it) and per year,
    and their venues, datasets and label provenances as links."""

    under: dict[int, int]
    #: {provenance: {node id: papers labelled at it or below it by a label of
    #: that provenance}}: `under` as a provenance filter sees it.
    under_by_provenance: dict[str, dict[int, int]]
    years: dict[int | None, int]
    size: int  # bits of each set: the highest paper id + 1
    venues: Links
    datasets: Links
    provenances: Links

    def selection(
        self,
        node_groups: Iterable[Iterable[int]] = (),
        year_min: int | None = None,
        year_max: int | None = None,
        provenance: str | None = None,
    ) -> int:
        """Papers under any node of each group, all groups at once, whose year
        lies within the bounds (a bound excludes papers without a year); with
        a provenance, only labels of that provenance place a paper under a
        node (as PaperFilterSet's provenance filter counts them)."""
        under = self.under
        if provenance is not None:
            under = self.under_by_provenance.get(provenance, {})
        selected = 0
        for bits in self.years.values():
            selected |= bits
        for group in node_groups:
            anywhere = 0
            for node in group:
                anywhere |= under.get(node, 0)
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

    def link_counts(self, selected: int) -> tuple[dict, dict, dict]:
        """Papers of the selection per venue id, dataset id and provenance."""
        chosen = self._flags(selected)
        return tuple(
            links.counts(chosen)
            for links in (self.venues, self.datasets, self.provenances)
        )

    @cached_property
    def sort_years(self) -> dict[int, int]:
        """The sets by the year papers sort on: a paper without one as year 0."""
        merged = {year: bits for year, bits in self.years.items() if year is not None}
        if None in self.years:  # the year sets themselves shared, not copied
            merged[0] = merged.get(0, 0) | self.years[None]
        return merged

    def sort_year_counts(self, selected: int) -> dict[int, int]:
        """{sort year: papers} of the selection, zeros left out."""
        return _sizes(self.sort_years, selected)

    def ids_in_sort_years(self, selected: int, years: Iterable[int]) -> list[int]:
        """The ids of the selection's papers of those sort years, in id order."""
        within = 0
        for year in years:
            within |= self.sort_years.get(year, 0)
        return np.flatnonzero(self._flags(selected & within)).tolist()

    def _flags(self, bits: int) -> np.ndarray:
        """A set as booleans by paper id."""
        raw = np.frombuffer(bits.to_bytes((self.size + 7) // 8, "little"), np.uint8)
        return np.unpackbits(raw, bitorder="little")[: self.size].astype(bool)


# A list ordered by year (newest or oldest first, then by title and id) shows
# each year's papers together, so which years a page can show follows from how
# many papers each year has. The two functions below find them, for a page
# after a row (keyset pages) and for rows by position (numbered pages). Years
# are sort years (a paper without a year sorts as year 0); `counts` gives each
# one's papers, zeros left out.


def years_in_reach(
    counts: dict[int, int], *, descending: bool, start: int | None, rows: int
) -> list[int]:
    """The years whose papers a page of `rows` rows can show, in a list ordered
    by year (descending or not) that starts after a row of year `start`, or at
    the top when None: that year itself, whose papers the page may show any
    of, and the years after it until they hold `rows` papers. The rows of any
    later year sort after at least `rows` rows of these."""

    def before_start(year: int) -> bool:
        if start is None:
            return False
        return year > start if descending else year < start

    reach, held = [], 0
    for year in sorted(counts, reverse=descending):
        if before_start(year):
            continue
        reach.append(year)
        if year != start:
            held += counts[year]
        if held >= rows:
            break
    return reach


def years_of_rows(
    counts: dict[int, int], *, descending: bool, first: int, rows: int
) -> tuple[list[int], int]:
    """The years holding rows `first` to `first + rows - 1` (counted from 0) of
    a list ordered by year (descending or not), and how many rows the years
    before them hold."""
    years, skipped, held = [], 0, 0
    for year in sorted(counts, reverse=descending):
        if not years and skipped + counts[year] <= first:
            skipped += counts[year]
            continue
        years.append(year)
        held += counts[year]
        if skipped + held >= first + rows:
            break
    return years, skipped


def _sizes(sets: dict, selected: int) -> dict:
    sizes = {key: (bits & selected).bit_count() for key, bits in sets.items()}
    return {key: size for key, size in sizes.items() if size}


def build_paper_sets(using: str, taxonomy: TaxonomyMap) -> PaperSets:
    """Read every published paper's year, venue, labels and datasets (one
    query) into sets and links."""
    by_year, by_node, by_dataset = _grouped_ids(using)
    size = 1 + max((int(ids.max()) for ids, _ in by_year.values()), default=0)
    under_by_provenance = {
        value: _under(
            {node: ids[codes == code] for node, (ids, codes) in by_node.items()},
            taxonomy,
            size,
        )
        for code, value in enumerate(PROVENANCES)
    }
    papers, venues = _joined(by_year.values())
    labelled, provenances = _joined(by_node.values())
    has_venue = venues != NO_VENUE
    return PaperSets(
        under=_under({node: ids for node, (ids, _) in by_node.items()}, taxonomy, size),
        under_by_provenance=under_by_provenance,
        years={year: _bitmap(ids, size) for year, (ids, _) in by_year.items()},
        size=size,
        venues=_links(papers[has_venue], venues[has_venue]),
        datasets=_links(*_joined(by_dataset.values())),
        provenances=_links(labelled, provenances, repeats=True, names=PROVENANCES),
    )


def _under(labelled: dict[int, np.ndarray], taxonomy: TaxonomyMap, size: int):
    """{node id: papers labelled at it or below it}, from {node id: ids of the
    papers labelled at it}; nodes without papers left out."""
    under = {}
    for node in taxonomy.nodes:
        found = [labelled[n] for n in taxonomy.descendants([node]) if n in labelled]
        if any(len(ids) for ids in found):
            under[node] = _bitmap(np.concatenate(found), size)
    return under


#: The venue id standing for none (ids start at 1).
NO_VENUE = 0
_EMPTY = np.zeros(0, dtype=np.int64)
Grouped = dict[Any, tuple[np.ndarray, np.ndarray]]


def _grouped_ids(using: str) -> tuple[Grouped, Grouped, Grouped]:
    """The ids of the published papers by year, each with its venue id (or
    NO_VENUE); of the labelled ones by node, each with its label's provenance
    (its place in PROVENANCES); and of those using a dataset by dataset, each
    with the dataset's id. One query: a UNION of the three groupings, on
    PostgreSQL grouped by the database (a few rows of two aligned arrays each
    instead of one row per id; the papers' part an index-only scan of
    papers_paper_status_year_idx)."""
    papers = Paper.objects.using(using).published()
    # Labels and dataset links less those of the few unpublished papers: no
    # join with every paper's row.
    unpublished = Paper.objects.using(using).unpublished().values("pk")
    labels = Label.objects.using(using).exclude(paper__in=unpublished)
    links = Paper.datasets.through.objects.using(using).exclude(paper__in=unpublished)
    codes = [
        When(provenance=value, then=code) for code, value in enumerate(PROVENANCES)
    ]
    provenance = Case(*codes, output_field=IntegerField())
    groupings = (
        (papers, "year", "pk", Coalesce("venue_id", NO_VENUE)),
        (labels, "node_id", "paper_id", provenance),
        (links, "dataset_id", "paper_id", F("dataset_id")),
    )
    grouped = connections[using].vendor == "postgresql"
    parts = [
        rows.order_by()
        .values(key)
        # Both aggregates take the group's rows in the same order.
        .annotate(ids=ArrayAgg(ids), subs=ArrayAgg(sub))
        .values_list(Value(n), key, "ids", "subs")
        if grouped
        else rows.order_by().values_list(Value(n), key, ids, sub)
        for n, (rows, key, ids, sub) in enumerate(groupings)
    ]
    found: tuple[dict, dict, dict] = ({}, {}, {})
    for which, key, ids, subs in parts[0].union(*parts[1:], all=True):
        if grouped:
            found[which][key] = (ids, subs)
        else:
            pairs = found[which].setdefault(key, ([], []))
            pairs[0].append(ids)
            pairs[1].append(subs)
    return tuple(
        {
            key: (np.array(ids, dtype=np.int64), np.array(subs, dtype=np.int64))
            for key, (ids, subs) in one.items()
        }
        for one in found
    )


def _joined(pairs) -> tuple[np.ndarray, np.ndarray]:
    """The groups' aligned arrays, each pair of them joined end to end."""
    pairs = list(pairs)
    return (
        np.concatenate([ids for ids, _ in pairs] or [_EMPTY]),
        np.concatenate([subs for _, subs in pairs] or [_EMPTY]),
    )


def _bitmap(ids: np.ndarray, size: int) -> int:
    """The int whose bit i is set for each i in ids."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    return int.from_bytes(np.packbits(present, bitorder="little").tobytes(), "little")
