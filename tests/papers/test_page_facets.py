"""Venue and dataset facets of the paper list: the counts of the papers shown,
most first (ties by name), cut at the limit."""

from collections import Counter

import pytest

from papers.models import Paper
from papers.views.selectors import dataset_facets, venue_facets

pytestmark = pytest.mark.django_db


def _expected(counter: Counter, names: dict, limit: int) -> list[tuple]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], names[item[0]]))
    return ranked[:limit]


@pytest.mark.parametrize("limit", [3, 40])
def test_venue_facets_count_the_papers_of_the_set(survey, limit):
    papers = Paper.objects.published().filter(year__gte=2015)
    counter = Counter(p.venue for p in papers.select_related("venue") if p.venue)
    expected = _expected(counter, {v: v.name for v in counter}, limit)
    assert len(expected) == min(limit, len(counter)) > 0
    assert venue_facets(papers, limit=limit) == [
        {"id": v.pk, "name": v.short_name or v.name, "count": n} for v, n in expected
    ]


@pytest.mark.parametrize("limit", [2, 40])
def test_dataset_facets_count_the_papers_of_the_set(survey, limit):
    papers = Paper.objects.published()
    counter = Counter(
        d for p in papers.prefetch_related("datasets") for d in p.datasets.all()
    )
    expected = _expected(counter, {d: d.name for d in counter}, limit)
    assert len(expected) == min(limit, len(counter)) > 0
    assert dataset_facets(papers, limit=limit) == [
        {"slug": d.slug, "name": d.name, "count": n} for d, n in expected
    ]
