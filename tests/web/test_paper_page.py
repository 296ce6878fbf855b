"""The paper page, and rules every page keeps (no inline script, footer links)."""

import re

import pytest

from papers.models import Paper
from tests.web.test_browse import html_of

pytestmark = pytest.mark.django_db


def test_paper_page_shows_metadata_labels_citations_and_bibtex(client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    html = html_of(client.get(paper.get_absolute_url()))
    assert paper.title in html
    for authorship in paper.authorships.all():
        assert f'href="{authorship.author.get_absolute_url()}"' in html
    assert f'href="https://doi.org/{paper.doi}"' in html
    assert f'href="https://arxiv.org/abs/{paper.arxiv_id}"' in html
    for label in paper.labels.select_related("node"):
        assert f'href="{label.node.get_absolute_url()}"' in html
    assert re.search(
        r'<pre id="bibtex-text"[^>]*>@inproceedings\{vinyals2015show,', html
    )
    assert 'data-copy-target="#bibtex-text"' in html
    assert "Cited by, in the atlas" in html and "References in the atlas" in html
    assert "Similar papers" in html


def test_every_download_format_of_a_paper_works(client, survey):
    html = html_of(client.get("/papers/vinyals2015show/")).replace("&amp;", "&")
    links = re.findall(r'href="(/api/v1/papers/vinyals2015show/\?format=\w+)"', html)
    assert len(links) == 6
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert b"vinyals2015show" in body or b"Show and Tell" in body, link


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/taxonomy/",
        "/papers/",
        "/papers/?q=attention",
        "/papers/vinyals2015show/",
        "/taxonomy/application/image-description/",
        "/taxonomy/datasets/mscoco/",
        "/no-such-page/",
    ],
)
def test_pages_have_no_inline_script_or_event_handler(client, survey, url):
    html = client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "inline event handler"
    assert 'href="/api/docs/"' in html, "the footer links the API docs"
    assert "/api/v1/papers/?format=bibtex" in html, "the footer links the exports"
