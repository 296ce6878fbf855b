"""Clients of each role for the security tests, and a count of every row."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.permissions import CURATOR_GROUP

ROLES = ("anonymous", "reader", "curator", "admin")
PASSWORD = "x-pass-1-security"


def make_user(role: str) -> User | None:
    """A user of the role: reader (no group), curator (group), admin (superuser)."""
    if role == "anonymous":
        return None
    user = User.objects.create_user(
        f"{role}-user",
        password=PASSWORD,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    if role == "curator":
        user.groups.add(Group.objects.get_or_create(name=CURATOR_GROUP)[0])
    return user


@pytest.fixture
def page_client(survey):
    """make(role, csrf=False) -> a Django test client logged in with a session."""

    def make(role: str, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        user = make_user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client(survey):
    """make(role) -> an API client sending the role's token (none when anonymous)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        user = make_user(role)
        if user is not None:
            token = Token.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def row_counts() -> dict[str, int]:
    """Rows of every table the project owns or uses for users and sessions."""
    labels = ("papers", "taxonomy", "history", "maps", "auth", "authtoken")
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


def error_message(response) -> str:
    """The message of a JSON error answer (and a check of the one shape)."""
    assert response["Content-Type"].startswith("application/json"), (
        response.status_code,
        response.content[:300],
    )
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    return body["error"]["message"]


@pytest.fixture
def curator_api(token_client):
    return token_client("curator")


@pytest.fixture
def admin_api(token_client):
    return token_client("admin")


@pytest.fixture
def curator_page(page_client):
    return page_client("curator")
