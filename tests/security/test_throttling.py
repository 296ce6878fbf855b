"""Throttles that a client cannot dodge by making up X-Forwarded-For, and
failed log-ins throttled per username and address without locking others out."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import RequestFactory

from api.throttling import client_address
from config import login_throttle
from tests.security.conftest import error_message, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "1.2.3.4", "10.0.0.9"),  # no proxy of ours: the header is the client's
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the left entry was made up
        (2, "6.6.6.6, 1.2.3.4, 172.16.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.9"),  # fewer entries than proxies: not via them
        (1, "not-an-address", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.ATLAS_TRUSTED_PROXIES = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


@pytest.mark.parametrize("proxies", [0, 1])
def test_rotating_forwarded_for_headers_still_get_429(
    client, survey, settings, proxies
):
    """With no proxy, X-Forwarded-For is ignored; behind one, only the entry our
    proxy appended (here always the same client) counts, not the made-up ones."""
    settings.ATLAS_API_ANON_RATE = "3/minute"
    settings.ATLAS_TRUSTED_PROXIES = proxies
    statuses = []
    for n in range(6):
        made_up = f"203.0.113.{n}, 198.51.100.{n}"
        forwarded = made_up if proxies == 0 else f"{made_up}, 192.0.2.7"
        response = client.get(
            "/api/v1/metrics/",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert "Request was throttled" in error_message(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    # A different client is counted apart: another peer, or another address
    # appended by our proxy.
    other = client.get(
        "/api/v1/metrics/",
        REMOTE_ADDR="10.0.0.2" if proxies == 0 else "10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.8",
    )
    assert other.status_code == 200


def test_behind_a_proxy_different_clients_have_their_own_counters(
    client, survey, settings
):
    settings.ATLAS_API_ANON_RATE = "2/minute"
    settings.ATLAS_TRUSTED_PROXIES = 1
    for address in ("192.0.2.1", "192.0.2.2"):
        for expected in (200, 200, 429):
            response = client.get(
                "/api/v1/metrics/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address
            )
            assert response.status_code == expected


@pytest.fixture
def clock(monkeypatch):
    """The log-in throttle's time, which a test moves by setting clock.now."""
    # A multiple of 900 and of 20: a window edge of the former fixed windows.
    state = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(login_throttle, "clock", lambda: state.now)
    return state


@pytest.fixture
def login_users(survey, settings, clock):
    settings.ATLAS_LOGIN_FAILURES = 3
    User.objects.create_user("lou", password="right-pass-123")
    User.objects.create_user("max", password="other-pass-123")


def log_in(client, username, password, address="10.1.1.1", path="/accounts/login/"):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_failed_log_ins_are_refused_with_a_clear_message(client, login_users):
    for _ in range(3):
        failed = log_in(client, "lou", "wrong")
        assert failed.status_code == 200
        assert "Please enter a correct username and password" in failed.content.decode()
    before = row_counts()
    refused = log_in(client, "lou", "right-pass-123")
    assert refused.status_code == 429
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session
    assert row_counts() == before


def test_throttled_log_ins_lock_out_no_one_else(client, login_users):
    for _ in range(4):
        log_in(client, "lou", "wrong")
    assert log_in(client, "LOU ", "right-pass-123").status_code == 429
    # Another user from the same address, and the same user from elsewhere.
    assert log_in(client, "max", "other-pass-123").status_code == 302
    client.logout()
    home = log_in(client, "lou", "right-pass-123", address="10.9.9.9")
    assert home.status_code == 302


def test_successful_log_ins_do_not_count(client, login_users):
    for _ in range(5):
        assert log_in(client, "lou", "right-pass-123").status_code == 302
        client.logout()
    assert log_in(client, "lou", "wrong").status_code == 200


def test_admin_log_in_is_throttled_too(client, login_users):
    User.objects.create_user("boss", password="boss-pass-123", is_staff=True)
    path = "/admin/login/"
    for _ in range(3):
        assert log_in(client, "boss", "wrong", path=path).status_code == 200
    refused = log_in(client, "boss", "boss-pass-123", path=path)
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_both_sides_of_a_former_window_edge_all_count(
    client, login_users, settings, clock
):
    """Ten guesses in 4.5 s around a multiple of the window: the first three
    are judged, the rest refused, as with any other 4.5 s."""
    settings.ATLAS_LOGIN_WINDOW = 20
    statuses = []
    for tenth in range(-20, 25, 5):
        clock.now = 1_800_000_000.0 + tenth / 10
        statuses.append(log_in(client, "lou", "wrong").status_code)
    assert statuses == [200, 200, 200] + [429] * 6


def test_refusal_lasts_until_the_oldest_failure_leaves_the_window(
    client, login_users, clock
):
    start = clock.now
    for offset in (0, 100, 200):  # ATLAS_LOGIN_WINDOW is 900
        clock.now = start + offset
        assert log_in(client, "lou", "wrong").status_code == 200
    clock.now = start + 300
    refused = log_in(client, "lou", "right-pass-123")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "Try again in 10 minutes." in refused.content.decode()
    clock.now = start + 899.5
    last_second = log_in(client, "lou", "right-pass-123")
    assert last_second["Retry-After"] == "1"
    assert "Try again in 1 minute." in last_second.content.decode()
    # The first failure has left the window: one more guess, which fills it
    # again until the failure at +100 leaves it.
    clock.now = start + 900
    assert log_in(client, "lou", "wrong").status_code == 200
    clock.now = start + 901
    again = log_in(client, "lou", "right-pass-123")
    assert again.status_code == 429
    assert again["Retry-After"] == "99"
    clock.now = start + 1000
    assert log_in(client, "lou", "right-pass-123").status_code == 302


def test_refused_attempts_do_not_extend_the_refusal(client, login_users, clock):
    start = clock.now
    for _ in range(3):
        log_in(client, "lou", "wrong")
    for offset in (1, 450, 899):
        clock.now = start + offset
        assert log_in(client, "lou", "wrong").status_code == 429
    clock.now = start + 900
    assert log_in(client, "lou", "right-pass-123").status_code == 302


def test_failures_recorded_at_the_same_moment_are_all_counted(clock, settings):
    """Each failure has its own number, so none overwrites another."""
    settings.ATLAS_LOGIN_FAILURES = 3
    for _ in range(5):
        login_throttle.record_failure("login-failures:same-moment", clock.now)
    recent = login_throttle.recent_failures("login-failures:same-moment", clock.now)
    assert recent == [clock.now] * 3
