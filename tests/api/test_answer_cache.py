"""Public paper lists are answered from their cached rendering until the data
changes; curators' answers (with drafts) and errors are never shared."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Paper, Status, Venue
from papers.services.papers import paper_create

PAPERS = "/api/v1/papers/"
QUERY = {"modality": "image", "page_size": "20"}


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.ATLAS_ANSWER_CACHE = True
    cache.clear()
    yield
    cache.clear()


def _get(client, params=QUERY, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAPERS, params, **extra)
    return response, len(queries)


@pytest.mark.django_db
def test_a_repeated_list_is_the_same_answer_read_in_one_query(anon, settings):
    first, first_queries = _get(anon)
    again, again_queries = _get(anon)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert first_queries > 1
    assert again_queries == 1  # the data generation
    settings.ATLAS_ANSWER_CACHE = False
    computed, _ = _get(anon)
    assert computed.content == first.content
    assert computed["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
def test_the_next_answer_shows_a_new_paper_and_a_renamed_venue(anon, curator_user):
    before = anon.get(PAPERS, {"page_size": "5"}).json()
    paper_create(
        actor=curator_user,
        data={
            "citation_key": "future2999paper",
            "title": "A Paper From The Far Future",
            "year": 2999,
            "status": Status.PUBLISHED,
        },
    )
    after = anon.get(PAPERS, {"page_size": "5"}).json()
    assert after["results"][0]["title"] == "A Paper From The Far Future"
    assert after["count"] == before["count"] + 1
    shown = next(r for r in after["results"] if r["venue"])
    Venue.objects.filter(pk=shown["venue"]["id"]).update(name="A Renamed Venue")
    renamed = anon.get(PAPERS, {"page_size": "5"}).json()
    assert any(
        r["venue"] and r["venue"]["name"] == "A Renamed Venue"
        for r in renamed["results"]
    )


@pytest.mark.django_db
def test_curators_see_drafts_and_never_the_shared_answer(anon, curator, survey):
    Paper.objects.filter(citation_key=survey).update(status=Status.DRAFT)
    public = {
        r["citation_key"]
        for r in anon.get(PAPERS, {"page_size": 200}).json()["results"]
    }
    curated = {
        r["citation_key"]
        for r in curator.get(PAPERS, {"page_size": 200}).json()["results"]
    }
    again = {
        r["citation_key"]
        for r in anon.get(PAPERS, {"page_size": 200}).json()["results"]
    }
    assert survey not in public and survey not in again
    assert survey in curated


@pytest.mark.django_db
def test_links_follow_the_address_asked(anon, settings):
    settings.ALLOWED_HOSTS = ["atlas.example.org", "mirror.example.net"]
    one = anon.get(PAPERS, QUERY, HTTP_HOST="atlas.example.org").json()
    other = anon.get(PAPERS, QUERY, HTTP_HOST="mirror.example.net").json()
    assert one["results"][0]["url"].startswith("http://atlas.example.org/")
    assert other["results"][0]["url"].startswith("http://mirror.example.net/")


@pytest.mark.django_db
def test_errors_and_exports_are_not_kept(anon):
    for _ in range(2):
        response = anon.get(PAPERS, {"year_min": "not a year"})
        assert response.status_code == 400
    exported = [anon.get(PAPERS, {**QUERY, "format": "bibtex"}) for _ in range(2)]
    assert all(r.status_code == 200 and r.streaming for r in exported)
    assert {r["Content-Type"] for r in exported} == {exported[0]["Content-Type"]}
