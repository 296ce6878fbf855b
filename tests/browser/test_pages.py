"""The pages in a real browser: live filtering, copying BibTeX, the curator's
add form, and the main pages without JavaScript errors."""

import re

import pytest

from papers.models import Paper
from tests.browser.conftest import expected, log_in, result_count, wait_for_count

pytestmark = pytest.mark.browser

METHOD = "encoder-decoder-image-description"


def test_visitor_narrows_papers_by_modality_and_method(
    live_server, survey, page, screenshot_dir
):
    page.goto(f"{live_server.url}/papers/")
    assert result_count(page) == expected({})
    audio_before = page.locator(
        'label:has(input[name="modality"][value="audio"]) .count'
    ).inner_text()

    page.check('input[name="modality"][value="image"]')
    wait_for_count(page, expected({"modality": ["image"]}))
    assert page.url.endswith("/papers/?modality=image")
    application = page.locator(
        'label:has(input[name="application"][value="speech-synthesis"])'
    )
    assert application.count() == 0, "facets did not follow the selection"

    page.click("details.facet summary:text('Method family')")
    page.check(f'input[name="method"][value="{METHOD}"]')
    narrowed = expected({"modality": ["image"], "method": [METHOD]})
    wait_for_count(page, narrowed)
    assert 0 < narrowed < expected({"modality": ["image"]})
    assert page.url.endswith(f"/papers/?modality=image&method={METHOD}")
    rows = page.locator(".paper-list .paper-row")
    assert rows.count() == min(narrowed, 25)
    assert page.locator('input[name="modality"][value="image"]').is_checked()
    assert audio_before  # the facet had a count before narrowing
    page.screenshot(path=str(screenshot_dir / "papers.png"))

    # The permalink reproduces the same list in a fresh load.
    page.goto(page.url)
    assert result_count(page) == narrowed

    # Typing a search narrows in place and marks the matches.
    page.fill("#f-q", "attention")
    query = {"modality": ["image"], "method": [METHOD], "q": "attention"}
    wait_for_count(page, expected(query))
    if expected(query):
        assert page.locator(".paper-list mark").count() > 0


def test_filters_work_without_javascript(live_server, survey, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/papers/")
    page.check('input[name="modality"][value="audio"]')
    page.click("aside.facets button[type=submit]")
    page.wait_for_url(re.compile(r".*modality=audio.*"))
    assert result_count(page) == expected({"modality": ["audio"]})
    assert page.url.endswith("/papers/?modality=audio"), "empty fields not tidied"
    context.close()


def test_visitor_copies_a_papers_bibtex(live_server, survey, page, screenshot_dir):
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page.goto(f"{live_server.url}/papers/vinyals2015show/")
    shown = page.locator("#bibtex-text").inner_text()
    assert shown.startswith("@inproceedings{vinyals2015show,")
    page.click("button.copy-bibtex")
    page.wait_for_selector(".copy-status:text('Copied!')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == shown.strip()
    assert page.locator("button.copy-bibtex").get_attribute("data-copied") in (
        "clipboard",
        "fallback",
    )
    page.screenshot(path=str(screenshot_dir / "paper.png"))


def test_main_pages_load_cleanly(live_server, survey, page, screenshot_dir):
    page.goto(f"{live_server.url}/")
    assert "A Review on Methods and Applications" in page.locator("h1").inner_text()
    page.screenshot(path=str(screenshot_dir / "overview.png"), full_page=True)

    page.goto(f"{live_server.url}/taxonomy/")
    closed = page.locator("#applications li li details").first
    assert not closed.evaluate("d => d.open")
    closed.locator("summary").first.click(position={"x": 2, "y": 8})
    assert closed.evaluate("d => d.open")
    page.screenshot(path=str(screenshot_dir / "taxonomy.png"))
    page.locator("#gaps").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "gap-matrix.png"))
    page.click("#matrix-modality-application td:not(.gap) a >> nth=0")
    page.wait_for_url(re.compile(r".*/papers/\?modality=.*&application=.*"))
    assert result_count(page) > 0

    page.goto(f"{live_server.url}/taxonomy/application/visual-question-answering/")
    assert page.locator(".year-bars svg rect").count() > 0
    page.screenshot(path=str(screenshot_dir / "node.png"))

    missing = page.request.get(f"{live_server.url}/no-such-page/")
    assert missing.status == 404
    assert "We could not find that page" in missing.text()


