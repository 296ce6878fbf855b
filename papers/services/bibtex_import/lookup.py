"""Reading, in bulk, the papers and keys of the database that an import could meet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import psycopg
from django.db import connection
from django.db.models import FilteredRelation, Q
from django.db.models.functions import Lower

from papers.bibtex import BibRecord, PersonName, normalise_title
from papers.bibtex.identifiers import KEY_UNSAFE_CHARACTER
from papers.bibtex.matching import (
    PREPRINT_YEARS,
    Work,
    close_years,
    is_preprint,
    title_key,
)
from papers.models import CitationKeyAlias, Paper

BATCH = 1000
# Each paper with its venue's name and its first author's name parts, joined in.
_FIELDS = ("pk", "citation_key", "doi", "arxiv_id", "title", "year", "venue__name")
_FIELDS += ("first__author__von", "first__author__family")


def chunks(values: list, size: int = BATCH) -> Iterator[list]:
    """Consecutive slices of at most size values (keeps IN lists bounded)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def clean_key(key: str) -> str:
    """An entry's key with the characters a link cannot hold replaced."""
    # Some BibTeX tools write such characters (DBLP keys hold "/").
    return KEY_UNSAFE_CHARACTER.sub("-", key)


def _papers():
    """Papers with their first authorship joined (no row lost when there is none)."""
    first = FilteredRelation("authorships", condition=Q(authorships__position=0))
    return Paper.objects.annotate(first=first)


def database_works(records: list[BibRecord]) -> list[Work]:
    """The papers any record could be: same DOI, arXiv id, or normalised title
    from a year close to the record's (the matching compares first authors).

    Each paper comes with its venue and first author joined in: on
    PostgreSQL from one statement given the file's identifiers and titles as
    arrays, elsewhere from one indexed query per identifier kind and per
    thousand values. Oldest first: of two papers with the same title key,
    the older is the one matched.
    """
    dois = sorted({r.doi for r in records if r.doi})
    arxiv_ids = sorted({r.arxiv_id for r in records if r.arxiv_id})
    titles = list({(normalise_title(r.title), r.year) for r in records})
    if connection.vendor == "postgresql":
        rows = _rows_from_arrays(dois, arxiv_ids, titles)
    else:
        rows = _rows_from_lists(dois, arxiv_ids, titles)
    return [
        Work(
            key=key,
            doi=doi or "",
            arxiv_id=arxiv_id or "",
            title_key=title_key(title, _first_author(von, family), year),
            pk=pk,
            preprint=is_preprint(arxiv_id or "", doi or "", venue or ""),
        )
        for pk, key, doi, arxiv_id, title, year, venue, von, family in rows
    ]


_ROWS_SQL = """
SELECT p.id, p.citation_key, p.doi, p.arxiv_id, p.title, p.year, v.name,
       a.von, a.family
  FROM papers_paper p
  LEFT JOIN papers_venue v ON v.id = p.venue_id
  LEFT JOIN papers_authorship s ON s.paper_id = p.id AND s.position = 0
  LEFT JOIN papers_author a ON a.id = s.author_id
 WHERE p.id IN (
       SELECT id FROM papers_paper WHERE doi = ANY(%(dois)s::text[])
       UNION ALL
       SELECT id FROM papers_paper WHERE arxiv_id = ANY(%(arxiv_ids)s::text[])
       UNION ALL
       SELECT q.id
         FROM unnest(%(titles)s::text[], %(years)s::int[]) AS w(title, year)
         JOIN papers_paper q ON q.normalised_title = w.title
        WHERE q.year IS NULL OR w.year IS NULL
           OR abs(q.year - w.year) <= %(close)s)
 ORDER BY p.id
"""


def _rows_from_arrays(dois: list, arxiv_ids: list, titles: list) -> list[tuple]:
    parameters = {
        "dois": dois,
        "arxiv_ids": arxiv_ids,
        "titles": [title for title, _ in titles],
        "years": [year for _, year in titles],
        "close": PREPRINT_YEARS,
    }
    return _fetch_bound(_ROWS_SQL, parameters)


