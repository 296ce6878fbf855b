"""Year-ordered pages of a list narrowed by taxonomy nodes are read from the
papers in reach (papers.selectors.papers_in_reach) instead of checking each
newer paper's labels: the same rows, in the same pages, as the filters' own
query gives, and counted from the same sets."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from papers import selectors
from papers.filtersets import PaperFilterSet
from papers.models import Paper, Status
from tests.api.conftest import all_results

PAPERS = "/api/v1/papers/"
NARROWINGS = [
    "application=image-description",
    "application=emotion-recognition&year_min=2013&year_max=2019",
    "modality=image&method=attention-based-vqa&method=encoder-decoder-video-description",
]


def filtered_keys(query: str) -> list[str]:
    """The citation keys of the filters' own query, in its order."""
    papers = PaperFilterSet(QueryDict(query), queryset=Paper.objects.published())
    assert papers.is_valid(), papers.errors
    return list(papers.qs.values_list("citation_key", flat=True))


def walked_back(client, url: str) -> list[dict]:
    """Every row of a list, from its last page back to its first."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(body)
        url = body["next"]
    rows, url = list(pages[-1]["results"]), pages[-1]["previous"]
    while url:
        body = client.get(url).json()
        rows = body["results"] + rows
        url = body["previous"]
    return rows


@pytest.fixture
def computed(settings):
    """Every answer computed, none read from the cache of whole answers."""
    settings.ATLAS_ANSWER_CACHE = False


def page_sql(client, url: str) -> str:
    """The query that read a list page's rows (answers computed), asked a
    second time: a list counted by SQL counts in the page's query at first."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return next(q["sql"] for q in queries if '"citation_key"' in q["sql"])


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["-year", "year"])
@pytest.mark.parametrize("narrowing", NARROWINGS)
def test_pages_of_papers_in_reach_are_the_filtered_papers_in_order(
    anon, undated_papers, narrowing, ordering
):
    query = f"{narrowing}&ordering={ordering}"
    expected = filtered_keys(query)
    assert len(expected) > 4
    for size in (1, 2, 3, 5):
        url = f"{PAPERS}?{query}&page_size={size}"
        assert anon.get(url).json()["count"] == len(expected)
        forward = [row["citation_key"] for row in all_results(anon, url)]
        assert forward == expected, (query, size)
        backward = [row["citation_key"] for row in walked_back(anon, url)]
        assert backward == expected, (query, size)


@pytest.mark.django_db
def test_papers_without_a_year_end_the_newest_first_list(anon, undated_papers):
    rows = all_results(anon, f"{PAPERS}?application=image-description&page_size=4")
    assert [r["citation_key"] for r in rows[-2:]] == ["undated-a", "undated-b"]
    assert "draft-2020" not in {row["citation_key"] for row in rows}


@pytest.mark.django_db
def test_a_narrowed_year_ordered_page_reads_no_labels(anon, computed):
    url = f"{PAPERS}?application=image-description&page_size=3"
    assert "papers_label" not in page_sql(anon, url)
    later = anon.get(anon.get(url).json()["next"]).json()["next"]
    assert "papers_label" not in page_sql(anon, later)
    # Other orderings, and filters past nodes and years, keep the filters' query.
    for other in ("&ordering=title", "&q=caption"):
        assert "papers_label" in page_sql(anon, url + other)


@pytest.mark.django_db
def test_a_reach_past_its_bound_falls_back_to_the_filters_query(
    anon, computed, monkeypatch
):
    url = f"{PAPERS}?application=image-description&page_size=4"
    before = [row["citation_key"] for row in all_results(anon, url)]
    monkeypatch.setattr(selectors, "MAX_IN_REACH", 3)
    assert "papers_label" in page_sql(anon, url)
    assert [row["citation_key"] for row in all_results(anon, url)] == before


@pytest.mark.django_db
def test_a_paper_published_since_is_on_the_first_page(anon, curator, undated_papers):
    url = f"{PAPERS}?application=image-description&page_size=3"
    first = anon.get(url).json()["results"]
    assert "draft-2020" not in {row["citation_key"] for row in first}
    Paper.objects.filter(citation_key="draft-2020").update(
        status=Status.PUBLISHED, year=2030
    )
    assert anon.get(url).json()["results"][0]["citation_key"] == "draft-2020"


@pytest.mark.django_db
def test_a_curator_sees_drafts_in_a_narrowed_list(curator, undated_papers):
    rows = all_results(curator, f"{PAPERS}?application=image-description")
    assert "draft-2020" in {row["citation_key"] for row in rows}
