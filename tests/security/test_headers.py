"""Security headers on every kind of answer, and templates with nothing inline
that the Content Security Policy would refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PAGES = ["/", "/taxonomy/", "/papers/", "/papers/vinyals2015show/", "/stats/"]


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path",
    [*PAGES, "/api/v1/papers/", "/api/docs/", "/no-such-page/", "/accounts/login/"],
)
def test_every_answer_carries_the_policy_and_framing_headers(client, survey, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    found = policy(response)
    for directive, value in DIRECTIVES.items():
        assert found[directive] == value, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_redoc_alone_gets_its_style_hashes_and_worker(client, survey):
    found = policy(client.get("/api/redoc/"))
    assert found["script-src"] == "'self'"
    assert found["style-src"].startswith("'self' 'sha256-")
    assert "unsafe" not in found["style-src"]
    assert found["worker-src"] == "'self' blob:"
    assert "worker-src" not in policy(client.get("/api/docs/"))


def test_swagger_ui_loads_its_start_script_from_a_url(client, survey):
    html = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        "src=" in attrs and not body.strip() for attrs, body in scripts
    )
    start = client.get("/api/docs/?script=")
    assert start["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start.content.decode()


INLINE = [
    (r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
    (r"\sstyle\s*=", "style attribute"),
    (r"<style[\s>]", "<style> block"),
    (r"<[^>]+\son[a-z]+\s*=", "inline event handler"),
    (r"javascript:", "javascript: URL"),
]


def test_templates_hold_nothing_inline():
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        found += [
            f"{template.name}: {what}"
            for pattern, what in INLINE
            if re.search(pattern, text, re.I)
        ]
    assert found == []


@pytest.mark.parametrize("path", [*PAGES, "/map/", "/papers/vinyals2015show/map/"])
def test_rendered_pages_hold_nothing_inline(client, survey, path):
    html = client.get(path).content.decode()
    for pattern, what in INLINE:
        assert not re.search(pattern, html, re.I), (path, what)
