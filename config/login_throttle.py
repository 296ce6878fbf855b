"""Log-in attempts throttled per username and client address.

After settings.ATLAS_LOGIN_FAILURES failed attempts for one username from one
address within settings.ATLAS_LOGIN_WINDOW seconds, that pair may not try again
until the window ends. Other users, and the same user from elsewhere, are not
affected, so nobody can lock someone else out. Both the site's log-in page and
the admin's use these forms.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError

from api.throttling import client_address, count_hit


def _key(request, username: str) -> str:
    window = int(time.time() // settings.ATLAS_LOGIN_WINDOW)
    who = f"{username.strip().casefold()}\0{client_address(request)}"
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"login-failures:{digest}:{window}"


def seconds_left() -> int:
    period = settings.ATLAS_LOGIN_WINDOW
    return max(1, math.ceil(period - time.time() % period))


class ThrottledLogin:
    """Mixin for an AuthenticationForm: refuses, then counts, failed attempts."""

    throttled = False

    def clean(self):
        username = self.data.get("username", "")
        key = _key(self.request, username)
        if (cache.get(key) or 0) >= settings.ATLAS_LOGIN_FAILURES:
            self.throttled = True
            minutes = math.ceil(seconds_left() / 60)
            raise ValidationError(
                "Too many failed log-in attempts for this account from your "
                f"address. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                count_hit(key, settings.ATLAS_LOGIN_WINDOW)
            raise


class ThrottledAuthenticationForm(ThrottledLogin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    """The log-in page; a throttled attempt answers 429 with Retry-After."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
            response["Retry-After"] = str(seconds_left())
        return response
