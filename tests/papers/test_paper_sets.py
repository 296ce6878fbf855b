"""Counts from the published paper sets equal those counted by SQL: facets,
the taxonomy's counts, the coverage matrices and the trend tables."""

import random

import pandas as pd
import pytest
from django.http import QueryDict

from maps import stats
from papers.filtersets import PaperFilterSet
from papers.models import Paper, Status
from papers.paper_sets import years_in_reach, years_of_rows
from papers.selectors import (
    _counts,
    _published_counts,
    facets_within,
    paper_facets,
    paper_list,
)
from papers.views import selectors as pages
from papers.views.listing import (
    _other_facets,
    published_count,
    published_year_counts,
)
from taxonomy.models import Dataset, Kind, Node, Provenance
from taxonomy.selectors import taxonomy_map
from tests.conftest import add_labelled_paper

NODE_PARAMETERS = {
    "modality": Kind.MODALITY,
    "application": Kind.APPLICATION,
    "method": Kind.METHOD,
    "open_issue": Kind.OPEN_ISSUE,
}


def filterset(pairs: list[tuple[str, str]]) -> PaperFilterSet:
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    found = PaperFilterSet(query, queryset=paper_list())
    assert found.is_valid(), found.errors
    return found


def random_query(rng: random.Random, slugs: dict[str, list[str]]) -> list[tuple]:
    pairs = []
    for name in rng.sample(list(NODE_PARAMETERS), rng.randint(0, 3)):
        for slug in rng.sample(slugs[name], min(len(slugs[name]), rng.randint(1, 2))):
            pairs.append((name, slug))
    low = rng.choice([None, None, 0, 2005, 2015, 2019])
    high = rng.choice([None, None, 2012, 2018, 2021, 3000])
    if low is not None:
        pairs.append(("year_min", str(low)))
    if high is not None and (low is None or low <= high):
        pairs.append(("year_max", str(high)))
    return pairs


@pytest.fixture
def varied_papers(survey):
    """A few more papers: one without a year, one draft, both labelled."""
    node = Node.objects.filter(kind=Kind.MODALITY).first()
    add_labelled_paper(node, "noyear", None, Status.PUBLISHED)
    add_labelled_paper(node, "d1", 2020, Status.DRAFT)
    return node


@pytest.mark.django_db
def test_counts_from_the_sets_equal_the_sql_counts(varied_papers):
    slugs = {
        name: list(Node.objects.filter(kind=kind).values_list("slug", flat=True))
        for name, kind in NODE_PARAMETERS.items()
    }
    rng = random.Random(2023)
    nonempty = with_links = 0
    for _ in range(60):
        papers = filterset(random_query(rng, slugs))
        narrowing = papers.nodes_and_years()
        assert narrowing is not None
        from_sets = facets_within(*narrowing)
        assert from_sets == paper_facets(papers.qs), papers.data
        assert published_count(papers) == papers.qs.count()
        assert published_year_counts(papers) == pages.year_counts(papers.qs)
        others = _other_facets(papers.qs, narrowing)
        assert others == _other_facets(papers.qs, None), papers.data
        nonempty += any(year["count"] for year in from_sets["year"])
        with_links += bool(others["venues"] and others["datasets"])
    assert nonempty > 10  # the queries select papers, not only empty sets
    assert with_links > 5  # and papers with venues and datasets among them


@pytest.mark.django_db
def test_a_paper_without_a_year_counts_unless_a_year_bound_applies(varied_papers):
    modality = varied_papers
    unbounded = facets_within([[modality.pk]], None, None)
    assert {"value": None, "count": 1} in unbounded["year"]
    bounded = facets_within([[modality.pk]], 0, None)
    assert all(year["value"] is not None for year in bounded["year"])


@pytest.mark.django_db
def test_other_filters_are_left_to_sql(survey):
    dataset = Dataset.objects.values_list("slug", flat=True).first()
    for pairs in (
        [("q", "attention")],
        [("modality", "image"), ("author", "Vinyals")],
        [("dataset", dataset)],
        [("modality", "image"), ("provenance", Provenance.SURVEY)],
    ):
        assert filterset(pairs).nodes_and_years() is None, pairs
    assert filterset([("modality", "image"), ("ordering", "title")]).nodes_and_years()


