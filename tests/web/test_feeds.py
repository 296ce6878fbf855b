"""The Atom feeds of newly added papers: everything, or one query's papers."""

from xml.etree import ElementTree

import pytest

from papers.filtersets import PaperFilterSet
from papers.models import Label, Paper, Status
from papers.selectors import paper_list
from papers.views.feeds import FEED_SIZE
from taxonomy.models import Provenance
from tests.web.conftest import grow

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries_of(response) -> list[ElementTree.Element]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def key_of(entry) -> str:
    href = entry.find(f"{ATOM}link").get("href")
    return href.rstrip("/").rsplit("/", 1)[1]


def test_the_feed_lists_the_newest_published_papers_first(client, survey):
    grown = grow(3, prefix="fresh")
    Paper.objects.filter(pk=grown[1].pk).update(status=Status.DRAFT)
    newest = list(
        Paper.objects.filter(status=Status.PUBLISHED)
        .order_by("-created", "-pk")
        .values_list("citation_key", flat=True)[:FEED_SIZE]
    )
    keys = [key_of(entry) for entry in entries_of(client.get("/feeds/papers/"))]
    assert keys == newest
    assert keys[0] == "fresh2" and "fresh1" not in keys  # drafts stay out


def test_a_query_feed_follows_the_paper_list_filters(client, survey):
    query = {"modality": ["image"], "year_min": "2018"}
    matching = set(
        PaperFilterSet(query, queryset=paper_list()).qs.values_list(
            "citation_key", flat=True
        )
    )
    response = client.get("/feeds/papers/?modality=image&year_min=2018&ordering=title")
    keys = {key_of(entry) for entry in entries_of(response)}
    assert keys and keys <= matching
    assert len(keys) == min(len(matching), FEED_SIZE)
    feed = ElementTree.fromstring(response.content)
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate.endswith("/papers/?modality=image&year_min=2018")


def test_entries_carry_authors_venue_and_labels_marking_unstated_ones(client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    entry = next(
        e
        for e in entries_of(client.get("/feeds/papers/?q=show+and+tell"))
        if key_of(e) == paper.citation_key
    )
    assert entry.find(f"{ATOM}title").text == paper.title
    assert entry.find(f"{ATOM}author/{ATOM}name").text.startswith("Oriol Vinyals")
    terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
    for label in Label.objects.filter(paper=paper).select_related("node"):
        stated = label.provenance == Provenance.SURVEY
        assert f"{label.node.name}{'' if stated else f' ({label.provenance})'}" in terms


@pytest.mark.parametrize(
    ("query", "named"),
    [("modality=smell", "modality"), ("year_min=soon", "year_min"), ("x=1", "x")],
)
def test_a_bad_feed_query_is_a_400_naming_the_parameter(client, survey, query, named):
    response = client.get(f"/feeds/papers/?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/feeds/papers/"),
        ("/papers/?modality=image", "/feeds/papers/?modality=image"),
        ("/taxonomy/modality/image/", "/feeds/papers/?modality=image"),
        ("/taxonomy/open_issue/vqa-language-priors/", "/feeds/papers/?open_issue="),
        ("/taxonomy/datasets/mscoco/", "/feeds/papers/?dataset=mscoco"),
    ],
)
def test_pages_point_to_the_feed_of_what_they_show(client, survey, page, feed):
    html = client.get(page).content.decode()
    assert f'href="{feed}' in html, page
    link = html[html.index(f'href="{feed}') :].split('"')[1].replace("&amp;", "&")
    entries_of(client.get(link))  # asserts a 200 answer that is an Atom feed


def test_an_author_page_points_to_the_authors_feed(client, survey):
    author = Paper.objects.get(citation_key="vinyals2015show").authors.first()
    html = client.get(f"/authors/{author.pk}/").content.decode()
    link = f"/feeds/papers/?author={author.pk}"
    assert f'href="{link}"' in html
    keys = {key_of(entry) for entry in entries_of(client.get(link))}
    assert "vinyals2015show" in keys


def test_imported_text_stays_text_in_a_reader(client, survey):
    """Summaries are HTML to a feed reader: markup in an abstract is escaped."""
    paper = grow(1, prefix="hostile")[0]
    Paper.objects.filter(pk=paper.pk).update(
        abstract='<script>alert(1)</script><img src=x onerror="alert(2)">'
    )
    entry = next(
        e for e in entries_of(client.get("/feeds/papers/")) if key_of(e) == "hostile0"
    )
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<script>" not in summary.text and "<img" not in summary.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary.text
