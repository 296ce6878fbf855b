"""Keyset pagination: each page starts after the last row of the one before, so
page 1,000 costs what page 1 costs. Cursors are signed, so a changed cursor is a
400, never a database error. Relevance-ordered search results use page numbers
over a bounded result instead (a rank is no stable key).

Lists count their rows up to COUNT_LIMIT (`count_exact` is false past it), in
the same query as the page, so that no request reads a whole large result."""

from django.core import signing
from django.db.models import (
    BooleanField,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from papers.filtersets import MAX_RANKED
from taxonomy.cache import cached, query_digest

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The deepest row a relevance-ordered search may page to (no more are ranked).
MAX_RELEVANCE_ROWS = MAX_RANKED
CURSOR_SALT = "api.cursor"
#: Rows are counted up to this many; past it `count` stops and `count_exact` is false.
COUNT_LIMIT = 1_000

Keys = tuple[tuple[str, bool], ...]


def page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({"page_size": ["Enter a whole number of at least 1."]})
    return min(int(raw), MAX_PAGE_SIZE)


def order_by(keys: Keys, reverse: bool) -> list:
    return [F(name).desc() if desc != reverse else F(name).asc() for name, desc in keys]


class RowsAfter(Expression):
    """(key, ...) > (value, ...), or < when descending: a row comparison."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, names: list[str], values: list, descending: bool):
        super().__init__()
        self.keys = [F(name) for name in names]
        self.values = [Value(value) for value in values]
        self.operator = "<" if descending else ">"

    def get_source_expressions(self):
        return [*self.keys, *self.values]

    def set_source_expressions(self, expressions):
        self.keys = expressions[: len(self.keys)]
        self.values = expressions[len(self.keys) :]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.keys, self.values):
            parts = []
            for expression in side:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append(f"({', '.join(parts)})")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def after(keys: Keys, values: list, reverse: bool) -> Q | RowsAfter:
    """Rows strictly after values in the (possibly reversed) key order.

    Keys that all sort the same way compare as one row, which an index on them
    reads as a range. Mixed directions expand to first < v OR (first = v AND
    ...), with the bound on the first key standing alone as well (first <= v
    AND (...)) so that an index on the keys starts its scan there.
    """
    directions = {desc != reverse for _, desc in keys}
    if len(directions) == 1:
        return RowsAfter([name for name, _ in keys], values, directions.pop())
    condition = Q()
    for i, (name, desc) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if desc != reverse else 'gt'}": values[i]})
        for earlier, value in zip(keys[:i], values[:i], strict=False):
            step &= Q(**{earlier[0]: value})
        condition |= step
    first, desc = keys[0]
    return Q(**{f"{first}__{'lte' if desc != reverse else 'gte'}": values[0]}) & (
        condition
    )


class CappedCount(Subquery):
    """The number of rows of a queryset, counting no further than COUNT_LIMIT + 1."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet):
        super().__init__(queryset.order_by().values("pk")[: COUNT_LIMIT + 1])


def capped(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().values("pk")[: COUNT_LIMIT + 1]


def page_and_count(
    queryset: QuerySet, rows: QuerySet, size: int, start: int = 0
) -> tuple[list, int]:
    """Rows start to start + size of `rows` (a narrowing of queryset), with the
    capped count of queryset read by the same query (a separate one only when
    the page is empty)."""
    rows = rows.annotate(page_total=CappedCount(queryset))
    page = list(rows[start : start + size])
    if page:
        first = page[0]
        total = first["page_total"] if isinstance(first, dict) else first.page_total
        return page, total
    return page, capped(queryset).count()


def counted_page(
    queryset: QuerySet, rows: QuerySet, size: int, start: int = 0
) -> tuple[list, int]:
    """page_and_count, with the count cached for the current data generation
    under the counting query's SQL: later pages and repeated requests of the
    same list read only their rows."""
    digest = query_digest(queryset)
    fresh: list[list] = []

    def count(using: str) -> int:
        page, total = page_and_count(
            queryset.using(using), rows.using(using), size, start
        )
        fresh.append(page)
        return total

    total = cached(f"list-count:{digest}", count)
    return (fresh[0] if fresh else list(rows[start : start + size])), total


class KeysetPagination(BasePagination):
    """`cursor` and `page_size` parameters; the view names the keys (last unique)."""

    cursor_query_param = "cursor"
    query_params = ("cursor", "page_size")
    #: Whether counts are cached per data generation (taxonomy.cache), which
    #: only lists of what the generation follows may do.
    cache_counts = False

    def paginate_queryset(self, queryset, request, view=None, reach=None, total=None):
        """The page's rows. `reach(start, reverse, rows)`, given the first key's
        value in the cursor (None without one), may return a narrower queryset
        holding every row of queryset the page can show, to read them from
        (None: read queryset itself). `total`, when known, is how many rows
        queryset has; else they are counted (up to COUNT_LIMIT + 1)."""
        self.request = request
        self.keys: Keys = view.keyset_ordering()
        # A cursor is only good for the list and ordering it was made for. It is
        # signed without a timestamp: the same page always has the same links,
        # so a cached answer and a freshly computed one are byte for byte equal.
        self.signer = signing.Signer(
            salt=f"{CURSOR_SALT}:{type(view).__name__}:{self.keys}"
        )
        size = page_size(request)
        values, reverse = self._decode(request)
        source = None
        if reach is not None:
            start = None if values is None else values[0]
            source = reach(start, reverse, size + 1)
        rows = (queryset if source is None else source).order_by(
            *order_by(self.keys, reverse)
        )
        if values is not None:
            rows = rows.filter(after(self.keys, values, reverse))
        if total is None:
            rows, self.total = self._page(queryset, rows, size + 1)
        else:
            rows, self.total = list(rows[: size + 1]), total
        more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
        self.next = self._link(rows[-1], False) if rows and (more or reverse) else None
        came_forward = values is not None and not reverse
        self.previous = (
            self._link(rows[0], True)
            if rows and (more if reverse else came_forward)
            else None
        )
        return rows

    def _page(self, queryset, rows, size: int, start: int = 0):
        count = counted_page if self.cache_counts else page_and_count
        return count(queryset, rows, size, start)

    def _decode(self, request) -> tuple[list | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None, False
        try:
            payload = self.signer.unsign_object(raw)
            values, reverse = payload["v"], bool(payload["r"])
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise ValueError
        except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
            raise ValidationError(
                {"cursor": ["This cursor is not valid for this list; start over."]}
            ) from error
        return values, reverse

    def _link(self, row, reverse: bool) -> str:
        values = [
            row[name] if isinstance(row, dict) else getattr(row, name)
            for name, _ in self.keys
        ]
        token = self.signer.sign_object({"v": values, "r": reverse})
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, token
        )

    def get_paginated_response(self, data, extra: dict | None = None):
        body = {
            "count": min(self.total, COUNT_LIMIT),
            "count_exact": self.total <= COUNT_LIMIT,
            "next": self.next,
            "previous": self.previous,
            "results": data,
        }
        return Response({**body, **(extra or {})})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": "Rows in the whole list, counted up to "
                    f"{COUNT_LIMIT:,} (see count_exact).",
                },
                "count_exact": {
                    "type": "boolean",
                    "description": f"False when more than {COUNT_LIMIT:,} rows "
                    f"match: count then says {COUNT_LIMIT:,}.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {DEFAULT_PAGE_SIZE}, "
                f"at most {MAX_PAGE_SIZE}; larger values are capped).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


class PaperPagination(KeysetPagination):
    """Keyset pages, or numbered pages when search results are ordered by relevance."""

    query_params = ("cursor", "page", "page_size")
    cache_counts = True  # papers, labels and authors: what the generation follows

    def paginate_queryset(self, queryset, request, view=None, reach=None, total=None):
        if view.ordering_in_force() != "relevance":
            if "page" in request.query_params:
                raise ValidationError(
                    {"page": ["Page numbers apply to ordering=relevance; use cursor."]}
                )
            return super().paginate_queryset(queryset, request, view, reach, total)
        self.request = request
        size = page_size(request)
        number = self._page_number(request)
        start = (number - 1) * size
        if start + size > MAX_RELEVANCE_ROWS:
            raise ValidationError(
                {
                    "page": [
                        f"Relevance results stop at {MAX_RELEVANCE_ROWS} rows; "
                        "narrow the search."
                    ]
                }
            )
        rows, self.total = self._page(queryset, queryset, size, start)
        url = request.build_absolute_uri()
        more = start + size < min(self.total, MAX_RELEVANCE_ROWS)
        self.next = replace_query_param(url, "page", number + 1) if more else None
        self.previous = None
        if number == 2:
            self.previous = remove_query_param(url, "page")
        elif number > 2:
            self.previous = replace_query_param(url, "page", number - 1)
        return rows

    def _page_number(self, request) -> int:
        if "cursor" in request.query_params:
            raise ValidationError(
                {"cursor": ["ordering=relevance pages by number; use page."]}
            )
        raw = request.query_params.get("page", "1")
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 10**6:
            raise ValidationError({"page": ["Enter a page number of at least 1."]})
        return int(raw)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["facets"] = {
            "description": "With facets=1: paper counts per node and per year "
            "for the current filter.",
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": True},
            },
        }
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "Page number, only with ordering=relevance.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
