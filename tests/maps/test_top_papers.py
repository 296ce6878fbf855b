"""A node's "most important papers": the note says the order they are really
in, whether the map's metrics are built, partly missing or stale; and a fresh
`make serve` builds them."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from maps import selectors
from maps.models import MapBuild, PaperMetric
from papers.models import Label, Paper
from papers.services.papers import citation_add
from taxonomy.models import Kind, Node

NODE_URL = "/taxonomy/modality/image/"
PAGERANK_NOTE = "Ranked by PageRank"


def top_section(client, url: str = NODE_URL) -> tuple[str, list[str]]:
    """The note and the listed citation keys of a node page's top papers."""
    html = client.get(url).content.decode()
    section = re.search(r'<section class="top-papers".*?</section>', html, re.S)[0]
    note = re.search(r'<p class="map-note">(.*?)</p>', section, re.S)[1]
    return note, re.findall(r'<li><a href="/papers/([^/]+)/">', section)


def papers_under(slug: str, kind: str = Kind.MODALITY):
    node = Node.objects.get(kind=kind, slug=slug)
    nodes = [node.pk, *node.children.values_list("pk", flat=True)]
    labelled = Label.objects.filter(node__in=nodes).values("paper_id")
    return Paper.objects.published().filter(pk__in=labelled)


def newest_first(papers) -> list[str]:
    return list(papers.order_by("-year", "pk").values_list("citation_key", flat=True))


def by_pagerank(papers) -> list[str]:
    ranked = papers.filter(metric__isnull=False)
    ordered = ranked.order_by("-metric__pagerank", "-year", "pk")
    return list(ordered.values_list("citation_key", flat=True))


@pytest.mark.django_db
def test_without_metrics_the_note_says_newest_first_as_the_list_is(client, survey):
    assert not PaperMetric.objects.exists()
    note, keys = top_section(client)
    assert PAGERANK_NOTE not in note
    assert note.startswith("Newest first: PageRank has not been computed")
    assert keys == newest_first(papers_under("image"))[:5]


def test_with_metrics_the_note_says_pagerank_as_the_list_is(client, built):
    note, keys = top_section(client)
    assert note.startswith(f"{PAGERANK_NOTE} in the citation graph")
    assert "newest first" not in note and "changed since" not in note
    assert keys == by_pagerank(papers_under("image"))[:5]
    assert keys != newest_first(papers_under("image"))[:5]


def test_papers_the_build_did_not_rank_follow_newest_first_and_the_note_says_so(
    client, built
):
    papers = papers_under("image")
    kept = by_pagerank(papers)[:2]
    PaperMetric.objects.filter(paper__in=papers).exclude(
        paper__citation_key__in=kept
    ).delete()
    note, keys = top_section(client)
    assert note.startswith(PAGERANK_NOTE)
    assert "then, newest first, papers added since" in note
    unranked = papers.exclude(citation_key__in=kept)
    assert keys == kept + newest_first(unranked)[:3]


def test_papers_all_added_after_the_build_are_listed_newest_first(client, built):
    papers = papers_under("image")
    PaperMetric.objects.filter(paper__in=papers).delete()
    note, keys = top_section(client)
    assert note.startswith("Newest first: these papers were added after PageRank")
    assert PAGERANK_NOTE not in note
    assert keys == newest_first(papers)[:5]


def test_a_citation_added_after_the_build_makes_the_note_say_it_is_not_counted(
    client, built
):
    note, _ = top_section(client)
    assert "changed since" not in note
    citing, cited = (
        Paper.objects.get(citation_key="xu2015show"),
        Paper.objects.get(citation_key="antol2015vqa"),
    )
    citation_add(actor=None, citing=citing, cited=cited)
    note, keys = top_section(client)
    assert note.startswith(PAGERANK_NOTE)
    assert "Papers or citations have changed since" in note
    assert keys == by_pagerank(papers_under("image"))[:5]


def test_top_papers_say_their_order(built):
    node = Node.objects.get(kind=Kind.APPLICATION, slug="image-description")
    top = selectors.top_papers_for_node(node, limit=3)
    assert top.order == "pagerank" and not top.changed_since
    assert top.computed_at == built.computed_at
    PaperMetric.objects.all().delete()
    MapBuild.objects.all().delete()
    again = selectors.top_papers_for_node(node, limit=3)
    assert again.order == "newest" and again.computed_at is None


@pytest.mark.django_db
def test_build_map_if_stale_builds_a_fresh_install_once(survey):
    assert not MapBuild.objects.exists()
    out = io.StringIO()
    call_command("build_map", "--if-stale", stdout=out)
    assert "Map built" in out.getvalue()
    published = Paper.objects.published()
    assert PaperMetric.objects.count() == published.count() > 0
    again = io.StringIO()
    call_command("build_map", "--if-stale", stdout=again)
    assert again.getvalue().startswith("Nothing to do")
    assert MapBuild.objects.count() == 1


def test_build_map_if_stale_rebuilds_after_a_citation_or_a_new_paper(built):
    citing = Paper.objects.get(citation_key="xu2015show")
    cited = Paper.objects.get(citation_key="antol2015vqa")
    citation_add(actor=None, citing=citing, cited=cited)
    assert not selectors.map_is_current()
    call_command("build_map", "--if-stale", stdout=io.StringIO())
    assert MapBuild.objects.count() == 2 and selectors.map_is_current()
    PaperMetric.objects.filter(paper=citing).delete()  # as if added since
    assert not selectors.map_is_current()


def test_make_serve_builds_the_map_after_loading_the_survey():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    serve = re.search(r"^serve:.*?(?=^\S)", makefile, re.S | re.M)[0]
    commands = re.findall(r"manage\.py (\w+.*)", serve)
    assert commands.index("build_map --if-stale") == commands.index("load_survey") + 1
    assert commands[-1].startswith("runserver")
