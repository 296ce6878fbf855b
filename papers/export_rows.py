"""Papers read for export as plain rows, not model instances.

Exports touch every paper of a set, each with its authors (and, for CSV and
JSON, its labels and datasets). Building model instances for all of them costs
far more than writing the text, so the rows are read with ``values_list``: the
papers (with their venue's name) through one server-side cursor in the set's own
order, and for each chunk of papers one query per relation. Memory stays flat
whatever the size of the set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from papers.bibtex import BibRecord, PersonName
from papers.models import Authorship, Label, Paper

CHUNK_SIZE = 2000

_PAPER_COLUMNS = (
    "pk", "citation_key", "entry_type", "title", "title_protected", "et_al",
    "year", "month", "venue__name", "volume", "number", "pages", "publisher",
    "doi", "arxiv_id", "url", "abstract", "extra", "cite_count", "status",
)  # fmt: skip
_AUTHOR_COLUMNS = ("paper_id", "author__given", "author__family", "author__von")
_AUTHOR_COLUMNS += ("author__suffix",)


@dataclass(slots=True)
class ExportRow:
    """One paper as an export writes it: its record plus what only CSV/JSON show."""

    record: BibRecord
    cite_count: int | None
    status: str
    #: (node kind, node slug, provenance, source) in the labels' own order.
    labels: list[tuple[str, str, str, str]] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)


def export_rows(
    papers: QuerySet[Paper], *, details: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[ExportRow]:
    """The papers in the queryset's order; ``details`` adds labels and datasets."""
    rows = (
        _total_order(papers.prefetch_related(None))
        .values_list(*_PAPER_COLUMNS)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        authors = _authors(ids)
        labels = _labels(ids) if details else {}
        datasets = _datasets(ids) if details else {}
        for row in chunk:
            pk = row[0]
            yield ExportRow(
                record=_record(row, authors.get(pk, ())),
                cite_count=row[18],
                status=row[19],
                labels=labels.get(pk, []),
                datasets=datasets.get(pk, []),
            )


def _total_order(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """The papers in their own order, ties broken by id so that every export of
    the same set is the same file."""
    query = papers.query
    if query.is_sliced:
        return papers  # cannot be reordered; its order is the caller's
    ordering = list(query.order_by) or (
        list(Paper._meta.ordering) if query.default_ordering else []
    )
    if not ordering or any(o in ("pk", "-pk", "id", "-id") for o in ordering):
        return papers
    return papers.order_by(*ordering, "pk")


def _record(row: tuple, authors: tuple[PersonName, ...]) -> BibRecord:
    (
        _pk, key, entry_type, title, title_protected, et_al, year, month, venue,
        volume, number, pages, publisher, doi, arxiv_id, url, abstract, extra,
        *_,
    ) = row  # fmt: skip
    return BibRecord(
        key=key,
        entry_type=entry_type,
        title=title,
        title_protected=title_protected,
        authors=authors,
        et_al=et_al,
        year=year,
        month=month,
        venue=venue or "",
        volume=volume,
        number=number,
        pages=pages,
        publisher=publisher,
        doi=doi or "",
        arxiv_id=arxiv_id or "",
        url=url,
        abstract=abstract,
        extra={str(k): str(v) for k, v in extra.items()} if extra else {},
    )


def _among(ids: list[int]) -> Q | RawSQL:
    """paper_id among ids: on PostgreSQL one array parameter (= ANY), as
    binding 2,000 separate parameters costs more than the query itself."""
    if connection.vendor == "postgresql":
        return RawSQL("paper_id = ANY(%s)", (ids,), output_field=BooleanField())
    return Q(paper_id__in=ids)


def _authors(ids: list[int]) -> dict[int, tuple[PersonName, ...]]:
    """Each paper's authors in order; a name met twice in the chunk is one object."""
    rows = (
        Authorship.objects.filter(_among(ids))
        .order_by("paper_id", "position")
        .values_list(*_AUTHOR_COLUMNS)
    )
    names: dict[tuple, PersonName] = {}
    found: dict[int, list[PersonName]] = {}
    current = people = None
    for row in rows:  # in paper order: each paper's authors come together
        if row[0] != current:
            current, people = row[0], []
            found[current] = people
        parts = row[1:]
        name = names.get(parts)
        if name is None:
            name = names[parts] = PersonName(*parts)  # given, family, von, suffix
        people.append(name)
    return {pk: tuple(people) for pk, people in found.items()}


def _labels(ids: list[int]) -> dict[int, list[tuple[str, str, str, str]]]:
    """Labels in their model's order (node kind, then node position), nodes at
    the same position under different parents in the order they were labelled."""
    rows = (
        Label.objects.filter(_among(ids))
        .order_by(*Label._meta.ordering, "pk")
        .values_list("paper_id", "node__kind", "node__slug", "provenance", "source")
    )
    found: dict[int, list] = defaultdict(list)
    for paper_id, *label in rows:
        found[paper_id].append(tuple(label))
    return found


def _datasets(ids: list[int]) -> dict[int, list[str]]:
    """Dataset slugs in the datasets' order (by name)."""
    rows = (
        Paper.datasets.through.objects.filter(_among(ids))
        .order_by("dataset__name", "dataset__pk")
        .values_list("paper_id", "dataset__slug")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for paper_id, slug in rows:
        found[paper_id].append(slug)
    return found
