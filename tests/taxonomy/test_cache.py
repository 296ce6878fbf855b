"""Cached taxonomy reads follow every write at once: the cache key is the data
generation, which database triggers change in the writing transaction."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from papers.models import Author, Label, Paper, Venue
from taxonomy.cache import GENERATION_SQL, cached, generation
from taxonomy.models import Dataset, Kind, Node
from taxonomy.selectors import taxonomy_map

TREE = "/api/v1/taxonomy/"
PAPERS = "/api/v1/papers/"


def _tree_count(client, kind: str, slug: str) -> int:
    def walk(forest):
        for item in forest:
            yield item
            yield from walk(item["children"])

    tree = client.get(TREE).json()
    return next(n["paper_count"] for n in walk(tree[kind]) if n["slug"] == slug)


def _facet_count(client, kind: str, slug: str) -> int:
    facets = client.get(PAPERS, {"facets": "1"}).json()["facets"]
    return next(f["count"] for f in facets[kind] if f["slug"] == slug)


def _generation() -> int:
    return generation(connection.alias)


@pytest.mark.django_db
def test_every_kind_of_write_changes_the_generation(survey):
    paper = Paper.objects.get(citation_key=survey)
    node = Node.objects.get(kind=Kind.MODALITY, slug="audio")
    author = paper.authorships.first().author
    dataset = Dataset.objects.first()
    writes = [
        lambda: Paper.objects.filter(pk=paper.pk).update(year=2001),
        lambda: Label.objects.create(paper=paper, node=node, source="curator"),
        lambda: Label.objects.filter(paper=paper, node=node).delete(),
        lambda: Node.objects.filter(pk=node.pk).update(name="Sound"),
        lambda: Author.objects.filter(pk=author.pk).update(given="Oriol Q."),
        lambda: paper.authorships.filter(author=author).update(position=99),
        lambda: paper.datasets.add(dataset),
        lambda: paper.datasets.remove(dataset),
        lambda: Venue.objects.filter(pk=paper.venue_id).update(name="Renamed"),
        lambda: Dataset.objects.filter(pk=dataset.pk).update(name="Renamed"),
    ]
    for write in writes:
        before = _generation()
        write()
        assert _generation() != before


@pytest.mark.django_db
def test_a_rolled_back_write_restores_the_generation_and_is_never_reused(survey):
    before = _generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Paper.objects.filter(citation_key=survey).update(year=1999)
        inside = _generation()
        raise RuntimeError("roll back")
    assert _generation() == before != inside
    Paper.objects.filter(citation_key=survey).update(year=1999)
    assert _generation() not in (before, inside)


@pytest.mark.django_db
def test_a_value_is_computed_once_per_generation(survey):
    calls = []

    def compute(using):
        calls.append(using)
        return len(calls)

    assert cached("test-counter", compute) == cached("test-counter", compute) == 1
    Paper.objects.filter(citation_key=survey).update(year=1998)
    assert cached("test-counter", compute) == 2


@pytest.mark.django_db
def test_tree_and_facets_follow_a_paper_added_through_the_api(anon, curator):
    tree_before = _tree_count(anon, Kind.MODALITY, "audio")
    facet_before = _facet_count(anon, Kind.MODALITY, "audio")
    response = curator.post(
        PAPERS,
        {
            "citation_key": "doe2024sound",
            "entry_type": "article",
            "title": "Listening Machines",
            "year": 2024,
            "labels": ["modality:audio"],
            "status": "published",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert _tree_count(anon, Kind.MODALITY, "audio") == tree_before + 1
    assert _facet_count(anon, Kind.MODALITY, "audio") == facet_before + 1


@pytest.mark.django_db
def test_tree_follows_a_label_removed_and_a_paper_unpublished(anon, curator, survey):
    label = (
        Label.objects.filter(node__kind=Kind.MODALITY).select_related("node").first()
    )
    slug = label.node.slug
    before = _tree_count(anon, Kind.MODALITY, slug)
    assert curator.delete(f"/api/v1/labels/{label.pk}/").status_code == 204
    assert _tree_count(anon, Kind.MODALITY, slug) == before - 1
    other = Label.objects.filter(node=label.node).select_related("paper").first()
    patch = {"status": "draft", "version": other.paper.version}
    url = f"{PAPERS}{other.paper.citation_key}/"
    assert curator.patch(url, patch, format="json").status_code == 200
    assert _tree_count(anon, Kind.MODALITY, slug) == before - 2


@pytest.mark.django_db
def test_a_new_node_can_filter_the_list_at_once(anon, admin):
    assert anon.get(PAPERS, {"modality": "touch"}).status_code == 400
    created = admin.post(
        "/api/v1/nodes/",
        {"kind": "modality", "slug": "touch", "name": "Touch"},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = anon.get(PAPERS, {"modality": "touch"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert _tree_count(anon, Kind.MODALITY, "touch") == 0


@pytest.mark.django_db
def test_a_moved_node_counts_under_its_new_parent(anon, admin):
    child = Node.objects.filter(kind=Kind.METHOD, parent__isnull=False).first()
    roots = Node.objects.filter(kind=Kind.METHOD, parent__isnull=True)
    new_parent = roots.exclude(pk=child.parent_id).first()
    under_child = _tree_count(anon, Kind.METHOD, child.slug)
    assert under_child > 0
    before = _tree_count(anon, Kind.METHOD, new_parent.slug)
    moved = admin.patch(
        f"/api/v1/nodes/method:{child.slug}/",
        {"parent": new_parent.slug},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert _tree_count(anon, Kind.METHOD, new_parent.slug) > before
    method = anon.get(PAPERS, {"method": new_parent.slug}).json()
    assert method["count"] >= min(under_child, 1000)


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_seen_at_once(anon, survey):
    """As another app process would write: nothing here is told of the write."""
    before = _tree_count(anon, Kind.MODALITY, "audio")
    paper = Paper.objects.exclude(labels__node__slug="audio").published().first()
    node_id = Node.objects.get(kind=Kind.MODALITY, slug="audio").pk

    def write_elsewhere():
        try:
            Label.objects.create(paper_id=paper.pk, node_id=node_id, source="curator")
        finally:
            connection.close()

    thread = threading.Thread(target=write_elsewhere)
    thread.start()
    thread.join()
    assert _tree_count(anon, Kind.MODALITY, "audio") == before + 1


def test_the_taxonomy_map_is_read_once_per_generation_and_process(survey):
    first = taxonomy_map()
    with CaptureQueriesContext(connection) as queries:
        assert taxonomy_map() is first  # no copy out of a shared cache
    assert [query["sql"] for query in queries] == [GENERATION_SQL]
    Node.objects.create(kind=Kind.MODALITY, slug="sonar", name="Sonar")
    assert (Kind.MODALITY, "sonar") in taxonomy_map().by_slug
