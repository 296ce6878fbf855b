"""The reading pages: overview, taxonomy, node, paper list, paper, author."""

import re

import pytest
from django.http import QueryDict
from django.test import Client

from papers.filtersets import PaperFilterSet
from papers.models import Author, CitationKeyAlias, Paper, Status
from papers.selectors import paper_list
from papers.services.papers import paper_create
from papers.views.listing import PER_PAGE
from taxonomy.models import Dataset, Kind, Node, Provenance
from tests.web.conftest import grow

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def count_heading(html: str) -> int:
    match = re.search(r'data-result-count="(\d+)"', html)
    assert match, "no result count on the page"
    return int(match.group(1))


def test_overview_shows_the_review_categories_modalities_and_search(client, survey):
    html = html_of(client.get("/"))
    survey_paper = Paper.objects.get(citation_key=survey)
    assert survey_paper.title in html
    assert f"https://doi.org/{survey_paper.doi}" in html
    assert "Summaira Jabeen" in html
    roots = Node.objects.filter(parent=None)
    categories = roots.filter(kind=Kind.APPLICATION).exclude(
        provenance=Provenance.CURATED
    )
    assert categories.count() == 6
    for node in [*categories, *roots.filter(kind=Kind.MODALITY)]:
        assert f'href="{node.get_absolute_url()}"' in html
    assert html.count('class="card"') == 6
    assert 'name="q"' in html and 'role="search"' in html
    assert "Recently added" in html
    image = Node.objects.get(kind=Kind.MODALITY, slug="image")
    expected = PaperFilterSet({"modality": ["image"]}, queryset=paper_list()).qs
    assert f'aria-label="{expected.count()} papers on {image.name}"' in html


def test_taxonomy_page_has_every_node_in_expandable_trees(client, survey):
    html = html_of(client.get("/taxonomy/"))
    for node in Node.objects.all():
        assert f'href="{node.get_absolute_url()}"' in html, node.slug
    assert "<details" in html and "<summary>" in html
    assert "Modality × application" in html
    assert "Method family × modality" in html


def test_gap_matrix_cells_link_to_the_filtered_list_with_the_same_count(client, survey):
    html = html_of(client.get("/taxonomy/"))
    cell = re.search(
        r'<a href="/papers/\?(modality=image&application=image-description)"'
        r' aria-label="(\d+) paper',
        html.replace("&amp;", "&"),
    )
    assert cell, "no cell for image x image description"
    listed = html_of(client.get(f"/papers/?{cell.group(1)}"))
    assert count_heading(listed) == int(cell.group(2)) > 0
    assert 'class="heat-0 gap"' in html, "empty cells are not marked as gaps"


def test_node_page_shows_provenance_children_datasets_and_its_papers(client, survey):
    node = Node.objects.get(kind=Kind.APPLICATION, slug="visual-question-answering")
    html = html_of(client.get(node.get_absolute_url()))
    assert node.name in html
    assert node.get_provenance_display() in html
    for dataset in node.datasets.all():
        assert dataset.name in html
    for issue in node.related.filter(kind=Kind.OPEN_ISSUE):
        assert f'href="{issue.get_absolute_url()}"' in html
    expected = PaperFilterSet(
        {"application": [node.slug]}, queryset=paper_list()
    ).qs.count()
    assert f'<span class="count">{expected}</span>' in html
    assert "Papers per year" in html and "<svg" in html
    assert "/api/v1/papers/?application=visual-question-answering&format=bibtex" in (
        html.replace("&amp;", "&")
    )


def test_inferred_node_is_not_presented_as_stated_by_the_review(client, survey):
    node = Node.objects.filter(provenance=Provenance.INFERRED).first()
    html = html_of(client.get(node.get_absolute_url()))
    assert "Inferred, not stated by the review" in html
    header = html.split("<h1")[1].split("</header")[0]
    assert "prov-inferred" in header and "prov-survey" not in header


def a_set_page(kind: str) -> tuple[str, str]:
    """A page about a set of papers, and the paper-list query of that set."""
    if kind == "node":
        node = Node.objects.get(kind=Kind.APPLICATION, slug="speech-synthesis")
        return node.get_absolute_url(), f"application={node.slug}"
    if kind == "dataset":
        dataset = Dataset.objects.get(slug="mscoco")
        return dataset.get_absolute_url(), f"dataset={dataset.slug}"
    paper = Paper.objects.get(citation_key="vinyals2015show")
    author = paper.authorships.get(position=0).author
    return author.get_absolute_url(), f"author={author.pk}"


