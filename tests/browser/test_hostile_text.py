"""Imported text that tries to run script stays text on every page that shows it:
no dialog opens, no console error or policy violation, and the words themselves
are on the page for people to read."""

import pytest

from history.models import Change
from maps.services import map_build
from papers.models import Paper
from papers.services.bibtex_import import bibtex_import

pytestmark = pytest.mark.browser

KEY = "hostile2024payload"
TITLE_PAYLOAD = "<script>alert('title')</script>"
HOSTILE_BIB = r"""
@article{hostile2024payload,
  title = {Fusion <script>alert('title')</script> <img src=x onerror=alert('img')>},
  author = {Alert, <svg onload=alert('author')> and Doe, Jane},
  journal = {Journal of <svg><script>alert('venue')</script></svg>},
  abstract = {An abstract with <iframe src="javascript:alert('abstract')"></iframe>
              and <a href="javascript:alert('link')">a link</a>.},
  year = {2024},
}
"""
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def hostile_paper(survey):
    report = bibtex_import(data=HOSTILE_BIB, actor=None)
    assert report.ok, report.problems
    paper = Paper.objects.get(citation_key=KEY)
    paper.status = "published"
    paper.save(update_fields=["status"])
    return paper


def pages_showing(paper: Paper) -> list[str]:
    author = paper.authorships.order_by("position").first().author
    return [
        f"/papers/{KEY}/",
        f"/papers/?q={KEY[:7]}",
        "/papers/?q=fusion+script",
        f"/authors/{author.pk}/",
        f"/papers/{KEY}/map/",
        "/",
    ]


def test_hostile_imported_text_is_inert_on_every_page(live_server, hostile_paper, page):
    map_build()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(LISTEN)
    for path in pages_showing(hostile_paper):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
        # No element the payload names was created, and no link runs script.
        assert page.locator("iframe, img[src='x'], svg[onload]").count() == 0, path
        assert page.locator("a[href^='javascript:' i]").count() == 0, path
    assert dialogs == []

    page.goto(live_server.url + f"/papers/{KEY}/")
    text = page.inner_text("body")
    assert TITLE_PAYLOAD in text  # shown as the words that were imported
    assert "alert('abstract')" in text


def test_a_script_address_is_refused_at_import_and_nothing_is_written(survey):
    before = (Paper.objects.count(), Change.objects.count())
    bib = HOSTILE_BIB.replace("year = {2024}", "url = {javascript:alert('url')}")
    report = bibtex_import(data=bib, actor=None)
    assert not report.ok
    assert "url: Enter a valid URL." in report.problems[0].message
    assert (Paper.objects.count(), Change.objects.count()) == before
