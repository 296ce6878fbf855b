"""The one error shape for every status, and throttling of anonymous clients."""

import pytest
from django.core.cache import cache

from tests.api.conftest import error_of


@pytest.mark.django_db
def test_method_not_allowed_is_json(anon, curator):
    response = curator.put("/api/v1/taxonomy/", {}, format="json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert curator.patch("/api/v1/results/1/", {}, format="json").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?format=biblatex", "?format=nonsense"])
def test_a_method_the_view_lacks_is_a_405_whatever_the_query(anon, query):
    response = anon.generic("TRACE", f"/api/v1/papers/vinyals2015show/{query}")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"] and "TRACE" not in response["Allow"]


@pytest.mark.django_db
def test_unsupported_media_type_and_malformed_json(curator):
    response = curator.post("/api/v1/papers/", "title=x", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    broken = curator.post(
        "/api/v1/papers/", "{not json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert error_of(broken)["code"] in ("parse_error", "invalid")


@pytest.mark.django_db
def test_too_large_body_is_a_413(curator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"citation_key": "big", "title": "x" * 5000, "entry_type": "article"}
    response = curator.post("/api/v1/papers/", body, format="json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_retry_after(anon, curator, settings):
    cache.clear()
    settings.ATLAS_API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert anon.get("/api/v1/metrics/").status_code == 200
    response = anon.get("/api/v1/metrics/")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert curator.get("/api/v1/metrics/").status_code == 200  # users are not
    cache.clear()
