"""The literature map in a real browser: hover a node, click through."""

import pytest

from maps.services import map_build

pytestmark = pytest.mark.browser


def test_paper_map_hover_shows_the_paper_and_click_opens_it(
    live_server, survey, page, screenshot_dir
):
    map_build()
    page.goto(f"{live_server.url}/papers/vinyals2015show/map/")
    svg = page.locator("svg[data-map]")
    assert svg.is_visible()
    assert page.locator(".map-zoom").is_visible(), "the script did not start"

    node = page.locator('a.node[data-key="xu2015show"]')
    node.locator("circle").hover()
    tooltip = page.locator(".map-tooltip")
    tooltip.wait_for(state="visible")
    assert "Show, Attend and Tell" in tooltip.inner_text()
    assert "(2015)" in tooltip.inner_text()
    page.screenshot(path=str(screenshot_dir / "map.png"), full_page=False)

    before = svg.get_attribute("viewBox")
    page.click('button[data-zoom="in"]')
    assert svg.get_attribute("viewBox") != before
    page.click('button[data-zoom="reset"]')
    assert svg.get_attribute("viewBox") == before

    node.locator("circle").click()
    page.wait_for_url(f"{live_server.url}/papers/xu2015show/")
    assert "Show, Attend and Tell" in page.locator("h1").inner_text()


def test_dragging_pans_without_opening_a_paper(live_server, survey, page):
    page.goto(f"{live_server.url}/map/?application=video-description")
    svg = page.locator("svg[data-map]")
    before = svg.get_attribute("viewBox")
    box = svg.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 160, box["y"] + 90, steps=8)
    page.mouse.up()
    assert svg.get_attribute("viewBox") != before
    assert page.url.endswith("/map/?application=video-description")
