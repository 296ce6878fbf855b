"""Numbered pages of a paper list narrowed by taxonomy nodes and ordered by
year are read from the papers of their years (papers.selectors.papers_of_rows)
instead of checking the labels of every paper before them: the same papers,
page for page, as slicing the filters' own query."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from papers import selectors
from papers.selectors import paper_list
from papers.views import listing

pytestmark = pytest.mark.django_db

NARROWINGS = [
    "application=image-description",
    "application=emotion-recognition&year_min=2013&year_max=2019",
    "modality=image&method=attention-based-vqa&method=encoder-decoder-video-description",
]


def pages_of(query: str) -> list[list[str]]:
    """The citation keys of each page of the list, and the filters' own."""
    first = listing.browse(QueryDict(query), base=paper_list(), facets=False)
    pages = []
    for number in first.page.paginator.page_range:
        found = listing.browse(
            QueryDict(f"{query}&page={number}"), base=paper_list(), facets=False
        )
        pages.append([paper.citation_key for paper in found.page.object_list])
    return pages


def sliced(query: str, size: int) -> list[list[str]]:
    """The filters' own query, cut into pages."""
    papers = listing.browse(QueryDict(query), base=paper_list(), facets=False)
    keys = list(papers.filterset.qs.values_list("citation_key", flat=True))
    return [keys[start : start + size] for start in range(0, len(keys), size)]


@pytest.mark.parametrize("ordering", ["-year", "year"])
@pytest.mark.parametrize("narrowing", NARROWINGS)
def test_each_page_holds_the_papers_the_filters_give_it(
    undated_papers, monkeypatch, narrowing, ordering
):
    query = f"{narrowing}&ordering={ordering}"
    for size in (1, 2, 3, 25):
        monkeypatch.setattr(listing, "PER_PAGE", size)
        expected = sliced(query, size)
        assert len(expected) >= (2 if size < 25 else 1)
        assert pages_of(query) == expected, (query, size)


def test_papers_without_a_year_end_the_newest_first_pages(undated_papers, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    keys = [key for page in pages_of("application=image-description") for key in page]
    assert keys[-2:] == ["undated-a", "undated-b"]
    assert "draft-2020" not in keys


def page_sql(query: str) -> str:
    """The query that read the rows of a list page."""
    found = listing.browse(QueryDict(query), base=paper_list(), facets=False)
    with CaptureQueriesContext(connection) as queries:
        list(found.page.object_list)
    return queries[0]["sql"]


def test_a_narrowed_year_ordered_page_reads_no_labels(survey):
    for page in ("1", "2"):
        sql = page_sql(f"application=image-description&page={page}")
        assert '"papers_paper"."title"' in sql and "papers_label" not in sql
    for other in ("&ordering=title", "&q=caption", "&author=1"):
        assert "papers_label" in page_sql(f"application=image-description{other}")


def test_pages_past_the_bound_fall_back_to_the_filters_query(survey, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 4)
    query = "application=image-description"
    before = pages_of(query)
    monkeypatch.setattr(selectors, "MAX_IN_REACH", 3)
    assert "papers_label" in page_sql(query)
    assert pages_of(query) == before


def test_the_node_page_shows_its_papers_newest_first(client, undated_papers):
    html = client.get(
        "/taxonomy/application/image-description/", {"page": "2"}
    ).content.decode()
    expected = sliced("application=image-description", listing.PER_PAGE)[1]
    assert expected and all(key in html for key in expected)
