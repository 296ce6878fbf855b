"""The faceted paper list: filters, counts, search, sorting, paging, exports."""

import re

import pytest

from papers.filtersets import PaperFilterSet
from papers.selectors import paper_list
from papers.services.papers import paper_create
from tests.web.test_browse import count_heading, html_of

pytestmark = pytest.mark.django_db


def expected_count(query: dict) -> int:
    return PaperFilterSet(query, queryset=paper_list()).qs.count()


def facet_count(html: str, name: str, slug: str) -> int:
    match = re.search(
        rf'name="{name}" value="{re.escape(slug)}"[^>]*>.*?class="count"[^>]*>(\d+)<',
        html,
        flags=re.S,
    )
    assert match, f"no facet {name}={slug}"
    return int(match.group(1))


def test_narrowing_by_modality_and_method_changes_list_and_counts(client, survey):
    everything = html_of(client.get("/papers/"))
    assert count_heading(everything) == expected_count({})
    image = html_of(client.get("/papers/?modality=image"))
    assert count_heading(image) == expected_count({"modality": ["image"]})
    query = {"modality": ["image"], "method": ["encoder-decoder-image-description"]}
    both = html_of(
        client.get("/papers/?modality=image&method=encoder-decoder-image-description")
    )
    assert 0 < count_heading(both) == expected_count(query) < count_heading(image)
    # The method facet counts within the image papers, not within everything.
    assert facet_count(image, "application", "image-description") == expected_count(
        {"modality": ["image"], "application": ["image-description"]}
    )
    assert facet_count(everything, "modality", "image") == expected_count(
        {"modality": ["image"]}
    )
    assert "checked" in both.split('value="encoder-decoder-image-description"')[1][:20]


def test_other_values_of_a_chosen_facet_count_what_they_would_add(client, survey):
    html = html_of(client.get("/papers/?modality=image"))
    assert facet_count(html, "modality", "audio") == expected_count(
        {"modality": ["audio"]}
    )


def test_free_text_search_marks_the_matches(client, survey):
    html = html_of(client.get("/papers/?q=caption"))
    assert count_heading(html) == expected_count({"q": "caption"}) > 0
    assert re.search(r"<mark>caption</mark>", html, flags=re.I)


def test_sorting_by_title_orders_the_rows(client, survey):
    html = html_of(client.get("/papers/?application=speech-synthesis&ordering=title"))
    titles = re.findall(r'class="paper-title" href="[^"]+">([^<]+)<', html)
    assert len(titles) > 3
    assert titles == sorted(titles, key=str.lower) or titles == [
        p.title
        for p in PaperFilterSet(
            {"application": ["speech-synthesis"], "ordering": "title"},
            queryset=paper_list(),
        ).qs[:25]
    ]


def test_pages_keep_the_query(client, survey):
    html = html_of(client.get("/papers/?modality=text"))
    assert expected_count({"modality": ["text"]}) > 25
    assert 'href="?modality=text&amp;page=2"' in html
    second = html_of(client.get("/papers/?modality=text&page=2"))
    assert "Page 2 of" in second


@pytest.mark.parametrize(
    ("page", "last"),
    [("0", False), ("-1", False), ("abc", False), ("²", False), ("99", True)],
)
def test_a_page_out_of_range_shows_the_nearest_one(client, survey, page, last):
    pages = -(-expected_count({"modality": ["text"]}) // 25)
    assert pages > 2
    html = html_of(client.get(f"/papers/?modality=text&page={page}"))
    assert f"Page {pages if last else 1} of {pages}" in html


def test_empty_parameters_redirect_to_the_tidy_permalink(client, survey):
    response = client.get("/papers/?q=&modality=image&year_min=&ordering=")
    assert response.status_code == 302
    assert response["Location"] == "/papers/?modality=image"


def test_partial_request_returns_only_the_results_region(client, survey):
    response = client.get("/papers/?modality=audio", HTTP_X_ATLAS_PARTIAL="1")
    html = html_of(response)
    assert "<html" not in html and 'class="facets"' in html
    assert count_heading(html) == expected_count({"modality": ["audio"]})
    assert "X-Atlas-Partial" in response["Vary"]


def test_permalink_and_export_links_reproduce_the_query(client, survey):
    url = "/papers/?application=emotion-recognition&year_min=2018"
    html = html_of(client.get(url)).replace("&amp;", "&")
    assert f'data-permalink href="{url}"' in html
    for fmt in ("bibtex", "biblatex", "csv", "json", "csljson", "ris"):
        assert (
            f"/api/v1/papers/?application=emotion-recognition&year_min=2018&format={fmt}"
            in html
        )
    response = client.get(
        "/api/v1/papers/?application=emotion-recognition&year_min=2018&format=csv"
    )
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(rows) - 1 == expected_count(
        {"application": ["emotion-recognition"], "year_min": "2018"}
    )


def test_bad_filter_values_are_explained_not_a_server_error(client, survey):
    html = html_of(client.get("/papers/?modality=no-such-modality&year_min=abc"))
    assert "Some filters could not be used" in html
    assert "modality" in html and "year_min" in html


def test_active_filters_can_be_removed_one_by_one(client, survey):
    html = html_of(client.get("/papers/?modality=image&modality=audio"))
    assert 'href="/papers/?modality=audio"' in html
    assert 'href="/papers/?modality=image"' in html


def test_titles_and_abstracts_are_escaped_even_when_highlighted(
    client, survey, curator
):
    paper_create(
        actor=curator,
        data={
            "citation_key": "evil2024",
            "title": "<script>alert('x')</script> Fusion <b>bold</b>",
            "abstract": "Fusion with <img src=x onerror=alert(1)> inside.",
            "status": "published",
            "year": 2026,
            "authors": ["Eve <i>Hacker</i>"],
        },
    )
    for url in ("/papers/?q=fusion", "/papers/evil2024/", "/papers/", "/"):
        html = html_of(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "<b>bold</b>" not in html and "<i>Hacker</i>" not in html, url
        assert "&lt;script&gt;" in html or "&lt;b&gt;" in html, url


def test_relevance_ordering_without_search_text_falls_back_to_newest(client, survey):
    html = html_of(client.get("/papers/?ordering=relevance"))
    assert "Some filters could not be used" not in html
    assert count_heading(html) == expected_count({})
