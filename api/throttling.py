"""Throttling of anonymous clients, with a fixed window kept in the cache.

The client is known by its address: REMOTE_ADDR, unless settings.ATLAS_TRUSTED_PROXIES
says that many proxies of ours each append the address they saw to
X-Forwarded-For; then the client is the entry that many places from the right.
Entries further left are whatever the client chose to send, so they never count.
"""

import ipaddress
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


def client_address(request) -> str:
    """The client's address as far as our own proxies can vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.ATLAS_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through all our proxies: the peer is the client
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def count_hit(key: str, period: int) -> int:
    """Add one to the counter under `key` (expiring after `period`); the new count."""
    cache.add(key, 0, period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, period + 1)
        return 1


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
        key = f"api-anon:{client_address(request)}:{period}:{window}"
        count = count_hit(key, period)
        self.retry_after = (window + 1) * period - now
        return count <= limit

    def get_ident(self, request) -> str:
        return client_address(request)

    def wait(self) -> float:
        return self.retry_after
