"""Throttling of anonymous clients, with a fixed window kept in the cache."""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "100/minute" -> (100, 60); the period's first letter counts (s, m, h, d)."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError) as error:
        raise ImproperlyConfigured(
            f"ATLAS_API_ANON_RATE must look like 100/minute, not {rate!r}"
        ) from error


class AnonymousRateThrottle(BaseThrottle):
    """At most settings.ATLAS_API_ANON_RATE requests per client address and period.

    One counter per window, so the cost per request stays constant however high
    the rate. The cache is per process unless a shared cache is configured.
    """

    def allow_request(self, request, view) -> bool:
        if request.user and request.user.is_authenticated:
            return True
        limit, period = parse_rate(settings.ATLAS_API_ANON_RATE)
        now = time.time()
        window = int(now // period)
        key = f"api-anon:{self.get_ident(request)}:{period}:{window}"
        cache.add(key, 0, period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, period + 1)
            count = 1
        self.retry_after = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float:
        return self.retry_after
