"""Browser fixtures: a headless Chromium (Playwright) per session, a page per test.

`page` collects console errors and uncaught page errors and fails the test at
teardown if there were any. Tests also need `live_server` (transactional) and
should request `survey` so that the knowledge base is loaded. Also the helpers
the browser tests share: logging in, and the paper list's expected counts.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from papers.filtersets import PaperFilterSet
from papers.selectors import paper_list
from tests.external import unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the test's own
# database calls are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; any console error or page error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/curate/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/curate/")


@pytest.fixture
def curator_login(db):
    user = User.objects.create_user("cora", password="curate-me-123")
    user.groups.add(Group.objects.get_or_create(name="curator")[0])
    return "cora", "curate-me-123"


def expected(query: dict) -> int:
    return PaperFilterSet(query, queryset=paper_list()).qs.count()


def result_count(page) -> int:
    return int(page.locator("[data-result-count]").get_attribute("data-result-count"))


def wait_for_count(page, count: int) -> None:
    page.wait_for_selector(f'[data-result-count="{count}"]')
