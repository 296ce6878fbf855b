"""Papers read for export as plain rows, not model instances.

Exports touch every paper of a set, each with its authors (and, for CSV and
JSON, its labels and datasets). Building model instances for all of them costs
far more than writing the text, so the rows are read with ``values_list``: the
papers (with their venue's name) through one server-side cursor in the set's own
order. On PostgreSQL each row brings its relations along as arrays (one
statement for the whole export, read 2,000 rows at a time); elsewhere each chunk
of papers costs one more query per relation. Memory stays flat whatever the size
of the set.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import CharField, F, Func, OuterRef, QuerySet

from papers.bibtex import BibRecord, PersonName
from papers.models import Authorship, Label, Paper

CHUNK_SIZE = 2000

_PAPER_COLUMNS = (
    "pk", "citation_key", "entry_type", "title", "title_protected", "et_al",
    "year", "month", "venue__name", "volume", "number", "pages", "publisher",
    "doi", "arxiv_id", "url", "abstract", "extra", "cite_count", "status",
)  # fmt: skip
_NAME_COLUMNS = ("author__given", "author__family", "author__von", "author__suffix")
_LABEL_COLUMNS = ("node__kind", "node__slug", "provenance", "source")


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
    papers = _total_order(papers.prefetch_related(None))
    if connections[papers.db].vendor == "postgresql":
        return _rows_with_arrays(papers, details, chunk_size)
    return _rows_by_chunk(papers, details, chunk_size)


def _rows_with_arrays(
    papers: QuerySet[Paper], details: bool, chunk_size: int
) -> Iterator[ExportRow]:
    relations = {"export_authors": _array(Authorship, _NAME_COLUMNS, "position")}
    if details:
        relations["export_labels"] = _array(Label, _LABEL_COLUMNS, *_LABEL_ORDER)
        relations["export_datasets"] = _array(
            Paper.datasets.through, ("dataset__slug",), "dataset__name", "dataset__pk"
        )
    rows = (
        papers.annotate(**relations)
        .values_list(*_PAPER_COLUMNS, *relations)
        .iterator(chunk_size=chunk_size)
    )
    # In a transaction the cursor is not WITH HOLD, so PostgreSQL computes each
    # chunk when it is fetched (outside one, it computes them all at the first).
    with transaction.atomic(using=papers.db):
        ahead = _read_ahead(rows, chunk_size, connections[papers.db])
        try:
            for row in ahead:
                # From a list, so the tuple is made at its final size: one made
                # from an iterator starts at a guessed size, is cut to size, and
                # on release joins Python's store of freed tuples of that size,
                # which would fill as the export goes.
                people = tuple([PersonName._make(name) for name in row[20]])
                yield ExportRow(
                    record=_record(row, people),
                    cite_count=row[18],
                    status=row[19],
                    labels=[tuple(label) for label in row[21]] if details else [],
                    datasets=[slug for (slug,) in row[22]] if details else [],
                )
        finally:
            # Left early (a client went away): stop the reader, then close the
            # cursor while its transaction is still open.
            ahead.close()
            rows.close()


def _read_ahead(rows: Iterator[tuple], chunk_size: int, connection) -> Iterator[tuple]:
    """The rows, while a thread reads the next chunk of them from the server-side
    cursor: PostgreSQL works on it while Python writes the current one.

    The thread reads one chunk when asked, and it is asked as the current chunk
    starts: at most two chunks are held at once (the one being written and the
    next), so memory has the same bound however long the export runs.

    The first chunk is read here, which opens the cursor on this thread's
    connection; the thread then only fetches from that cursor, and the
    connection is shared for that long (nothing else uses it meanwhile).
    """
    chunk = list(islice(rows, chunk_size))
    if len(chunk) < chunk_size:
        yield from chunk
        return
    # The reader puts a chunk only when asked, and it is asked only once the
    # chunk before was taken: the queue never holds more than one, and a put
    # never waits.
    ready: queue.SimpleQueue = queue.SimpleQueue()
    wanted = threading.Semaphore(0)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while wanted.acquire() and not stop.is_set():
                rows_read = list(islice(rows, chunk_size))
                ready.put(rows_read)
                if not rows_read:
                    return
        except BaseException as error:  # noqa: BLE001 - raised in the reader
            ready.put(error)

    connection.inc_thread_sharing()
    reader = threading.Thread(target=fetch, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while chunk:
            wanted.release()
            yield from chunk
            chunk = None  # let it go before the next one arrives
            chunk = ready.get()
            if isinstance(chunk, BaseException):
                raise chunk
    finally:
        stop.set()
        wanted.release()  # a reader waiting to be asked sees the stop
        reader.join()
        connection.dec_thread_sharing()


#: Labels in their model's order, nodes at the same position under different
#: parents in the order they were labelled.
_LABEL_ORDER = (*Label._meta.ordering, "pk")


def _array(model, columns: tuple[str, ...], *order: str) -> ArraySubquery:
    """The rows of model that belong to the outer paper, in order, each as an
    array of the columns (text): ``ARRAY(SELECT ARRAY[...] ... ORDER BY ...)``."""
    row = Func(
        *(F(column) for column in columns),
        template="ARRAY[%(expressions)s]::text[]",
        output_field=ArrayField(CharField()),
    )
    related = model.objects.filter(paper_id=OuterRef("pk")).order_by(*order)
    return ArraySubquery(related.values_list(row))


def _rows_by_chunk(
    papers: QuerySet[Paper], details: bool, chunk_size: int
) -> Iterator[ExportRow]:
    rows = papers.values_list(*_PAPER_COLUMNS).iterator(chunk_size=chunk_size)
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


def _authors(ids: list[int]) -> dict[int, tuple[PersonName, ...]]:
    """Each paper's authors in order."""
    rows = (
        Authorship.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", *_NAME_COLUMNS)
    )
    found: dict[int, list[PersonName]] = defaultdict(list)
    for paper_id, *parts in rows:
        found[paper_id].append(PersonName._make(parts))
    return {pk: tuple(people) for pk, people in found.items()}


def _labels(ids: list[int]) -> dict[int, list[tuple[str, str, str, str]]]:
    rows = (
        Label.objects.filter(paper_id__in=ids)
        .order_by(*_LABEL_ORDER)
        .values_list("paper_id", *_LABEL_COLUMNS)
    )
    found: dict[int, list] = defaultdict(list)
    for paper_id, *label in rows:
        found[paper_id].append(tuple(label))
    return found


def _datasets(ids: list[int]) -> dict[int, list[str]]:
    """Dataset slugs in the datasets' order (by name)."""
    rows = (
        Paper.datasets.through.objects.filter(paper_id__in=ids)
        .order_by("dataset__name", "dataset__pk")
        .values_list("paper_id", "dataset__slug")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for paper_id, slug in rows:
        found[paper_id].append(slug)
    return found
