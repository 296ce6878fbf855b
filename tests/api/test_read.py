"""Each read endpoint: status, exact keys, nested shapes, lookups."""

import pytest
from django.conf import settings

from papers.models import (
    Author,
    Authorship,
    Citation,
    CitationKeyAlias,
    Label,
    Paper,
)
from taxonomy.models import Dataset, Kind, Node
from tests.api.conftest import error_of

PAGE_KEYS = {"count", "count_exact", "next", "previous", "results"}
PAPER_LIST_KEYS = {
    "url", "citation_key", "entry_type", "title", "year", "month", "authors",
    "et_al", "venue", "doi", "arxiv_id", "cite_count", "status", "labels",
}  # fmt: skip
PAPER_DETAIL_KEYS = PAPER_LIST_KEYS | {
    "title_protected", "abstract", "published_on", "volume", "number", "pages",
    "publisher", "external_url", "html_url", "extra", "confidence",
    "survey_inclusion", "metadata_provenance", "datasets", "reference_count",
    "cited_by_count", "former_keys", "version", "created", "updated",
}  # fmt: skip
NODE_BRIEF = {"url", "kind", "slug", "name", "provenance"}
PAPER_BRIEF = {"url", "citation_key", "title", "year"}

LIST_KEYS = {
    "/api/v1/papers/": PAPER_LIST_KEYS,
    "/api/v1/authors/": {
        "url", "id", "given", "von", "family", "suffix", "name", "paper_count",
        "papers",
    },
    "/api/v1/venues/": {
        "url", "id", "name", "short_name", "kind", "paper_count", "papers",
    },
    "/api/v1/nodes/": {
        "url", "kind", "slug", "name", "abbreviation", "description", "parent",
        "children", "related", "position", "provenance", "provenance_detail",
        "note", "paper_count", "html_url",
    },
    "/api/v1/datasets/": {
        "url", "slug", "name", "year", "homepage", "description", "modalities",
        "applications", "provenance", "provenance_detail", "note", "paper_count",
    },
    "/api/v1/metrics/": {
        "url", "slug", "name", "description", "higher_is_better", "applications",
        "provenance", "provenance_detail",
    },
    "/api/v1/citations/": {"url", "id", "citing", "cited"},
    "/api/v1/labels/": {
        "url", "id", "paper", "node", "source", "provenance", "evidence",
        "created_by", "created",
    },
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(LIST_KEYS))
def test_list_and_detail_answer_with_exact_keys_and_a_working_url(anon, path):
    response = anon.get(path)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["count"] > 0
    first = body["results"][0]
    assert set(first) == LIST_KEYS[path]
    detail = anon.get(first["url"])
    assert detail.status_code == 200
    assert detail.json()["url"] == first["url"]
    assert set(detail.json()) >= LIST_KEYS[path]


