"""The scale generator on the test database (SQLite or PostgreSQL), small."""

import re
from collections import Counter

import pytest
from django.db.models import Count

from bench.generate import generate, synthetic_papers
from bench.synthetic import FIRST_YEAR, LAST_YEAR
from papers.models import Author, Citation, Label, Paper, Venue
from taxonomy.models import Node, Provenance

pytestmark = pytest.mark.django_db


def _quiet(**kwargs):
    import io

    return generate(stdout=io.StringIO(), **kwargs)


def test_generated_papers_are_synthetic_and_pass_every_model_check(survey):
    survey_papers = Paper.objects.count()
    summary = _quiet(papers=300, citations=2000, seed=3)
    assert summary["counts"]["papers"] == 300
    papers = synthetic_papers()
    assert papers.count() == 300
    assert Paper.objects.count() == survey_papers + 300
    assert all(
        re.match(r"^syn\d{4}p\d{7}$", key)
        for key in papers.values_list("citation_key", flat=True)
    )
    for paper in papers.order_by("?")[:40]:
        paper.full_clean()  # fields, unique DOI/arXiv id, constraints
        assert FIRST_YEAR <= paper.year <= LAST_YEAR
        assert paper.provenance["source"] == "synthetic"
        assert paper.venue.name.startswith("SYN ")
        assert len(paper.abstract.split()) >= 120


def test_authors_labels_and_citations_have_realistic_shapes(survey):
    _quiet(papers=400, citations=4000, seed=5)
    papers = synthetic_papers()
    authors = papers.annotate(n=Count("authorships")).values_list("n", flat=True)
    assert min(authors) >= 1 and max(authors) <= 15
    labels = papers.annotate(n=Count("labels")).values_list("n", flat=True)
    assert min(labels) >= 1 and max(labels) <= 6
    synthetic_labels = Label.objects.filter(paper__in=papers)
    assert not synthetic_labels.filter(provenance=Provenance.SURVEY).exists()
    assert set(synthetic_labels.values_list("node_id", flat=True)) <= set(
        Node.objects.values_list("pk", flat=True)
    )
    citations = Citation.objects.filter(citing__in=papers)
    assert citations.count() == 4000
    # Synthetic papers cite only synthetic papers, never newer ones.
    assert not citations.exclude(cited__in=papers).exists()
    pairs = citations.values_list("citing__year", "cited__year")
    assert all(cited <= citing for citing, cited in pairs)
    # Power law: the most cited paper has many times the mean in-degree.
    in_degree = Counter(citations.values_list("cited_id", flat=True))
    assert max(in_degree.values()) > 8 * (4000 / 400)


def test_a_second_run_replaces_the_synthetic_data_and_leaves_the_survey(survey):
    survey_keys = set(Paper.objects.values_list("citation_key", flat=True))
    survey_authors = Author.objects.count()
    survey_max_author = max(Author.objects.values_list("pk", flat=True))
    _quiet(papers=200, citations=800, seed=1)
    summary = _quiet(papers=120, citations=500, seed=2)
    assert summary["removed"] == 200
    assert synthetic_papers().count() == 120
    assert (
        set(
            Paper.objects.exclude(pk__in=synthetic_papers().values("pk")).values_list(
                "citation_key", flat=True
            )
        )
        == survey_keys
    )
    assert Citation.objects.filter(citing__in=synthetic_papers()).count() == 500
    # The first run's authors and venues are gone: every author left is the
    # survey's or writes a paper of the second run.
    assert Author.objects.count() == survey_authors + summary["counts"]["authors"]
    assert not Author.objects.filter(authorships__isnull=True).exclude(
        pk__lte=survey_max_author
    )
    venues = Venue.objects.filter(name__startswith="SYN ")
    assert venues.count() == summary["counts"]["venues"]
