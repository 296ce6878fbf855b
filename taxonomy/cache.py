"""Reads cached for every app process, valid for one generation of the data.

The generation is the value of papers_cache_generation, which database triggers
change in every transaction that writes papers, labels, authors or taxonomy
nodes (papers/migrations/0008). A cached value is stored under the generation
read *before* it was computed, so a write committed meanwhile can only make
that entry unreachable, never stale. Reading the generation costs one indexed
one-row SELECT; the cache is the configured one (Redis shared by every process
when REDIS_URL is set, local memory per process otherwise: both are correct,
because the key changes with the data).
"""

import contextlib
import contextvars
import hashlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connections, router

from taxonomy.models import Node

T = TypeVar("T")

GENERATION_SQL = "SELECT value FROM papers_cache_generation WHERE id = 1"
#: Entries of earlier generations are never read again; let them expire soon
#: (a current one is at worst recomputed once an hour).
TIMEOUT_SECONDS = 3600
MISSING = object()

#: {"using", "generation"} shared by the cached reads of one read-only piece of
#: work (see one_generation), and by reads nested in computing a cached value.
_pinned: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "atlas_cache_pinned", default=None
)


def read_database() -> str:
    """The database alias reads go to (a replica in read-only requests)."""
    return router.db_for_read(Node)


def generation(using: str) -> int:
    """The current generation of the data on database `using`."""
    with connections[using].cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        return cursor.fetchone()[0]


@contextlib.contextmanager
def one_generation() -> Iterator[None]:
    """Cached reads inside share one reading of the generation. Only for work
    that writes nothing: values computed later from newer data are still
    correct for the earlier generation they are stored under."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def _current() -> tuple[str, int]:
    pinned = _pinned.get()
    if pinned:
        return pinned["using"], pinned["generation"]
    using = read_database()
    current = generation(using)
    if pinned is not None:
        pinned.update(using=using, generation=current)
    return using, current


def cached(name: str, compute: Callable[[str], T]) -> T:
    """`compute(using)` for the current generation, computed at most once per
    generation and cache; generation and computation read the same database."""
    using, current = _current()
    key = f"atlas:{name}:{current}"
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = _compute_pinned(compute, using, current)
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def _compute_pinned(compute: Callable[[str], T], using: str, current: int) -> T:
    """compute(using), the cached reads inside it pinned to the same generation."""
    token = _pinned.set({"using": using, "generation": current})
    try:
        return compute(using)
    finally:
        _pinned.reset(token)


#: name -> ((database, generation), value): what kept_in_process holds.
_in_process: dict[str, tuple[tuple[str, int], Any]] = {}


def kept_in_process(name: str, compute: Callable[[str], T]) -> T:
    """Like cached, but the value stays in this process's memory (one value per
    name, the current generation's): for large values that every request of a
    kind reads, which a shared cache would copy out for each of them."""
    using, current = _current()
    held = _in_process.get(name)
    if held is not None and held[0] == (using, current):
        return held[1]
    value = _compute_pinned(compute, using, current)
    _in_process[name] = ((using, current), value)
    return value


def forget_in_process() -> None:
    """Drop what kept_in_process holds (tests restore earlier generations)."""
    _in_process.clear()


def query_digest(queryset) -> str:
    """A name for the rows a queryset selects: the digest of its SQL and
    parameters (its ordering left out)."""
    sql, params = queryset.order_by().query.sql_with_params()
    return hashlib.sha256(f"{sql}\n{params!r}".encode()).hexdigest()


def cached_over(name: str, queryset, compute: Callable[[Any], T]) -> T:
    """compute(queryset) for the current generation, kept under `name` and the
    rows the queryset selects, and run on the database the generation was read
    from."""
    return cached(
        f"{name}:{query_digest(queryset)}",
        lambda using: compute(queryset.using(using)),
    )


class OneGenerationMixin:
    """For class-based views that only read: the cached reads of one request,
    its template included, share one look at the generation."""

    def get(self, request, *args, **kwargs):
        with one_generation():
            response = super().get(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()
        return response