@pytest.mark.django_db
def test_a_write_is_counted_at_once(varied_papers):
    modality = varied_papers
    before = facets_within([[modality.pk]], None, None)
    count = next(f for f in before["modality"] if f["slug"] == modality.slug)["count"]
    Paper.objects.filter(citation_key="d1").update(status=Status.PUBLISHED)
    after = facets_within([[modality.pk]], None, None)
    assert (
        next(f for f in after["modality"] if f["slug"] == modality.slug)["count"]
        == count + 1
    )


@pytest.mark.django_db
def test_published_counts_matrices_and_trends_equal_their_sql(varied_papers):
    published = Paper.objects.published()
    assert _published_counts() == _counts(published, taxonomy_map())
    kinds = [Kind.MODALITY, Kind.APPLICATION, Kind.METHOD, Kind.OPEN_ISSUE]
    for row_kind in kinds:
        for col_kind in kinds:
            from_sets = stats._published_coverage_matrix(row_kind, col_kind)
            from_sql = stats._coverage_matrix(row_kind, col_kind, published)
            assert from_sets == from_sql, (row_kind, col_kind)
    for kind in kinds:
        pd.testing.assert_frame_equal(
            stats._published_trend_table(kind), stats._trend_table(kind, published)
        )
    assert stats._published_coverage_matrix(Kind.MODALITY, Kind.APPLICATION)["max"]


COUNTS = {2019: 4, 2020: 1, 2021: 2, 2023: 5, 0: 3}  # 0: papers without a year


@pytest.mark.parametrize(
    ("descending", "start", "rows", "reach"),
    [
        # From the top: years until they hold the rows.
        (True, None, 5, [2023]),
        (True, None, 6, [2023, 2021]),
        (True, None, 8, [2023, 2021, 2020]),
        (False, None, 3, [0]),
        (False, None, 4, [0, 2019]),
        # After a row of year `start`: that year (however many of its papers
        # the page has left) and then years holding the rows.
        (True, 2021, 1, [2021, 2020]),
        (True, 2021, 2, [2021, 2020, 2019]),
        (True, 2022, 2, [2021]),  # a start year with no papers of its own
        (True, 2019, 2, [2019, 0]),
        (False, 2020, 2, [2020, 2021]),
        (False, 0, 4, [0, 2019]),
        # The rest of the list when it holds fewer rows.
        (True, 2020, 50, [2020, 2019, 0]),
        (True, 0, 50, [0]),
    ],
)
def test_the_years_in_reach_of_a_page(descending, start, rows, reach):
    found = years_in_reach(COUNTS, descending=descending, start=start, rows=rows)
    assert found == reach


def test_the_years_in_reach_hold_every_row_a_page_can_show():
    """Against the rows themselves: a page after any row of a list of papers
    ordered by year shows only papers of the years in reach, which go no
    further than they must; the rows from that position are of exactly the
    years years_of_rows finds, after as many rows as it says."""
    rng = random.Random(7)
    for _ in range(200):
        counts = {
            year: rng.randint(1, 4)
            for year in rng.sample([0, 2001, 2002, 2003, 2004, 2005], 4)
        }
        descending = rng.random() < 0.5
        rows = [
            year
            for year in sorted(counts, reverse=descending)
            for _ in range(counts[year])
        ]
        size = rng.randint(1, 6)
        position = rng.randint(-1, len(rows) - 1)  # -1: the top of the list
        start = None if position < 0 else rows[position]
        page = rows[position + 1 : position + 1 + size]
        reach = years_in_reach(counts, descending=descending, start=start, rows=size)
        assert set(reach) >= set(page), (counts, start, size)
        # No further than the first year by which the years after the start's
        # hold a page of rows.
        passed = [year for year in reach[:-1] if year != start]
        assert sum(counts[year] for year in passed) < size, (counts, start, size)
        # Rows by position: exactly the years of the rows, and the rows before.
        first = position + 1
        years, skipped = years_of_rows(
            counts, descending=descending, first=first, rows=size
        )
        assert years == sorted(set(page), reverse=descending), (counts, first, size)
        assert skipped == (rows.index(years[0]) if page else len(rows))
