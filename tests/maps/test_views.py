"""The map and trends pages, without JavaScript."""

import re

import pytest

from papers.models import CitationKeyAlias, Paper


def test_paper_map_page_draws_the_paper_highlighted_with_links(client, built):
    response = client.get("/papers/vinyals2015show/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="map-svg"' in html
    selected = re.search(r'<a class="node node-selected" href="([^"]+)"', html)
    assert selected and selected.group(1) == "/papers/vinyals2015show/"
    assert html.count('<a class="node') == 21
    assert "central in the Multimodal Image Description cluster" in html
    assert "Prior works" in html and "Derivative works" in html
    assert "<table>" in html and "Show, Attend and Tell" in html  # the list
    assert "js/map.js" in html and "css/map.css" in html


def test_pages_use_no_inline_event_handlers(client, built):
    for url in ("/papers/vinyals2015show/map/", "/map/", "/stats/"):
        html = client.get(url).content.decode()
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        assert "cdn" not in html.lower()


def test_colour_by_year_changes_the_legend(client, built):
    html = client.get("/papers/vinyals2015show/map/?colour=year").content.decode()
    assert "<strong>year</strong>" in html
    assert re.search(r"<li><svg class=\"swatch\".*?</svg>20\d\d", html)
    fallback = client.get("/papers/vinyals2015show/map/?colour=nonsense")
    assert fallback.status_code == 200
    assert "<strong>application</strong>" in fallback.content.decode()


def test_same_data_draws_the_same_map(client, built):
    first = client.get("/map/?application=video-description").content
    second = client.get("/map/?application=video-description").content
    svg = lambda html: re.search(rb"<svg class=\"map-svg\".*?</svg>", html, re.S)[0]  # noqa: E731
    assert svg(first) == svg(second)


def test_set_map_keeps_to_the_filter(client, built):
    html = client.get("/map/?modality=video").content.decode()
    keys = set(re.findall(r'data-key="([^"]+)"', html))
    video = Paper.objects.filter(
        labels__node__slug="video", labels__node__kind="modality"
    ).values_list("citation_key", flat=True)
    assert keys and keys <= set(video)
    assert f"{len(set(video))} papers match" in html


def test_set_map_with_an_unknown_slug_is_a_400_page(client, survey):
    response = client.get("/map/?modality=nope")
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


def test_set_map_queries_do_not_grow_with_the_set(
    client, built, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        small = client.get("/map/?application=event-detection")
    with django_assert_max_num_queries(16):
        everything = client.get("/map/")
    assert small.content.count(b'class="node') < everything.content.count(
        b'class="node'
    )


def test_paper_map_of_a_former_key_redirects(client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    CitationKeyAlias.objects.create(key="vinyals-old", paper=paper)
    response = client.get("/papers/vinyals-old/map/?colour=year")
    assert response.status_code == 301
    assert response["Location"] == "/papers/vinyals2015show/map/?colour=year"
    assert client.get("/papers/no-such-paper/map/").status_code == 404


@pytest.mark.django_db
def test_map_works_before_the_first_build(client, survey):
    response = client.get("/papers/vinyals2015show/map/")
    assert response.status_code == 200
    assert "central in" not in response.content.decode()


def test_stats_page_has_charts_csv_links_and_the_gap_matrix(client, survey):
    html = client.get("/stats/").content.decode()
    assert html.count('<svg class="chart"') == 3
    assert "/api/v1/stats/trends?by=application&amp;format=csv" in html
    assert 'class="coverage"' in html and 'class="gap"' in html
    assert "Multimodal Speech Synthesis" in html


def test_nav_links_to_map_and_stats(client, survey):
    html = client.get("/").content.decode()
    assert 'href="/map/"' in html and 'href="/stats/"' in html


def test_paper_list_under_the_map_escapes_titles_and_marks_the_paper(client, built):
    xu = Paper.objects.get(citation_key="xu2015show")
    xu.title = "Show, <Attend> & Tell"
    xu.save()
    html = client.get("/papers/vinyals2015show/map/").content.decode()
    rows = re.search(r"<tbody>(.*?)</tbody>", html, re.S)[1]
    assert rows.count("<tr") == 21
    assert "Show, &lt;Attend&gt; &amp; Tell</a></td><td>2015</td>" in rows
    assert '<tr class="selected"><td><a href="/papers/vinyals2015show/">' in rows
