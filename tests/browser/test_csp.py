"""Every main page, and the API documentation, under the Content Security Policy
in a real browser: the policy is sent, nothing is refused, the pages still work."""

import pytest
from django.contrib.auth.models import Group, User

from maps.services import map_build

pytestmark = pytest.mark.browser

# Records violations the browser reports as events, beside its console errors.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

PUBLIC_PAGES = [
    ("/", "h1"),
    ("/taxonomy/", "#gaps"),
    ("/taxonomy/application/visual-question-answering/", ".year-bars svg"),
    ("/papers/", "[data-result-count]"),
    ("/papers/?q=caption&modality=image", "[data-result-count]"),
    ("/papers/vinyals2015show/", "#bibtex-text"),
    ("/papers/vinyals2015show/map/", ".map-zoom:not([hidden])"),
    ("/map/", "svg[data-map]"),
    ("/stats/", ".map-legend .swatch"),
    ("/accounts/login/", "#id_username"),
    ("/api/docs/", ".swagger-ui .info .title"),
]
CURATOR_PAGES = [
    ("/curate/", "h1"),
    ("/curate/papers/add/", "#id_citation_key"),
    ("/curate/papers/vinyals2015show/edit/", "#id_title"),
    ("/curate/papers/vinyals2015show/labels/", "h1"),
    ("/curate/import/", "#id_file"),
]


def visit(page, url: str, ready: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.wait_for_selector(ready, state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == [], url


@pytest.fixture
def csp_page(page):
    page.add_init_script(LISTEN)
    return page


def test_public_pages_break_no_rule_of_the_policy(live_server, survey, csp_page):
    map_build()
    for path, ready in PUBLIC_PAGES:
        visit(csp_page, f"{live_server.url}{path}", ready)


def test_swagger_ui_renders_every_operation_under_the_policy(
    live_server, survey, csp_page
):
    visit(csp_page, f"{live_server.url}/api/docs/", ".swagger-ui .opblock")
    assert csp_page.locator(".swagger-ui .opblock").count() > 20
    assert "Survey Atlas API" in csp_page.locator(".swagger-ui .info").inner_text()


def test_redoc_renders_and_only_its_outside_logo_is_refused(
    live_server, survey, browser
):
    """Redoc always asks for its maker's logo from another site; the policy
    refuses it (no request leaves for outside hosts) and Redoc hides it."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector(".api-content h1", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert "Survey Atlas API" in page.locator(".api-content h1").first.inner_text()
    assert page.locator("[data-section-id^='tag/']").count() > 5
    outside = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert page.evaluate("window.__cspViolations") in ([], [f"img-src {outside}"])
    assert all(outside in error for error in errors), errors
    context.close()


def test_curator_pages_break_no_rule_of_the_policy(live_server, survey, csp_page):
    user = User.objects.create_user("cora", password="curate-me-123")
    user.groups.add(Group.objects.get_or_create(name="curator")[0])
    csp_page.goto(f"{live_server.url}/accounts/login/?next=/curate/")
    csp_page.fill("#id_username", "cora")
    csp_page.fill("#id_password", "curate-me-123")
    csp_page.click("form.form button[type=submit]")
    csp_page.wait_for_url(f"{live_server.url}/curate/")
    for path, ready in CURATOR_PAGES:
        visit(csp_page, f"{live_server.url}{path}", ready)
