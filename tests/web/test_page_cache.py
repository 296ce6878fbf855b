"""The paper list and node pages read the counts and facets of their set once
per data generation: a write shows at once, and another set is counted anew."""

import pytest

from papers.models import Label, Paper, Status
from papers.services.papers import paper_create
from taxonomy.models import Kind, Node

pytestmark = pytest.mark.django_db


def _browse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["browse"]


def _facet(browse, name: str, slug: str) -> int:
    facet = next(f for f in browse.facets if f["name"] == name)
    return next((i["count"] for i in facet["items"] if i["slug"] == slug), 0)


def _add_paper(user, year: int) -> Paper:
    paper = paper_create(
        actor=user,
        data={
            "citation_key": f"cached{year}",
            "title": f"A cached page check from {year}",
            "year": year,
            "status": Status.PUBLISHED,
        },
    )
    Label.objects.create(
        paper=paper, node=Node.objects.get(kind=Kind.MODALITY, slug="audio")
    )
    return paper


def test_the_whole_list_follows_a_new_paper(client, survey, curator):
    before = _browse(client, "/papers/")
    assert before.count == Paper.objects.published().count()
    _add_paper(curator, 2031)
    after = _browse(client, "/papers/")
    assert after.count == before.count + 1
    assert _facet(after, "modality", "audio") == _facet(before, "modality", "audio") + 1


def test_a_node_page_follows_a_new_paper(client, survey, curator):
    url = "/taxonomy/modality/audio/"
    before = client.get(url).context
    _add_paper(curator, 2032)
    after = client.get(url).context
    assert after["browse"].count == before["browse"].count + 1
    assert (2032, 1) in after["years"]
    assert (2032, 1) not in before["years"]


def test_a_narrowed_list_is_counted_not_read_from_another_set(client, survey):
    _browse(client, "/papers/")  # the whole list's counts are now cached
    narrowed = _browse(client, "/papers/?year_min=2020")
    assert narrowed.count == Paper.objects.published().filter(year__gte=2020).count()
    node = _browse(client, "/taxonomy/modality/audio/?year_min=2020")
    assert node.count == (
        Paper.objects.published()
        .filter(year__gte=2020, labels__node__slug="audio")
        .distinct()
        .count()
    )
