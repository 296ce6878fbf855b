"""Two curators save the same paper at the same moment on PostgreSQL: exactly
one wins, the other gets 409, and the change log records only the winner."""

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.permissions import CURATOR_GROUP
from history.models import Action, Change
from papers.models import Paper

KEY = "vinyals2015show"


def curator_token(name: str) -> str:
    user = User.objects.create_user(name, password="x-pass-1-race")
    user.groups.add(Group.objects.get_or_create(name=CURATOR_GROUP)[0])
    return Token.objects.create(user=user).key


def race(tokens: list[str], version: int, round_: int) -> dict[str, tuple]:
    """Each token PATCHes the paper from its own thread and connection, all
    released together by a barrier; returns token -> (status, title sent)."""
    barrier = threading.Barrier(len(tokens))
    results: dict[str, tuple] = {}

    def write(token: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        title = f"Title from {token[:6]} in round {round_}"
        try:
            barrier.wait(timeout=30)
            response = client.patch(
                f"/api/v1/papers/{KEY}/",
                {"title": title, "version": version},
                format="json",
            )
            results[token] = (response.status_code, title, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_writers_with_one_version_one_wins(
    survey, postgres_only, round_
):
    tokens = [curator_token("alice"), curator_token("bob")]
    paper = Paper.objects.get(citation_key=KEY)
    updates = Change.objects.for_object(paper).filter(action=Action.UPDATE)
    logged = updates.count()

    results = race(tokens, paper.version, round_)

    statuses = sorted(status for status, _, _ in results.values())
    assert statuses == [200, 409], results
    winner = next(title for status, title, _ in results.values() if status == 200)
    loser = next(body for status, _, body in results.values() if status == 409)
    assert loser["error"]["code"] == "conflict"
    fresh = Paper.objects.get(pk=paper.pk)
    assert fresh.title == winner
    assert fresh.version == paper.version + 1
    assert updates.count() == logged + 1
    assert updates.first().changes["title"] == [paper.title, winner]
