"""Read paths whose cost must not grow with the data: fixed query budgets,
counts that stop at COUNT_LIMIT, relevance over a bounded set of matches."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.pagination import COUNT_LIMIT
from papers.filtersets import MAX_RANKED
from papers.models import Paper, Status
from papers.services.papers import paper_create

PAPERS = "/api/v1/papers/"
FILTERED = f"{PAPERS}?modality=image&method=attention-based-vqa&year_min=2010&"


@pytest.fixture(autouse=True)
def computed_answers(settings):
    """The budgets are those of computing an answer, not of reading it back."""
    settings.ATLAS_ANSWER_CACHE = False


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _bulk_papers(count: int, word: str) -> None:
    Paper.objects.bulk_create(
        Paper(
            citation_key=f"bulk{i}",
            title=f"A {word} study number {i}",
            year=1900 + i % 100,
            status=Status.PUBLISHED,
        )
        for i in range(count)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("cold", [True, False])
def test_the_filtered_list_reads_four_times_whatever_the_page_size(survey, cold):
    """Generation, page with its count, authors, labels; the first request after
    a write (cold) reads the taxonomy map too."""
    client = APIClient()
    client.get(FILTERED)
    counts = []
    for size in (2, 200):
        if cold:
            cache.clear()
        counts.append(_queries(client, f"{FILTERED}page_size={size}"))
    assert counts[0] == counts[1] <= (5 if cold else 4)


@pytest.mark.django_db
def test_the_detail_reads_at_most_six_times(survey):
    assert _queries(APIClient(), f"{PAPERS}{survey}/") <= 6


@pytest.mark.django_db
def test_counts_stop_at_the_limit_and_say_so(survey):
    _bulk_papers(COUNT_LIMIT + 5, "zeppelin")
    client = APIClient()
    body = client.get(PAPERS, {"q": "zeppelin", "ordering": "-year"}).json()
    assert (body["count"], body["count_exact"]) == (COUNT_LIMIT, False)
    narrow = client.get(PAPERS, {"q": "zeppelin", "year_max": 1909}).json()
    assert narrow["count_exact"] is True
    assert (
        narrow["count"]
        == Paper.objects.filter(title__contains="zeppelin", year__lte=1909).count()
    )


@pytest.mark.django_db
def test_relevance_ranks_the_newest_matches_when_more_match(survey):
    _bulk_papers(MAX_RANKED + 5, "zeppelin")
    client = APIClient()
    url = f"{PAPERS}?q=zeppelin&page_size=200"
    ranked = []
    while url:
        body = client.get(url).json()
        ranked += [row["year"] for row in body["results"]]
        url = body["next"]
    assert len(ranked) == MAX_RANKED
    oldest_ranked = min(ranked)
    newest = sorted(
        Paper.objects.filter(title__contains="zeppelin").values_list("year", flat=True),
        reverse=True,
    )
    assert oldest_ranked == newest[MAX_RANKED - 1]


@pytest.mark.django_db
def test_a_cached_count_follows_a_new_paper(survey):
    client = APIClient()
    before = client.get(PAPERS, {"modality": "audio"}).json()["count"]
    assert client.get(PAPERS, {"modality": "audio"}).json()["count"] == before
    paper_create(
        actor=None,
        data={
            "citation_key": "doe2024sound",
            "entry_type": "article",
            "title": "Listening Machines",
            "year": 2024,
            "labels": ["modality:audio"],
            "status": "published",
        },
    )
    assert client.get(PAPERS, {"modality": "audio"}).json()["count"] == before + 1
