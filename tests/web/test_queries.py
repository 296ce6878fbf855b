"""Query budgets: every page reads a fixed number of times however much data
there is (no queries in loops)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Author
from tests.web.conftest import grow

pytestmark = pytest.mark.django_db

#: url -> most queries allowed (the session and user add none for visitors).
BUDGETS = {
    "/": 12,
    "/taxonomy/": 16,
    "/papers/": 12,
    "/papers/?modality=image&method=encoder-decoder-image-description&q=image": 26,
    "/papers/vinyals2015show/": 25,
    "/taxonomy/application/image-description/": 27,
    "/taxonomy/modality/image/": 27,
    "/taxonomy/datasets/mscoco/": 9,
    "/feeds/papers/": 3,
    "/feeds/papers/?modality=image&q=caption": 5,
}


def queries(client, url: str) -> int:
    cache.clear()  # every page measured as the first after a write
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_page_query_counts_do_not_grow_with_the_data(client, survey):
    author = Author.objects.get(family="Vinyals")
    urls = {**BUDGETS, f"/authors/{author.pk}/": 8}
    before = {url: queries(client, url) for url in urls}
    grow(60)
    after = {url: queries(client, url) for url in urls}
    assert after == before
    for url, budget in urls.items():
        assert after[url] <= budget, (url, after[url])


def test_curator_pages_query_counts_do_not_grow(curator_client, survey):
    urls = [
        "/curate/",
        "/curate/papers/add/",
        "/curate/papers/vinyals2015show/edit/",
        "/curate/papers/vinyals2015show/labels/",
        "/curate/papers/vinyals2015show/history/",
    ]
    before = {url: queries(curator_client, url) for url in urls}
    grow(40)
    assert {url: queries(curator_client, url) for url in urls} == before


def test_partial_list_fits_the_same_budget(
    client, survey, django_assert_max_num_queries
):
    grow(30)
    with django_assert_max_num_queries(BUDGETS["/papers/"]):
        client.get("/papers/", HTTP_X_ATLAS_PARTIAL="1")