def test_curator_adds_a_paper_through_the_form(
    live_server, survey, page, curator_login, screenshot_dir
):
    log_in(page, live_server.url, *curator_login)
    page.click("text=Add a paper")
    page.fill("#id_title", "Show and Tell: A Neural Image Caption Generator")
    warning = page.locator("#duplicate-warning")
    warning.wait_for(state="visible")
    assert "similar title" in warning.inner_text()
    page.fill("#id_title", "Cross-Modal Prompting for Sign Language Translation")
    warning.wait_for(state="hidden")
    page.fill("#id_citation_key", "lee2025prompting")
    page.fill("#id_authors", "Ada Lee\nBo Chen")
    page.fill("#id_venue", "Findings of Sign Language Research")
    page.fill("#id_year", "2025")
    page.fill("#id_doi", "10.5555/slt.2025.7")
    page.check('input[name="modalities"][value="video"]')
    page.check('input[name="modalities"][value="text"]')
    page.check('input[name="applications"][value="video-description"]')
    page.screenshot(path=str(screenshot_dir / "curate-add.png"), full_page=True)
    page.click("form.paper-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/papers/lee2025prompting/")
    assert "Cross-Modal Prompting" in page.locator("h1").inner_text()
    assert "Added" in page.locator(".messages").inner_text()
    paper = Paper.objects.get(citation_key="lee2025prompting")
    assert {label.node.slug for label in paper.labels.all()} == {
        "video",
        "text",
        "video-description",
    }


IMPORT_BIB = """
@inproceedings{vinyals2015again,
  author = {Vinyals, Oriol and Toshev, Alexander and Bengio, Samy and Erhan, Dumitru},
  title = {Show and Tell: A Neural Image Caption Generator},
  booktitle = {CVPR},
  year = {2015},
  doi = {10.1109/CVPR.2015.7298935}
}

@article{okafor2025gesture,
  author = {Okafor, Ngozi and Lindqvist, Per},
  title = {Gesture and Gaze Fusion for Assistive Robots},
  journal = {Journal of Assistive Multimodal Systems},
  year = {2025}
}
"""


def test_curator_imports_a_bib_file_with_one_duplicate(
    live_server, survey, page, curator_login, tmp_path, screenshot_dir
):
    bib = tmp_path / "two.bib"
    bib.write_text(IMPORT_BIB)
    before = Paper.objects.count()
    log_in(page, live_server.url, *curator_login)
    page.click("text=Import BibTeX")
    page.set_input_files("#id_file", str(bib))
    page.click("text=Preview the import")
    page.wait_for_selector("table.import-table")
    duplicate = page.locator('tr[data-entry="vinyals2015again"] .outcome')
    assert duplicate.inner_text() == "duplicate"
    created = page.locator('tr[data-entry="okafor2025gesture"] .outcome')
    assert created.inner_text() == "created"
    assert Paper.objects.count() == before, "the preview wrote something"
    page.screenshot(path=str(screenshot_dir / "curate-import.png"), full_page=True)

    page.click("button:has-text('Confirm: import 1 new')")
    page.wait_for_selector(".messages")
    assert "1 created" in page.locator(".messages").inner_text()
    assert Paper.objects.count() == before + 1

    page.goto(f"{live_server.url}/papers/?q=gesture+gaze")
    page.click("a.paper-title:has-text('Gesture and Gaze Fusion')")
    assert "Gesture and Gaze Fusion" in page.locator("h1").inner_text()
    assert "Ngozi Okafor" in page.locator(".authors").inner_text()


def test_back_and_forward_step_through_the_choices(live_server, survey, page):
    page.goto(f"{live_server.url}/papers/")
    page.check('input[name="modality"][value="image"]')
    wait_for_count(page, expected({"modality": ["image"]}))
    page.click("details.facet summary:text('Method family')")
    page.check(f'input[name="method"][value="{METHOD}"]')
    both = {"modality": ["image"], "method": [METHOD]}
    wait_for_count(page, expected(both))
    page.fill("#f-q", "attention")
    wait_for_count(page, expected({**both, "q": "attention"}))
    page.fill("#f-q", "attention fusion")
    wait_for_count(page, expected({**both, "q": "attention fusion"}))

    page.go_back()  # the whole search was one step
    wait_for_count(page, expected(both))
    assert page.url.endswith(f"/papers/?modality=image&method={METHOD}")
    assert page.locator("#f-q").input_value() == ""
    page.go_back()
    wait_for_count(page, expected({"modality": ["image"]}))
    assert not page.locator(f'input[name="method"][value="{METHOD}"]').is_checked()
    page.go_back()
    wait_for_count(page, expected({}))
    assert page.url.endswith("/papers/")
    page.go_forward()
    wait_for_count(page, expected({"modality": ["image"]}))
    assert page.locator('input[name="modality"][value="image"]').is_checked()


def test_an_in_page_link_does_not_reload_the_list(live_server, survey, page):
    partial = []
    page.on(
        "request",
        lambda request: (
            partial.append(request.url)
            if request.headers.get("x-atlas-partial") == "1"
            else None
        ),
    )
    page.goto(f"{live_server.url}/papers/")
    page.evaluate("document.querySelector('a.skip').click()")
    page.wait_for_url(re.compile(r".*/papers/#main$"))
    page.check('input[name="modality"][value="image"]')
    wait_for_count(page, expected({"modality": ["image"]}))
    assert [url.split(live_server.url)[1] for url in partial] == [
        "/papers/?modality=image"
    ]
