"""Keyset pages, numbered relevance pages, page-size caps and query budgets."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.pagination import MAX_PAGE_SIZE
from papers.models import Paper
from tests.api.conftest import all_results, error_of

PAPERS = "/api/v1/papers/"


@pytest.mark.django_db
def test_next_and_previous_links_walk_the_same_pages(anon):
    first = anon.get(PAPERS, {"page_size": 10}).json()
    assert first["previous"] is None
    second = anon.get(first["next"]).json()
    third = anon.get(second["next"]).json()
    back = anon.get(third["previous"]).json()
    assert back["results"] == second["results"]
    back_again = anon.get(back["previous"]).json()
    assert back_again["results"] == first["results"]
    assert back_again["previous"] is None


@pytest.mark.django_db
def test_a_page_has_the_same_links_whenever_it_is_asked_for(anon, monkeypatch):
    first = anon.get(PAPERS, {"page_size": 10}).json()
    an_hour_on = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: an_hour_on)
    later = anon.get(PAPERS, {"page_size": 10}).json()
    assert later["next"] == first["next"]
    twenty = anon.get(PAPERS, {"page_size": 20}).json()["results"]
    assert anon.get(later["next"]).json()["results"] == twenty[10:]


@pytest.mark.django_db
def test_every_paper_appears_once_across_pages(anon):
    rows = all_results(anon, f"{PAPERS}?page_size=9")
    assert len(rows) == Paper.objects.published().count()
    assert len({r["citation_key"] for r in rows}) == len(rows)


@pytest.mark.django_db
def test_page_size_defaults_to_50_and_is_capped(anon):
    assert len(anon.get(PAPERS).json()["results"]) == 50
    body = anon.get(PAPERS, {"page_size": 100000}).json()
    assert len(body["results"]) == min(MAX_PAGE_SIZE, body["count"])


@pytest.mark.django_db
def test_relevance_results_page_by_number(anon):
    first = anon.get(PAPERS, {"q": "video", "page_size": 2}).json()
    assert first["count"] > 2
    second = anon.get(first["next"]).json()
    assert "page=2" in first["next"]
    keys = [p["citation_key"] for p in first["results"] + second["results"]]
    assert len(set(keys)) == 4
    assert anon.get(second["previous"]).json()["results"] == first["results"]
    cursor = anon.get(PAPERS, {"q": "video", "cursor": "x"})
    assert cursor.status_code == 400
    assert "cursor" in error_of(cursor)["fields"]


@pytest.mark.django_db
def test_a_cursor_from_another_list_is_refused(anon):
    authors = anon.get("/api/v1/authors/", {"page_size": 1}).json()
    cursor = authors["next"].split("cursor=")[1].split("&")[0]
    response = anon.get(f"{PAPERS}?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in error_of(response)["fields"]


LIST_ENDPOINTS = [
    f"{PAPERS}?",
    f"{PAPERS}?modality=image&method=attention-based-vqa&q=question&",
    f"{PAPERS}?facets=1&application=image-description&",
    "/api/v1/authors/?",
    "/api/v1/venues/?",
    "/api/v1/nodes/?",
    "/api/v1/datasets/?",
    "/api/v1/metrics/?",
    "/api/v1/citations/?",
    "/api/v1/labels/?",
]


def _queries(client, url) -> tuple[int, int]:
    """(queries run, rows answered) for one GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_queries_do_not_grow_with_page_size(
    anon, url, django_assert_max_num_queries
):
    anon.get(url + "page_size=1")  # cached taxonomy reads are filled once
    small, small_rows = _queries(anon, url + "page_size=2")
    large, large_rows = _queries(anon, url + "page_size=200")
    assert small_rows <= 2 and large_rows >= small_rows
    assert large == small
    with django_assert_max_num_queries(10):
        anon.get(url + "page_size=200")


@pytest.mark.django_db
def test_paper_detail_and_taxonomy_have_fixed_query_budgets(
    anon, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert anon.get(f"{PAPERS}vinyals2015show/").status_code == 200
    with django_assert_max_num_queries(4):
        assert anon.get("/api/v1/taxonomy/").status_code == 200
    with django_assert_max_num_queries(6):
        assert anon.get("/api/v1/nodes/method:attention-based-vqa/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering", ["-year", "year", "title", "-title", "-cite_count", "cite_count"]
)
def test_walking_pages_keeps_the_order_of_one_page(anon, ordering):
    whole = anon.get(PAPERS, {"ordering": ordering, "page_size": MAX_PAGE_SIZE})
    assert whole.json()["next"] is None  # the survey fits on one page
    walked = all_results(anon, f"{PAPERS}?ordering={ordering}&page_size=7")
    assert [r["citation_key"] for r in walked] == [
        r["citation_key"] for r in whole.json()["results"]
    ]


@pytest.mark.django_db
def test_a_deep_newest_first_page_is_one_index_range(postgres_only):
    from api.pagination import after
    from papers.filtersets import ORDERINGS, ordered

    keys = ORDERINGS["-year"]
    page = ordered(Paper.objects.published(), "-year").filter(
        after(keys, [-2020, "M", 10], False)
    )
    sql, params = page.values("pk")[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "papers_paper_newest_row_idx" in plan, plan
    condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "ROW(" in condition and "title" in condition, plan
    assert "Sort" not in plan, plan


SORT_INDEXES = {
    "year": "papers_paper_oldest_row_idx",
    "title": "papers_paper_title_row_idx",
    "-title": "papers_paper_title_row_idx",
    "cite_count": "papers_paper_least_cited_idx",
    "-cite_count": "papers_paper_most_cited_idx",
}
SAMPLE_KEYS = {"sort_year": 2020, "title": "M", "sort_cites": 5, "id": 10}


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", sorted(SORT_INDEXES))
def test_every_ordering_reads_its_pages_from_an_index(postgres_only, ordering):
    from api.pagination import after
    from papers.filtersets import ORDERINGS, ordered

    keys = ORDERINGS[ordering]
    papers = ordered(Paper.objects.published(), ordering)
    later = papers.filter(after(keys, [SAMPLE_KEYS[k] for k, _ in keys], False))
    for page in (papers, later):
        sql, params = page.values("pk")[:51].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a small table
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")  # sorts 1 row cheaply
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert SORT_INDEXES[ordering] in plan, plan
        assert "Sort" not in plan, plan
