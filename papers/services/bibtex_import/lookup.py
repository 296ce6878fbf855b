"""Reading, in bulk, the papers and keys of the database that an import could meet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.db.models import Q
from django.db.models.functions import Lower

from papers.bibtex import BibRecord, PersonName, normalise_title
from papers.bibtex.matching import PREPRINT_YEARS, Work, is_preprint, title_key
from papers.models import Authorship, CitationKeyAlias, Paper

BATCH = 1000
_FIELDS = ("pk", "citation_key", "doi", "arxiv_id", "title", "year", "venue__name")
# Characters papers.services.papers.CITATION_KEY refuses (they break a BibTeX key
# or a link), though some BibTeX tools write them (DBLP keys hold "/").
_URL_UNSAFE_KEY = re.compile(r"[\s,{}()=\"#%'\\~/?&]")


def chunks(values: list, size: int = BATCH) -> Iterator[list]:
    """Consecutive slices of at most size values (keeps IN lists bounded)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def clean_key(key: str) -> str:
    """An entry's key with the characters a link cannot hold replaced."""
    return _URL_UNSAFE_KEY.sub("-", key)


def database_works(records: list[BibRecord]) -> list[Work]:
    """The papers any record could be: same DOI, arXiv id, or title and year.

    One query per identifier kind (per thousand values), one pass over the
    titles of the years the file covers, and one query for first authors.
    """
    rows: dict[int, tuple] = {}
    dois = sorted({r.doi for r in records if r.doi})
    for chunk in chunks(dois):
        rows.update(_rows(Paper.objects.filter(doi__in=chunk)))
    arxiv_ids = sorted({r.arxiv_id for r in records if r.arxiv_id})
    for chunk in chunks(arxiv_ids):
        rows.update(_rows(Paper.objects.filter(arxiv_id__in=chunk)))
    rows.update(_same_titles(records))
    families = _first_authors(sorted(rows))
    return [
        Work(
            key=key,
            doi=doi or "",
            arxiv_id=arxiv_id or "",
            title_key=title_key(title, families.get(pk, ()), year),
            pk=pk,
            preprint=is_preprint(arxiv_id or "", doi or "", venue or ""),
        )
        for pk, key, doi, arxiv_id, title, year, venue in rows.values()
    ]


def _rows(papers) -> dict[int, tuple]:
    return {row[0]: row for row in papers.values_list(*_FIELDS)}


def _same_titles(records: list[BibRecord]) -> dict[int, tuple]:
    """Papers with a record's normalised title, from a year close to the record's."""
    titles = {normalise_title(r.title) for r in records}
    spread = range(-PREPRINT_YEARS, PREPRINT_YEARS + 1)
    years = {r.year + d for r in records if r.year is not None for d in spread}
    scope = Q(year__in=sorted(years))
    if any(r.year is None for r in records):
        scope |= Q(year__isnull=True)
    found = {}
    papers = Paper.objects.filter(scope).values_list(*_FIELDS)
    for row in papers.iterator(chunk_size=5000):
        if normalise_title(row[4]) in titles:
            found[row[0]] = row
    return found


def _first_authors(pks: list[int]) -> dict[int, tuple[PersonName]]:
    found = {}
    for chunk in chunks(pks):
        rows = Authorship.objects.filter(paper_id__in=chunk, position=0).values_list(
            "paper_id", "author__von", "author__family"
        )
        for pk, von, family in rows:
            found[pk] = (PersonName(von=von, family=family),)
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
        """The checked keys in use, by an IN query or, for many, one pass."""
        if len(self.checked) > BATCH:
            # PostgreSQL tests a long IN list row by row; reading every key
            # once is cheaper than a case-insensitive IN over many keys.
            keys = model.objects.values_list(name, flat=True).iterator(10_000)
            return {key.lower() for key in keys} & self.checked
        rows = model.objects.annotate(folded=Lower(name))
        keys = rows.filter(folded__in=self.checked).values_list(name, flat=True)
        return {key.lower() for key in keys}

    def __call__(self, key: str) -> bool:
        folded = key.lower()
        if folded in self.checked:
            return folded in self.taken
        return (
            Paper.objects.filter(citation_key__iexact=key).exists()
            or CitationKeyAlias.objects.filter(key__iexact=key).exists()
        )
