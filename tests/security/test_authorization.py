"""Who may write: every write operation of the API and every curator page,
walked with each role; mass assignment; CSRF on forms and session API writes.

The rule (api/permissions.py): anyone reads; curators (group "curator" or staff)
write papers, labels and citations; only admins (staff or superusers) write
taxonomy nodes, and only admins reach the admin site, where users are managed.
"""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from history.models import Change
from papers.models import Citation, Label, Paper
from taxonomy.models import Node
from tests.security.conftest import ROLES, error_message, row_counts

pytestmark = pytest.mark.django_db

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
KEY = "vinyals2015show"
NEW_PAPER = {
    "citation_key": "doe2024fusion",
    "entry_type": "article",
    "title": "Late Fusion for Everything",
    "year": 2024,
    "authors": ["Jane Doe"],
    "labels": ["modality:image"],
}
#: Which role a resource's writes need, by the first segment after /api/v1/.
NEEDS = {
    "papers": "curator",
    "labels": "curator",
    "citations": "curator",
    "import": "curator",
}
NEW_BIB = "@article{doe2024late, title={Late Fusion}, author={Doe, Jane}, year=2024}"
NEEDS_ADMIN = {"nodes"}


def write_operations() -> list[tuple[str, str]]:
    """(method, path) of every write operation the OpenAPI schema lists."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method.upper() in UNSAFE
    )


OPERATIONS = write_operations()


def sample(method: str, path: str) -> tuple[str, dict | None]:
    """A valid (url, body) for one write operation, from the loaded survey."""
    paper = Paper.objects.get(citation_key=KEY)
    version = paper.version
    samples = {
        ("POST", "/api/v1/papers/"): ("/api/v1/papers/", NEW_PAPER),
        ("PUT", "/api/v1/papers/{key}/"): (
            f"/api/v1/papers/{KEY}/",
            {**NEW_PAPER, "citation_key": KEY, "version": version},
        ),
        ("PATCH", "/api/v1/papers/{key}/"): (
            f"/api/v1/papers/{KEY}/",
            {"title": "Show and Tell!", "version": version},
        ),
        ("DELETE", "/api/v1/papers/{key}/"): (
            f"/api/v1/papers/{KEY}/?version={version}",
            None,
        ),
        ("POST", "/api/v1/labels/"): (
            "/api/v1/labels/",
            {"paper": KEY, "node": "modality:audio"},
        ),
        ("DELETE", "/api/v1/labels/{id}/"): (
            f"/api/v1/labels/{Label.objects.filter(paper=paper).first().pk}/",
            None,
        ),
        ("POST", "/api/v1/citations/"): (
            "/api/v1/citations/",
            {"citing": KEY, "cited": "antol2015vqa"},
        ),
        ("DELETE", "/api/v1/citations/{id}/"): (
            f"/api/v1/citations/{Citation.objects.first().pk}/",
            None,
        ),
        ("POST", "/api/v1/nodes/"): (
            "/api/v1/nodes/",
            {"kind": "modality", "slug": "smell", "name": "Smell"},
        ),
        ("PUT", "/api/v1/nodes/{key}/"): (
            "/api/v1/nodes/modality:image/",
            {"kind": "modality", "slug": "image", "name": "Image"},
        ),
        ("PATCH", "/api/v1/nodes/{key}/"): (
            "/api/v1/nodes/modality:image/",
            {"note": "n"},
        ),
        ("POST", "/api/v1/import/bibtex"): ("/api/v1/import/bibtex", NEW_BIB),
        ("DELETE", "/api/v1/nodes/{key}/"): (
            "/api/v1/nodes/open_issue:object-hallucination/",
            None,
        ),
    }
    assert (method, path) in samples, (
        f"{method} {path} is a write operation this test does not know yet: add a "
        "sample request for it here and its role to NEEDS / NEEDS_ADMIN."
    )
    return samples[(method, path)]


def needed_role(path: str) -> str:
    resource = path.removeprefix("/api/v1/").split("/")[0]
    if resource in NEEDS_ADMIN:
        return "admin"
    assert resource in NEEDS, f"no rule for writes to {resource}"
    return NEEDS[resource]


def allowed(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def drf_write_handlers() -> set[tuple[type, str]]:
    """(view class, method) of every write the URL resolver can reach in DRF."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            cls = getattr(pattern.callback, "cls", None)
            if cls is None:
                continue
            actions = getattr(pattern.callback, "actions", None)
            methods = (
                actions
                if actions is not None
                else [m for m in ("post", "put", "patch", "delete") if hasattr(cls, m)]
            )
            found.update((cls, m.upper()) for m in methods if m.upper() in UNSAFE)

    walk(get_resolver().url_patterns)
    return found


