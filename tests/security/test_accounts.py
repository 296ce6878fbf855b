"""Account pages: password reset only where the site can mail the link, and
logging out always lands on a page of this site that answers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail

pytestmark = pytest.mark.django_db

RESET_PAGES = (
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
)


@pytest.fixture
def lou(survey):
    return User.objects.create_user(
        "lou", email="lou@example.org", password="old-pass-123"
    )


@pytest.mark.parametrize("page", RESET_PAGES)
def test_without_mail_the_reset_pages_do_not_exist(client, lou, settings, page):
    settings.ATLAS_PASSWORD_RESET = False
    assert client.get(page).status_code == 404
    assert client.post(page, {"email": "lou@example.org"}).status_code == 404
    assert mail.outbox == []


def test_without_mail_the_log_in_page_offers_no_reset(client, lou, settings):
    settings.ATLAS_PASSWORD_RESET = False
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page
    assert "password_reset" not in page
    assert "Forgotten your password" not in page


def test_with_mail_a_curator_resets_the_password_through_the_mailed_link(
    client, lou, settings
):
    settings.ATLAS_PASSWORD_RESET = True
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login_page
    sent = client.post("/accounts/password_reset/", {"email": "lou@example.org"})
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/password_reset/done/"
    (message,) = mail.outbox
    assert message.to == ["lou@example.org"]
    link = next(
        word for word in message.body.split() if "/accounts/reset/" in word
    ).removeprefix("http://testserver")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = {
        "new_password1": "new-pass-456-atlas",
        "new_password2": "new-pass-456-atlas",
    }
    done = client.post(form_page.redirect_chain[-1][0], new_password)
    assert done["Location"] == "/accounts/reset/done/"
    lou.refresh_from_db()
    assert lou.check_password("new-pass-456-atlas")


def reset_setting(env: dict[str, str]) -> str:
    """ATLAS_PASSWORD_RESET as the settings compute it from this environment."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EMAIL_", "ATLAS_PASSWORD_RESET"))
    }
    script = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; print(settings.ATLAS_PASSWORD_RESET)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SECRET_KEY": "test-only-key", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "offered"),
    [
        ({}, "False"),
        ({"EMAIL_HOST": "smtp.example.org"}, "True"),
        ({"EMAIL_HOST": "smtp.example.org", "ATLAS_PASSWORD_RESET": "0"}, "False"),
        ({"ATLAS_PASSWORD_RESET": "1"}, "True"),  # a mail server on localhost
    ],
)
def test_reset_is_offered_only_when_mail_is_configured(env, offered):
    assert reset_setting(env) == offered


@pytest.mark.parametrize(
    "next_page", ["https://evil.com", "//evil.com/papers/", "javascript:alert(1)"]
)
def test_log_out_with_an_unsafe_next_lands_on_the_home_page(page_client, next_page):
    client = page_client("curator")
    response = client.post(f"/accounts/logout/?next={next_page}")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"]).status_code == 200


def test_log_out_without_next_lands_on_the_home_page(page_client):
    client = page_client("curator")
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_log_out_follows_a_next_page_of_this_site(page_client):
    client = page_client("curator")
    response = client.post("/accounts/logout/", {"next": "/papers/"})
    assert response["Location"] == "/papers/"


def test_log_out_lands_on_logout_redirect_url_when_set(page_client, settings):
    settings.LOGOUT_REDIRECT_URL = "/taxonomy/"
    client = page_client("curator")
    response = client.post("/accounts/logout/?next=https://evil.com")
    assert response["Location"] == "/taxonomy/"
