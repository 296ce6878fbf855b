"""Log-in attempts throttled per username and client address.

After settings.ATLAS_LOGIN_FAILURES failed attempts for one username from one
address within the last settings.ATLAS_LOGIN_WINDOW seconds, that pair may not
try again until the oldest of those failures is older than the window. The
window slides: there is no boundary at which the count starts again. Other
users, and the same user from elsewhere, are not affected, so nobody can lock
someone else out. Both the site's log-in page and the admin's use these forms.

Each failure takes the next number from a counter in the cache and its time is
kept under that number; only the last ATLAS_LOGIN_FAILURES numbers are read.
The counter is incremented atomically (in local memory and in Redis), so
failures recorded at the same moment by different processes get different
numbers and none is lost. Attempts checked at the same moment can all pass
before any of them is recorded: N simultaneous attempts can get N - 1 guesses
beyond the limit, after which the pair is refused like any other.
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


def clock() -> float:
    """Seconds since the epoch; tests replace it to move time without sleeping."""
    return time.time()


def _key(request, username: str) -> str:
    who = f"{username.strip().casefold()}\0{client_address(request)}"
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def recent_failures(key: str, now: float) -> list[float]:
    """When the last ATLAS_LOGIN_FAILURES failures under `key` happened, oldest
    first, leaving out those already outside the window: enough to decide."""
    last = cache.get(f"{key}:last", 0)
    first = max(1, last - settings.ATLAS_LOGIN_FAILURES + 1)
    times = cache.get_many([f"{key}:{number}" for number in range(first, last + 1)])
    window_start = now - settings.ATLAS_LOGIN_WINDOW
    return sorted(when for when in times.values() if when > window_start)


def record_failure(key: str, now: float) -> None:
    """Number this failure and keep its time for as long as it can count."""
    # A second beyond the window, since Redis keeps whole seconds; entries
    # past the window are left out by their time, not by expiring.
    lifetime = settings.ATLAS_LOGIN_WINDOW + 1
    counter = f"{key}:last"
    number = count_hit(counter, lifetime)
    # The numbering lives as long as the newest failure it numbers, so it starts
    # again at 1 only once none of its failures counts any more.
    cache.touch(counter, lifetime)
    cache.set(f"{key}:{number}", now, lifetime)


class ThrottledLogin:
    """Mixin for an AuthenticationForm: refuses, then counts, failed attempts."""

    retry_after: int | None = None  # seconds, once the attempt was refused

    def clean(self):
        key = _key(self.request, self.data.get("username", ""))
        now = clock()
        failures = recent_failures(key, now)
        if len(failures) >= settings.ATLAS_LOGIN_FAILURES:
            # Until the oldest failure counted leaves the window.
            leaves = failures[0] + settings.ATLAS_LOGIN_WINDOW
            self.retry_after = max(1, math.ceil(leaves - now))
            minutes = math.ceil(self.retry_after / 60)
            raise ValidationError(
                "Too many failed log-in attempts for this account from your "
                f"address. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                record_failure(key, clock())
            raise


class ThrottledAuthenticationForm(ThrottledLogin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    """The log-in page; a throttled attempt answers 429 with Retry-After."""

    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page links password reset only where the site can mail the link.
        context["password_reset_offered"] = settings.ATLAS_PASSWORD_RESET
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response
