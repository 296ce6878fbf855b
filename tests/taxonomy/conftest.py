"""The API clients of tests/api, for tests that write through the API."""

from tests.api.conftest import admin, anon, curator, curator_user  # noqa: F401
