"""While the database is unreachable the app answers 503 quickly, then recovers."""

import time

import pytest
from django.db import connection


@pytest.fixture
def unreachable_database(transactional_db, survey):
    """Point the live connection at a port where no server listens, for real.

    PostgreSQL only: the SQLite test database lives in memory and cannot go away.
    """
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL only (set DATABASE_URL=postgres://...)")
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    yield original
    connection.close()
    connection.settings_dict.update(original)


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        ("/papers/", "text/html", "text/html"),
        ("/api/v1/papers/", "*/*", "application/json"),
    ],
)
def test_outage_answers_503_with_retry_after(
    client, unreachable_database, path, accept, content_type
):
    client.raise_request_exception = False
    started = time.monotonic()
    response = client.get(path, HTTP_ACCEPT=accept)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith(content_type)
    assert "unavailable" in response.content.decode()
    assert time.monotonic() - started < 10


def test_app_recovers_when_the_database_comes_back(client, unreachable_database):
    client.raise_request_exception = False
    assert client.get("/papers/").status_code == 503
    connection.close()
    connection.settings_dict.update(unreachable_database)
    assert client.get("/papers/").status_code == 200