def test_every_write_the_resolver_reaches_is_in_the_schema(survey):
    """So that the matrix below, driven by the schema, covers every endpoint."""
    in_schema = {
        (resolve(sample(method, path)[0].split("?")[0]).func.cls, method)
        for method, path in OPERATIONS
    }
    assert drf_write_handlers() <= in_schema
    assert len(OPERATIONS) >= 12


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_write_matrix(token_client, role, method, path):
    client = token_client(role)
    Label.objects.filter(node__slug="object-hallucination").delete()
    url, body = sample(method, path)
    before = row_counts()
    changes = Change.objects.count()
    if isinstance(body, str):  # a .bib file
        response = client.generic(
            method, url, data=body, content_type="application/x-bibtex"
        )
    else:
        response = client.generic(
            method,
            url,
            data=None if body is None else json.dumps(body),
            content_type="application/json",
        )
    if allowed(role, needed_role(path)):
        assert response.status_code in (200, 201, 204), response.content
        assert Change.objects.count() > changes
    else:
        expected = 401 if role == "anonymous" else 403
        assert response.status_code == expected, response.content
        message = error_message(response)
        if role == "anonymous":
            assert "credentials were not provided" in message
            assert response["WWW-Authenticate"] == "Token"
        else:
            assert "Only" in message and "may change" in message
        assert row_counts() == before


def curator_pages() -> list[tuple[str, str, set[str]]]:
    """(name, url, methods) of every page under /curate/, from the resolver."""
    paper = Paper.objects.get(citation_key=KEY)
    label = Label.objects.filter(paper=paper).first()
    kwargs = {"key": KEY, "pk": label.pk}
    pages = []
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLResolver):
            continue
        for inner in pattern.url_patterns:
            if not isinstance(inner, URLPattern):
                continue
            route = str(inner.pattern)
            if not route.startswith("curate/"):
                continue
            url = "/" + re.sub(
                r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route
            )
            view = inner.callback.view_class
            methods = {m for m in ("get", "post") if hasattr(view, m)}
            pages.append((inner.name, url, methods))
    assert len(pages) >= 9, pages
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_curator_pages_matrix(page_client, role):
    client = page_client(role)
    for name, url, methods in curator_pages():
        before = row_counts()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            where = (role, name, method, status)
            if role == "anonymous":
                assert status in (302, 403), where
                if status == 302:
                    assert response["Location"].startswith("/accounts/login/?next="), (
                        where
                    )
            elif role == "reader":
                assert status == 403, where
            elif method in methods:
                assert status in (200, 302), where
                if status == 302:
                    assert not response["Location"].startswith("/accounts/login/")
            else:
                assert status == 405, where
        if role in ("anonymous", "reader"):
            assert row_counts() == before, name


