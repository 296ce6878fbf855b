"""The OpenAPI contract: it validates, the docs are served locally, and
property-based requests generated from it never get a server error."""

import io

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

EXAMPLES_PER_OPERATION = 25


def test_schema_validates_without_warnings():
    out = io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
        stdout=out,
    )  # fmt: skip
    assert '"/api/v1/papers/{key}/"' in out.getvalue()


@pytest.mark.django_db
def test_schema_documents_error_answers_and_parameters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    papers = schema["paths"]["/api/v1/papers/"]["get"]
    names = {p["name"] for p in papers["parameters"]}
    assert {"modality", "application", "method", "open_issue", "dataset", "q"} <= names
    assert {"year_min", "year_max", "venue", "author", "provenance"} <= names
    assert {"ordering", "cursor", "page", "page_size", "format", "facets"} <= names
    assert {"200", "400", "429"} <= set(papers["responses"])
    update = schema["paths"]["/api/v1/papers/{key}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "409", "413", "415", "429"} <= set(
        update["responses"]
    )
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error"}


@pytest.mark.django_db
def test_schema_says_who_may_call_what_and_how(client):
    """Open reads need no credentials, writes do; writes take JSON (the BibTeX
    import its file); documented bounds are the ones the API enforces."""
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path, method in [("/api/v1/papers/", "get"), ("/api/v1/nodes/{key}/", "get")]:
        assert {} in paths[path][method]["security"], path
    for path, method in [
        ("/api/v1/papers/", "post"),
        ("/api/v1/import/bibtex", "post"),
    ]:
        assert {} not in paths[path][method]["security"], path
    for path, item in paths.items():
        for operation in item.values():
            if "requestBody" in operation and path != "/api/v1/import/bibtex":
                assert list(operation["requestBody"]["content"]) == ["application/json"]
    similar = paths["/api/v1/papers/{key}/similar"]["get"]["parameters"]
    limit = next(p["schema"] for p in similar if p["name"] == "limit")
    url = "/api/v1/papers/vinyals2015show/similar?limit="
    assert client.get(f"{url}{limit['maximum']}").status_code == 200
    assert client.get(f"{url}{limit['maximum'] + 1}").status_code == 400
    assert client.get(f"{url}{limit['minimum'] - 1}").status_code == 400
    delete = paths["/api/v1/papers/{key}/"]["delete"]["parameters"]
    version = next(p["schema"] for p in delete if p["name"] == "version")
    assert (version["minimum"], version["maximum"]) == (1, 2**31 - 1)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_local_assets(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the schema, read when collecting."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in generated["paths"].items()
        for method in item
    ]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, minus closing the connection after each request
    (which would end the test's transaction), as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(survey):
    user = User.objects.create_user("fuzz-admin", password="x-pass-1", is_staff=True)
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), operations())
def test_generated_requests_never_get_a_server_error(
    method, path, admin_token, wsgi_app
):
    """Reads as an anonymous client, writes as an admin (who may do every write)."""
    api = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operation = api[path][method]
    headers = None
    if method not in ("GET", "HEAD"):
        headers = {"Authorization": f"Token {admin_token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def no_server_error(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{method} {case.formatted_path} {case.query} {case.body!r} -> "
            f"{response.status_code}: {response.text[:300]}"
        )

    no_server_error()