@pytest.mark.django_db
def test_results_list_has_exact_keys(anon, survey):
    from papers.models import Result
    from taxonomy.models import Dataset, Metric

    paper = Paper.objects.get(citation_key="vinyals2015show")
    Result.objects.create(
        paper=paper,
        dataset=Dataset.objects.get(slug="mscoco"),
        metric=Metric.objects.first(),
        value=27.7,
    )
    body = anon.get("/api/v1/results/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) == {"url", "id", "paper", "dataset", "metric", "value", "note"}
    assert set(row["paper"]) == PAPER_BRIEF
    assert row["paper"]["citation_key"] == "vinyals2015show"
    assert anon.get(row["url"]).json()["value"] == 27.7
    only = anon.get("/api/v1/results/", {"dataset": "flickr30k"}).json()
    assert only["count"] == 0


@pytest.mark.django_db
def test_paper_detail_embeds_ordered_authors_venue_labels_datasets_and_counts(anon):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    response = anon.get("/api/v1/papers/vinyals2015show/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAPER_DETAIL_KEYS
    expected_authors = [
        a.author.display_name
        for a in Authorship.objects.filter(paper=paper).order_by("position")
    ]
    assert [a["name"] for a in body["authors"]] == expected_authors
    assert all(set(a) == {"url", "id", "name"} for a in body["authors"])
    assert body["venue"]["name"] == paper.venue.name
    assert set(body["venue"]) == {"url", "id", "name", "short_name"}
    labels = Label.objects.filter(paper=paper)
    assert len(body["labels"]) == labels.count()
    for label in body["labels"]:
        assert set(label) == {"url", "node", "source", "provenance", "evidence"}
        assert set(label["node"]) == NODE_BRIEF
    assert {(x["node"]["slug"], x["provenance"]) for x in body["labels"]} == set(
        labels.values_list("node__slug", "provenance")
    )
    assert sorted(d["slug"] for d in body["datasets"]) == sorted(
        paper.datasets.values_list("slug", flat=True)
    )
    assert body["reference_count"] == Citation.objects.filter(citing=paper).count()
    assert body["cited_by_count"] == Citation.objects.filter(cited=paper).count()
    assert body["cited_by_count"] > 0
    assert body["html_url"].endswith("/papers/vinyals2015show/")


@pytest.mark.django_db
def test_former_key_redirects_permanently_keeping_the_query(anon):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    CitationKeyAlias.objects.create(key="vinyals2015old", paper=paper)
    response = anon.get("/api/v1/papers/vinyals2015old/?format=bibtex")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/papers/vinyals2015show/?format=bibtex"


@pytest.mark.django_db
def test_unknown_paper_node_and_path_are_json_404s(anon):
    for path in (
        "/api/v1/papers/no-such-key/",
        "/api/v1/nodes/modality:no-such/",
        "/api/v1/nodes/not-a-key/",
        "/api/v1/authors/999999999/",
        "/api/v1/nothing-here/",
        "/api/v1/papers",
    ):
        response = anon.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


@pytest.mark.django_db
def test_draft_papers_are_hidden_from_anonymous_readers(anon, curator):
    Paper.objects.filter(citation_key="vinyals2015show").update(status="draft")
    assert anon.get("/api/v1/papers/vinyals2015show/").status_code == 404
    keys = {
        p["citation_key"]
        for p in anon.get("/api/v1/papers/?page_size=200").json()["results"]
    }
    assert "vinyals2015show" not in keys
    assert curator.get("/api/v1/papers/vinyals2015show/").status_code == 200


@pytest.mark.django_db
def test_citations_of_drafts_are_not_counted_where_their_lists_hide_them(anon, client):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    cited_by = paper.citations_in.count()
    citer = paper.citations_in.first().citing
    Paper.objects.filter(pk=citer.pk).update(status="draft")
    body = anon.get("/api/v1/papers/vinyals2015show/").json()
    assert body["cited_by_count"] == cited_by - 1
    html = client.get("/papers/vinyals2015show/").content.decode()
    assert f'Cited by, in the atlas <span class="count">{cited_by - 1}</span>' in html


@pytest.mark.django_db
def test_nodes_filter_by_kind_and_parent(anon):
    body = anon.get("/api/v1/nodes/", {"kind": "modality", "page_size": 200}).json()
    assert body["count"] == Node.objects.filter(kind=Kind.MODALITY).count()
    assert {n["kind"] for n in body["results"]} == {"modality"}
    children = anon.get("/api/v1/nodes/", {"parent": "attention-based-vqa"}).json()
    assert {n["slug"] for n in children["results"]} == set(
        Node.objects.filter(parent__slug="attention-based-vqa").values_list(
            "slug", flat=True
        )
    )
    assert anon.get("/api/v1/nodes/", {"kind": "planet"}).status_code == 400


def _walk(forest):
    for tree_node in forest:
        yield tree_node
        yield from _walk(tree_node["children"])


@pytest.mark.django_db
def test_taxonomy_tree_counts_papers_of_descendants_once(anon):
    response = anon.get("/api/v1/taxonomy/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"modality", "application", "method", "open_issue"}
    nodes = {n["slug"]: n for kind in body.values() for n in _walk(kind)}
    assert len(nodes) == Node.objects.count()
    parent = nodes["attention-based-vqa"]
    assert set(parent) == {
        "url", "kind", "slug", "name", "abbreviation", "provenance", "paper_count",
        "children",
    }  # fmt: skip
    below = Node.objects.filter(slug="attention-based-vqa").values_list("pk", flat=True)
    subtree = list(below) + list(
        Node.objects.filter(parent__slug="attention-based-vqa").values_list(
            "pk", flat=True
        )
    )
    expected = (
        Label.objects.filter(node__in=subtree, paper__status="published")
        .values("paper")
        .distinct()
        .count()
    )
    assert parent["paper_count"] == expected
    assert parent["paper_count"] > max(c["paper_count"] for c in parent["children"])


@pytest.mark.django_db
def test_survey_paper_is_reachable_by_its_key(anon):
    response = anon.get(f"/api/v1/papers/{settings.SURVEY_CITATION_KEY}/")
    assert response.status_code == 200
    assert "Multimodal Deep Learning" in response.json()["title"]


def _all_pages(client, path: str) -> list[dict]:
    rows = []
    while path:
        body = client.get(path).json()
        rows += body["results"]
        path = body["next"]
    return rows


@pytest.mark.django_db
def test_author_and_venue_lists_count_each_ones_published_papers(anon, curator):
    draft = Paper.objects.exclude(venue=None).exclude(authorships=None).first()
    Paper.objects.filter(pk=draft.pk).update(status="draft")
    nobody = Author.objects.create(family="Nopapers", given="Ada")
    published = Paper.objects.filter(status="published")
    authors = _all_pages(anon, "/api/v1/authors/?page_size=200")
    venues = _all_pages(anon, "/api/v1/venues/?page_size=200")
    # The public lists hold those with a published paper, each counted.
    assert {a["id"] for a in authors} == set(
        published.values_list("authorships__author_id", flat=True)
    )
    assert {v["id"] for v in venues} == set(
        published.exclude(venue=None).values_list("venue_id", flat=True)
    )
    for author in authors:
        wanted = published.filter(authorships__author_id=author["id"]).count()
        assert author["paper_count"] == wanted, author["name"]
    for venue in venues:
        assert venue["paper_count"] == published.filter(venue_id=venue["id"]).count()
    assert anon.get(f"/api/v1/authors/{nobody.pk}/").status_code == 404
    # Curators see everyone, with the same published counts.
    every = _all_pages(curator, "/api/v1/authors/?page_size=200")
    assert len(every) == Author.objects.count()
    assert {a["name"]: a["paper_count"] for a in every}["Ada Nopapers"] == 0


def test_the_dataset_list_counts_each_ones_published_papers(anon):
    linked = Paper.objects.filter(status="published").exclude(datasets=None)
    draft = linked.first()
    Paper.objects.filter(pk=draft.pk).update(status="draft")
    unused = Dataset.objects.create(slug="unused-set", name="Unused set")
    published = Paper.objects.filter(status="published")
    datasets = _all_pages(anon, "/api/v1/datasets/?page_size=200")
    assert len(datasets) == Dataset.objects.count()
    counts = {d["slug"]: d["paper_count"] for d in datasets}
    for dataset in Dataset.objects.all():
        wanted = published.filter(datasets=dataset).count()
        assert counts[dataset.slug] == wanted, dataset.slug
    assert counts[unused.slug] == 0
    drafted = set(draft.datasets.values_list("slug", flat=True))
    assert drafted and all(  # the draft's datasets count one paper fewer
        counts[slug] == Paper.objects.filter(datasets__slug=slug).count() - 1
        for slug in drafted
    )