@pytest.mark.parametrize("kind", ["node", "dataset", "author"])
def test_a_set_page_links_export_map_and_feed_of_exactly_its_papers(
    client, survey, kind
):
    url, query = a_set_page(kind)
    html = html_of(client.get(url)).replace("&amp;", "&")
    expected = {
        p.citation_key
        for p in PaperFilterSet(QueryDict(query), queryset=paper_list()).qs
    }
    assert expected, "the set should not be empty"
    link = re.search(r'href="(/api/v1/papers/\?[^"]*format=bibtex)"', html).group(1)
    body = b"".join(client.get(link).streaming_content).decode()
    assert set(re.findall(r"^@\w+\{([^,]+),", body, flags=re.M)) == expected
    for target in ("/papers/", "/map/", "/feeds/papers/"):
        assert f'href="{target}?{query}"' in html, target
        assert client.get(f"{target}?{query}").status_code == 200
    assert html.count(f'href="/feeds/papers/?{query}"') == 2, (
        "the feed is linked in the head for readers and in the page for people"
    )


def test_unknown_node_kind_and_slug_are_friendly_404s(client, survey):
    for url in ("/taxonomy/planet/mars/", "/taxonomy/modality/no-such-thing/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()


def test_author_page_lists_their_papers(client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    author = paper.authorships.get(position=0).author
    html = html_of(client.get(author.get_absolute_url()))
    assert author.display_name in html
    assert paper.title in html
    assert f"?author={author.pk}" in html


def test_dataset_page_lists_papers_that_use_it(client, survey):
    html = html_of(client.get("/taxonomy/datasets/mscoco/"))
    assert "Show and Tell" in html


def test_author_and_dataset_pages_show_their_papers_a_page_at_a_time(client, survey):
    papers = grow(PER_PAGE + 5, prefix="paged")
    author = Author.objects.create(given="Prolific", family="Writer")
    dataset = Dataset.objects.get(slug="mscoco")
    for paper in papers:
        paper.authorships.create(author=author, position=1)
        paper.datasets.add(dataset)
    used = Paper.objects.filter(status=Status.PUBLISHED, datasets=dataset).count()
    for url, total in (
        (author.get_absolute_url(), len(papers)),
        (dataset.get_absolute_url(), used),
    ):
        first = html_of(client.get(url))
        pages = -(-total // PER_PAGE)
        assert first.count('class="paper-row') == PER_PAGE, url
        assert f"Page 1 of {pages}" in first and 'rel="next"' in first
        last = html_of(client.get(f"{url}?page={pages}"))
        assert last.count('class="paper-row') == total - (pages - 1) * PER_PAGE
    author_page = html_of(client.get(author.get_absolute_url()))
    assert f"{len(papers)} papers in the atlas" in author_page
    dataset_page = html_of(client.get(dataset.get_absolute_url()))
    assert f'Papers using it <span class="count">{used}</span>' in dataset_page


def test_error_templates_render_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render({"message": "Broken <b>x</b>"})
    assert "Something went wrong" in html and "&lt;b&gt;" in html


def test_draft_is_hidden_from_visitors_and_shown_to_curators(client, survey, curator):
    paper_create(
        actor=curator,
        data={"citation_key": "draft2024x", "title": "A draft", "status": "draft"},
    )
    assert Paper.objects.get(citation_key="draft2024x").status == Status.DRAFT
    assert client.get("/papers/draft2024x/").status_code == 404
    client.force_login(curator)
    html = html_of(client.get("/papers/draft2024x/"))
    assert "Draft — visible to curators only" in html


def test_former_citation_key_redirects_permanently(client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    CitationKeyAlias.objects.create(key="vinyals2014show", paper=paper)
    response = client.get("/papers/vinyals2014show/")
    assert response.status_code == 301
    assert response["Location"] == "/papers/vinyals2015show/"
    kept = client.get("/papers/vinyals2014show/?utm_source=mail&x=1")
    assert kept["Location"] == "/papers/vinyals2015show/?utm_source=mail&x=1"


def test_an_author_without_published_papers_has_no_public_page(curator_client, survey):
    nobody = Author.objects.create(family="Nopapers", given="Ada")
    assert Client().get(nobody.get_absolute_url()).status_code == 404
    assert curator_client.get(nobody.get_absolute_url()).status_code == 200


def test_a_venue_and_author_known_from_drafts_alone_are_never_named(client, survey):
    from papers.models import Venue

    venue = Venue.objects.create(name="Secret Venue of a Draft")
    author = Author.objects.create(family="Draftauthor", given="Zed")
    draft = Paper.objects.create(
        citation_key="secret2026", title="Secret", venue=venue, status=Status.DRAFT
    )
    draft.authorships.create(author=author, position=0)
    for url in (
        f"/papers/?venue={venue.pk}",
        f"/papers/?venue={venue.pk}&year_min=abc",
        f"/map/?venue={venue.pk}&author={author.pk}",
    ):
        html = client.get(url).content.decode()
        assert "Secret Venue" not in html and "Draftauthor" not in html, url
    published = Paper.objects.filter(venue__isnull=False, status=Status.PUBLISHED)
    named = published.first().venue
    html = client.get(f"/papers/?venue={named.pk}").content.decode()
    assert (named.short_name or named.name) in html, "a public venue is still named"
