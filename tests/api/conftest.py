"""API clients for each role: anonymous, reader, curator (token), admin (session)."""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.permissions import CURATOR_GROUP


@pytest.fixture
def anon(survey):
    return APIClient()


@pytest.fixture
def reader(survey):
    """Logged in, but in no group: may read, not write."""
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader", password="x-pass-1"))
    return client


@pytest.fixture
def curator_user(survey):
    user = User.objects.create_user("cora", password="x-pass-1")
    user.groups.add(Group.objects.get_or_create(name=CURATOR_GROUP)[0])
    return user


@pytest.fixture
def curator(curator_user):
    """A curator using token authentication, as a script would."""
    client = APIClient()
    token = Token.objects.create(user=curator_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def admin(survey):
    """A staff user logged in with a session, as the browser would be."""
    client = APIClient()
    client.force_login(
        User.objects.create_user("ada", password="x-pass-1", is_staff=True)
    )
    return client


def error_of(response) -> dict:
    """The error object of an error answer, checking the one shape."""
    assert response["Content-Type"].startswith("application/json"), response
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "fields"}
    return body["error"]


def all_results(client, url: str) -> list[dict]:
    """Every row of a paginated list, following `next` links."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows
