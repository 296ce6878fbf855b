"""build_map: cached PageRank, degrees and named communities."""

import io

import pytest
from django.core.management import call_command

from history.models import Change
from maps.models import Community, MapBuild, PaperMetric
from maps.services import map_build
from papers.models import Citation, Paper, Status


@pytest.mark.django_db
def test_build_caches_metrics_for_every_published_paper(survey):
    build = map_build()
    published = Paper.objects.published().count()
    assert build.papers == published == PaperMetric.objects.count()
    assert build.citations == Citation.objects.count()
    assert build.communities == Community.objects.count() > 1
    total = sum(PaperMetric.objects.values_list("pagerank", flat=True))
    assert total == pytest.approx(1.0, rel=1e-6)
    assert sum(c.size for c in Community.objects.all()) == published
    assert build.label_counts["modality:image"] > 10


def test_degrees_match_the_citation_table(built):
    vinyals = PaperMetric.objects.get(paper__citation_key="vinyals2015show")
    paper = vinyals.paper
    assert vinyals.cited_by == paper.citations_in.count()
    assert vinyals.references == paper.citations_out.count()
    assert vinyals.degree == vinyals.cited_by + vinyals.references


def test_most_cited_classics_rank_high_by_pagerank(built):
    top = list(PaperMetric.objects.order_by("-pagerank")[:10])
    keys = {metric.paper.citation_key for metric in top}
    assert {"antol2015vqa", "vinyals2015show"} <= keys


def test_communities_are_named_after_their_application_and_ranked_inside(built):
    biggest = Community.objects.get(number=0)
    assert biggest.application is not None
    assert biggest.name == biggest.application.name
    ranks = list(
        biggest.members.order_by("community_rank").values_list("pagerank", flat=True)
    )
    assert ranks == sorted(ranks, reverse=True) and len(ranks) == biggest.size


def test_rebuilding_gives_the_same_communities_and_logs_each_build(built):
    first = dict(PaperMetric.objects.values_list("paper_id", "community__name"))
    again = map_build()
    assert dict(PaperMetric.objects.values_list("paper_id", "community__name")) == first
    assert MapBuild.objects.count() == 2
    logged = Change.objects.for_object(again).get()
    assert logged.changes["papers"] == again.papers


@pytest.mark.django_db
def test_draft_papers_are_left_out(survey):
    draft = Paper.objects.get(citation_key="xu2015show")
    draft.status = Status.DRAFT
    draft.save()
    build = map_build()
    assert not PaperMetric.objects.filter(paper=draft).exists()
    published = Citation.objects.filter(
        citing__status=Status.PUBLISHED, cited__status=Status.PUBLISHED
    )
    assert draft.citations_in.exists()
    assert build.citations == published.count() < Citation.objects.count()


@pytest.mark.django_db
def test_command_prints_a_summary(survey):
    out = io.StringIO()
    call_command("build_map", stdout=out)
    papers = Paper.objects.published().count()
    assert f"Map built: {papers} papers" in out.getvalue()
