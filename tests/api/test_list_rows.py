"""The paper list's rows and the taxonomy tree, built from plain values, are
exactly what the serializers make of fully loaded objects."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.selectors import (
    paper_detail_values,
    paper_list_relations,
    paper_page_columns,
)
from api.serializers.papers import (
    PaperDetailRows,
    PaperDetailSerializer,
    PaperListRows,
    PaperListSerializer,
)
from api.serializers.taxonomy import TaxonomySerializer, taxonomy_data
from papers.models import CitationKeyAlias, Label, Paper, Status
from papers.selectors import citation_counts, node_paper_counts, paper_list_all
from taxonomy.models import Dataset
from taxonomy.selectors import taxonomy_tree


@pytest.mark.django_db
def test_list_rows_match_the_list_serializer_for_every_paper(survey):
    request = Request(APIRequestFactory().get("/api/v1/papers/"))
    papers = list(paper_list_all().order_by("pk"))
    assert any(p.venue_id is None for p in papers)
    assert any(p.authorships.all() and p.labels.all() for p in papers)
    expected = PaperListSerializer(papers, many=True, context={"request": request})
    authors, labels = paper_list_relations([p.pk for p in papers])
    values = list(paper_page_columns(Paper.objects.order_by("pk")))
    rows = PaperListRows(request).rows(values, authors, labels)
    for row, wanted in zip(rows, expected.data, strict=True):
        # Labels of one node kind and position may come in any order.
        wanted["labels"] = sorted(wanted["labels"], key=lambda label: label["url"])
        row["labels"] = sorted(row["labels"], key=lambda label: label["url"])
        assert row == wanted


@pytest.mark.django_db
def test_list_rows_quote_keys_and_name_suffixes_like_the_serializer(survey):
    paper = Paper.objects.get(citation_key=survey)
    paper.citation_key = "müller+2024:ä"
    paper.save()
    author = paper.authorships.first().author
    author.suffix = "Jr."
    author.save()
    request = Request(APIRequestFactory().get("/api/v1/papers/"))
    loaded = paper_list_all().get(pk=paper.pk)
    wanted = PaperListSerializer(loaded, context={"request": request}).data
    authors, labels = paper_list_relations([paper.pk])
    values = paper_page_columns(Paper.objects.filter(pk=paper.pk)).get()
    row = PaperListRows(request).row(values, authors[paper.pk], labels[paper.pk])
    assert row["url"] == wanted["url"] and "%C3%BC" in row["url"]
    assert row["authors"] == wanted["authors"]
    assert any(a["name"].endswith(", Jr.") for a in row["authors"])
    assert len(row["labels"]) == Label.objects.filter(paper=paper).count()


@pytest.mark.django_db
def test_detail_matches_the_detail_serializer_for_every_paper(survey):
    """Every paper, with former keys, datasets, a publication date and a draft
    among them, in the same fields and order."""
    papers = Paper.objects.order_by("pk")
    first, second = papers[0], papers[1]
    CitationKeyAlias.objects.create(key="older-key-b", paper=first)
    CitationKeyAlias.objects.create(key="older-key-a", paper=first)
    first.datasets.add(*Dataset.objects.order_by("slug")[:3])
    Paper.objects.filter(pk=first.pk).update(
        published_on="2023-06-01", extra={"note": "kept"}
    )
    Paper.objects.filter(pk=second.pk).update(status=Status.DRAFT)
    request = Request(APIRequestFactory().get("/api/v1/papers/x/"))
    loaded = (
        paper_list_all()
        .prefetch_related("datasets", "key_aliases")
        .annotate(**citation_counts())
        .order_by("pk")
    )
    assert any(paper.cited_by_count or paper.reference_count for paper in loaded)
    rows = PaperDetailRows(request)
    for paper in loaded:
        wanted = PaperDetailSerializer(paper, context={"request": request}).data
        values = paper_detail_values(include_drafts=True, key=paper.citation_key)
        detail = rows.detail(values)
        wanted["labels"] = sorted(wanted["labels"], key=lambda label: label["url"])
        detail["labels"] = sorted(detail["labels"], key=lambda label: label["url"])
        assert list(detail) == list(wanted)
        assert detail == wanted
    shown = rows.detail(
        paper_detail_values(include_drafts=True, key=first.citation_key)
    )
    assert shown["former_keys"] == ["older-key-a", "older-key-b"]
    assert len(shown["datasets"]) >= 3 and shown["published_on"] == "2023-06-01"


@pytest.mark.django_db
def test_detail_values_hide_drafts_from_readers_and_know_no_unknown_key(survey):
    draft = Paper.objects.exclude(citation_key=survey).order_by("pk").first()
    Paper.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    assert paper_detail_values(include_drafts=False, key=draft.citation_key) is None
    assert paper_detail_values(include_drafts=True, key=draft.citation_key)
    assert paper_detail_values(include_drafts=True, key="no-such-key") is None


@pytest.mark.django_db
def test_taxonomy_data_matches_the_taxonomy_serializer(survey):
    request = Request(APIRequestFactory().get("/api/v1/taxonomy/"))
    forests = taxonomy_tree(node_paper_counts())
    wanted = TaxonomySerializer(forests, context={"request": request}).data
    assert taxonomy_data(forests, request) == wanted
    assert any(item["children"] for item in wanted["method"])
