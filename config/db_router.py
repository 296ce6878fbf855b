"""Reads on PostgreSQL streaming replicas, writes and read-after-write on the primary.

With DATABASE_REPLICA_URLS set, settings add one database alias per replica
("replica_1", ...) and install this router and middleware. The router sends a
read to a replica chosen at random only while a read-only web request is being
answered; it keeps reads on the primary
- in requests that write (POST, PUT, PATCH, DELETE), whose reads decide writes;
- inside a transaction on the primary;
- for PIN_SECONDS after a client's successful write (a cookie), so that a client
  reads its own writes although the replicas lag a little behind;
- outside web requests (management commands, the shell).
Streamed answers (exports) read after the view returns, hence on the primary.
"""

import contextvars
import random

from django.conf import settings
from django.db import connections

PRIMARY = "default"
PIN_COOKIE = "atlas_primary"
PIN_SECONDS = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads = contextvars.ContextVar("atlas_replica_reads", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class PrimaryReplicaRouter:
    """Writes to the primary; reads to a replica when the request allows it."""

    def db_for_read(self, model, **hints) -> str:
        if not _replica_reads.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        replicas = replica_aliases()
        return random.choice(replicas) if replicas else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Marks read-only requests as safe for replicas; pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        token = _replica_reads.set(safe and PIN_COOKIE not in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if not safe and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax"
            )
        return response