def _fetch_bound(sql: str, parameters) -> list[tuple]:
    """The rows of one statement on the import's connection (PostgreSQL), its
    parameters bound by the server in binary: Django's cursor would quote
    every value of an array of thousands into the statement's text."""
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
    ):
        cursor.execute(sql, parameters, binary=True)
        return cursor.fetchall()


def _rows_from_lists(dois: list, arxiv_ids: list, titles: list) -> list[tuple]:
    rows: dict[int, tuple] = {}
    for chunk in chunks(dois):
        rows.update(_rows(_papers().filter(doi__in=chunk)))
    for chunk in chunks(arxiv_ids):
        rows.update(_rows(_papers().filter(arxiv_id__in=chunk)))
    rows.update(_same_titles(titles))
    return [rows[pk] for pk in sorted(rows)]


def _first_author(von: str | None, family: str | None) -> tuple[PersonName, ...]:
    return () if family is None else (PersonName(von=von, family=family),)


def _rows(papers) -> dict[int, tuple]:
    return {row[0]: row for row in papers.values_list(*_FIELDS)}


def _same_titles(titles: list[tuple[str, int | None]]) -> dict[int, tuple]:
    """Papers whose normalised title is one of the (title, year) pairs', from
    a year close to the pair's.

    The titles and years are read first, from the index alone; the rest of
    the row only for the papers a record could be.
    """
    years: dict[str, set[int | None]] = {}
    for title, year in titles:
        years.setdefault(title, set()).add(year)
    close = []
    for chunk in chunks(sorted(years)):
        rows = Paper.objects.filter(normalised_title__in=chunk).order_by()
        for pk, title, year in rows.values_list("pk", "normalised_title", "year"):
            if any(close_years(year, wanted) for wanted in years[title]):
                close.append(pk)
    found = {}
    for chunk in chunks(sorted(close)):
        found.update(_rows(_papers().filter(pk__in=chunk).order_by("pk")))
    return found


class UsedKeys:
    """Tells whether a citation key (any case) is a paper's key or a former key.

    The keys the file asks for are looked up in bulk at once; any other key
    (a suffixed one) is looked up when asked.
    """

    def __init__(self, records: Iterable[BibRecord]) -> None:
        self.checked = {clean_key(r.key).lower() for r in records}
        self.taken: set[str] = set()
        for model, name in ((Paper, "citation_key"), (CitationKeyAlias, "key")):
            self.taken |= self._used(model, name)

    def _used(self, model, name: str) -> set[str]:
        """The checked keys in use: an IN query for a few; for many, one array
        parameter on PostgreSQL, else one pass over every key."""
        if len(self.checked) <= BATCH:
            rows = model.objects.annotate(folded=Lower(name))
            keys = rows.filter(folded__in=self.checked).values_list(name, flat=True)
            return {key.lower() for key in keys}
        if connection.vendor == "postgresql":
            return self._used_in_array(model, name)
        keys = model.objects.values_list(name, flat=True).iterator(10_000)
        return {key.lower() for key in keys} & self.checked

    def _used_in_array(self, model, name: str) -> set[str]:
        """The keys whose lower() is among the checked ones, plus every key
        with a character beyond ASCII, where PostgreSQL's lower() and Python's
        may differ: Python's decides, as for the keys of the file. (A
        case-insensitive IN list of that many keys was no faster than reading
        every key; one array parameter is several times faster than both.)"""
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column = quote(model._meta.get_field(name).column)
        sql = (
            f"SELECT {column} FROM {table} WHERE lower({column}) = ANY(%s::text[])"
            f" OR octet_length({column}) <> char_length({column})"
        )
        rows = _fetch_bound(sql, [sorted(self.checked)])
        return {key.lower() for (key,) in rows} & self.checked

    def __call__(self, key: str) -> bool:
        folded = key.lower()
        if folded in self.checked:
            return folded in self.taken
        return (
            Paper.objects.filter(citation_key__iexact=key).exists()
            or CitationKeyAlias.objects.filter(key__iexact=key).exists()
        )