ADMIN_PAGES = [
    "/admin/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/taxonomy/node/",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_reach_the_admin_site_and_manage_users(page_client, role):
    client = page_client(role)
    for url in ADMIN_PAGES:
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
    users = User.objects.count()
    client.post(
        "/admin/auth/user/add/",
        {
            "username": "mallory",
            "password1": "Xy9-long-pass",
            "password2": "Xy9-long-pass",
        },
    )
    created = User.objects.filter(username="mallory").exists()
    assert created == (role == "admin")
    assert User.objects.count() == users + created


def test_paper_writes_ignore_privilege_and_bookkeeping_fields(token_client):
    client = token_client("curator")
    curator = User.objects.get(username="curator-user")
    paper = Paper.objects.get(citation_key=KEY)
    body = {
        "title": "Renamed",
        "version": paper.version,
        "id": 1,
        "created_by": 1,
        "is_staff": True,
        "is_superuser": True,
        "groups": [1],
        "user_permissions": [1],
        "created": "2000-01-01T00:00:00Z",
    }
    response = client.patch(f"/api/v1/papers/{KEY}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == paper.version + 1
    fresh = Paper.objects.get(pk=paper.pk)
    assert (fresh.title, fresh.created) == ("Renamed", paper.created)
    curator.refresh_from_db()
    assert not curator.is_staff and not curator.is_superuser
    assert list(curator.groups.values_list("name", flat=True)) == ["curator"]
    assert not curator.user_permissions.exists()


def test_a_version_is_only_a_lock_token(token_client):
    client = token_client("curator")
    paper = Paper.objects.get(citation_key=KEY)
    jump = client.patch(
        f"/api/v1/papers/{KEY}/", {"version": paper.version + 50}, format="json"
    )
    assert jump.status_code == 409
    assert f"no version {paper.version + 50} yet" in error_message(jump)
    assert Paper.objects.get(pk=paper.pk).version == paper.version
    created = client.post(
        "/api/v1/papers/", {**NEW_PAPER, "version": 77, "id": 3}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["version"] == 1
    assert Paper.objects.get(citation_key="doe2024fusion").pk != 3


def test_label_and_node_writes_ignore_author_and_ids(token_client):
    client = token_client("admin")
    first_label = Label.objects.order_by("pk").first()
    label = client.post(
        "/api/v1/labels/",
        {"paper": KEY, "node": "modality:audio", "created_by": 1, "id": first_label.pk},
        format="json",
    )
    assert label.status_code == 201, label.content
    assert label.json()["created_by"] == "admin-user"
    assert label.json()["id"] != first_label.pk
    assert Label.objects.get(pk=first_label.pk).node_id == first_label.node_id
    first_node = Node.objects.order_by("pk").first()
    node = client.post(
        "/api/v1/nodes/",
        {"kind": "modality", "slug": "smell", "name": "Smell", "id": first_node.pk},
        format="json",
    )
    assert node.status_code == 201, node.content
    assert Node.objects.get(kind="modality", slug="smell").pk != first_node.pk
    assert Node.objects.get(pk=first_node.pk).slug == first_node.slug


def csrf_token(client) -> str:
    client.get("/accounts/login/")
    return client.cookies["csrftoken"].value


def test_session_api_writes_need_the_csrf_token(page_client):
    client = page_client("curator", csrf=True)
    before = row_counts()
    refused = client.post("/api/v1/papers/", NEW_PAPER, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in error_message(refused)
    assert row_counts() == before
    accepted = client.post(
        "/api/v1/papers/",
        NEW_PAPER,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )
    assert accepted.status_code == 201, accepted.content


def test_token_api_writes_need_no_csrf_token(token_client):
    # A token is not sent by browsers on their own, so it cannot be forged.
    response = token_client("curator").post("/api/v1/papers/", NEW_PAPER, format="json")
    assert response.status_code == 201


FORMS = [
    ("/curate/papers/add/", {**NEW_PAPER, "authors": "Jane Doe"}),
    (f"/curate/papers/{KEY}/edit/", {"title": "Changed"}),
    (f"/curate/papers/{KEY}/labels/", {"node": "modality:audio"}),
    ("/curate/import/", {"text": "@article{x2024, title={X}, year={2024}}"}),
    ("/curate/import/confirm/", {"token": "t"}),
]


@pytest.mark.parametrize(("url", "data"), FORMS)
def test_every_curator_form_refuses_a_post_without_the_csrf_token(
    page_client, url, data
):
    client = page_client("curator", csrf=True)
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert row_counts() == before


def test_label_removal_and_logout_refuse_a_post_without_the_csrf_token(page_client):
    client = page_client("curator", csrf=True)
    label = Label.objects.filter(paper__citation_key=KEY).first()
    before = row_counts()
    removed = client.post(f"/curate/papers/{KEY}/labels/{label.pk}/remove/")
    assert removed.status_code == 403
    assert client.post("/accounts/logout/").status_code == 403
    assert row_counts() == before
    assert client.get("/curate/").status_code == 200  # still logged in


def test_login_form_refuses_a_post_without_the_csrf_token(page_client):
    client = page_client("anonymous", csrf=True)
    User.objects.create_user("lou", password="x-pass-1-login")
    response = client.post(
        "/accounts/login/", {"username": "lou", "password": "x-pass-1-login"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
