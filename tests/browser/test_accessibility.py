"""Every page passes axe-core's automated accessibility rules (WCAG 2.x A and
AA: contrast, names, landmarks, keyboard reach, controls within controls) in a
real browser, for visitors and for curators, on a wide and a narrow screen;
and the main task, narrowing papers and opening one, works from the keyboard."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from papers.models import Author
from tests.browser.conftest import expected, log_in, wait_for_count

pytestmark = pytest.mark.browser

VISITOR_PAGES = [
    "/",
    "/taxonomy/",
    "/taxonomy/modality/image/",
    "/taxonomy/application/visual-question-answering/",
    "/taxonomy/datasets/mscoco/",
    "/papers/",
    "/papers/?modality=image&q=caption&year_min=2015",
    "/papers/vinyals2015show/",
    "/map/",
    "/papers/vinyals2015show/map/",
    "/stats/",
    "/accounts/login/",
]
CURATOR_PAGES = [
    "/curate/",
    "/curate/papers/add/",
    "/curate/papers/vinyals2015show/edit/",
    "/curate/papers/vinyals2015show/labels/",
    "/curate/papers/vinyals2015show/history/",
    "/curate/import/",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


def violations(axe, page, path: str) -> list[str]:
    """One line per rule broken on the page: rule, impact and where; and, as
    WCAG's reflow criterion asks, whether the page scrolls sideways (only a
    table or a map may, inside its own scrolling box)."""
    found = axe.run(page).response["violations"]
    broken = [
        f"{path}: {rule['id']} ({rule['impact']}) at {rule['nodes'][0]['target']}: "
        f"{rule['help']}"
        for rule in found
    ]
    width = page.viewport_size["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    if page_width > width:
        broken.append(f"{path}: {page_width} px wide in a {width} px window")
    return broken


@pytest.mark.parametrize("width", [1280, 320])
def test_visitor_pages_break_no_accessibility_rule(
    live_server, survey, page, axe, width
):
    page.set_viewport_size({"width": width, "height": 900})
    # The 404 page, served as it is but with 200, which the console takes quietly.
    page.route("**/no-such-page/", lambda route: route.fulfill(
        response=route.fetch(), status=200
    ))  # fmt: skip
    author = Author.objects.get(family="Vinyals", given="Oriol")
    broken = []
    for path in [*VISITOR_PAGES, f"/authors/{author.pk}/", "/no-such-page/"]:
        page.goto(f"{live_server.url}{path}")
        broken += violations(axe, page, path)
    assert not broken, "\n".join(broken)
    assert "We could not find that page" in page.content()  # the last one, the 404


@pytest.mark.parametrize("width", [1280, 320])
def test_curator_pages_break_no_accessibility_rule(
    live_server, survey, page, axe, curator_login, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, *curator_login)
    broken = []
    for path in CURATOR_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.url.endswith(path), f"{path} did not open for a curator"
        broken += violations(axe, page, path)
    assert not broken, "\n".join(broken)


def test_the_audit_finds_a_broken_rule(live_server, survey, page, axe):
    """The audit is live: a button without a name is reported."""
    page.goto(f"{live_server.url}/")
    page.evaluate(
        "document.querySelector('main').append(document.createElement('button'))"
    )
    assert any("button-name" in line for line in violations(axe, page, "/"))


def tab_to(page, selector: str, limit: int = 120) -> int:
    """Press Tab until `selector` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def focus_ring(page) -> str:
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


def test_a_keyboard_user_narrows_papers_and_opens_one(live_server, survey, page):
    """Skip link first, a visible focus ring, filters that keep the focus while
    the list updates in place, and a result opened with Enter: no mouse."""
    page.goto(f"{live_server.url}/papers/")
    assert tab_to(page, "a.skip") == 1
    assert page.locator("a.skip").bounding_box()["x"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/papers/#main$"))

    image = 'input[name="modality"][value="image"]'
    tab_to(page, image)
    assert focus_ring(page) != "none"
    page.keyboard.press("Space")
    narrowed = expected({"modality": ["image"]})
    wait_for_count(page, narrowed)
    assert page.locator(image).is_checked()
    # The focus is back on the checkbox once the new list is in (or this times out).
    page.wait_for_function("s => document.activeElement.matches(s)", arg=image)

    first = page.locator(".paper-list .paper-row a").first
    href = first.get_attribute("href")
    tab_to(page, f'.paper-list .paper-row a[href="{href}"]', limit=400)
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{href}")
    assert page.locator("h1").inner_text()
