"""Turning one expanded BibTeX entry into a :class:`BibRecord`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from papers.bibtex.identifiers import (
    ARXIV_FORM,
    ARXIV_URL,
    DOI_FORM,
    DOI_PATTERN,
    normalise_arxiv_id,
    normalise_doi,
    parse_month,
    parse_year,
)
from papers.bibtex.latex import (
    NAME_LIST_FIELDS,
    VERBATIM_FIELDS,
    collapse,
    decode,
    decode_title,
    decode_verbatim,
)
from papers.bibtex.names import parse_names
from papers.bibtex.records import BibRecord

if TYPE_CHECKING:
    from papers.bibtex.parse import RawEntry

#: The field that holds an entry type's venue; types not listed use the publisher.
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "thesis": "school",
    "techreport": "institution",
    "report": "institution",
    "misc": "howpublished",
    "online": "howpublished",
    "booklet": "howpublished",
}
_VENUE_FALLBACKS = (
    "journal", "journaltitle", "booktitle", "howpublished", "school", "institution"
)  # fmt: skip
#: A biblatex date (Zotero's Better BibLaTeX writes one instead of year/month).
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_ARXIV_JOURNAL = re.compile(r"arxiv preprint\s+(?:arxiv:)?\s*(\S+)", re.IGNORECASE)
_ARXIV_VENUES = {"corr", "arxiv", "arxiv e-prints"}


class _Entry:
    """The fields of one entry being consumed, plus a way to report problems."""

    def __init__(self, raw: RawEntry, problems) -> None:
        self.raw, self.fields, self.problems, self.ok = (
            raw,
            dict(raw.fields),
            problems,
            True,
        )

    def fail(self, message: str) -> None:
        label = f"entry '{self.raw.key}' at line {self.raw.line}"
        self.problems.add(self.raw.key, self.raw.line, f"{label}: {message}")
        self.ok = False

    def take(self, name: str) -> str:
        return decode(self.fields.pop(name, ""))


def build_record(raw: RawEntry, problems) -> BibRecord | None:
    """Build the record for an entry, or report why it cannot be built."""
    entry = _Entry(raw, problems)
    title, title_protected = decode_title(entry.fields.pop("title", ""))
    if not title:
        entry.fail("missing title")
    authors, et_al = parse_names(entry.fields.pop("author", ""))
    venue = _take_venue(entry)
    url = decode_verbatim(entry.fields.pop("url", ""))
    arxiv_id, venue = _take_arxiv(entry, venue, url)
    record = BibRecord(
        key=raw.key,
        entry_type=raw.entry_type,
        title=title,
        title_protected=title_protected,
        authors=authors,
        et_al=et_al,
        year=_take_year(entry),
        month=_take_month(entry),
        venue=venue,
        volume=entry.take("volume"),
        number=entry.take("number"),
        pages=normalise_pages(entry.fields.pop("pages", "")),
        publisher=entry.take("publisher"),
        doi=_take_doi(entry),
        arxiv_id=arxiv_id,
        url=url,
        abstract=entry.take("abstract"),
        line=raw.line,
    )
    record.extra = {name: _decode_extra(name, v) for name, v in entry.fields.items()}
    return record if entry.ok else None


def _decode_extra(name: str, value: str) -> str:
    if name in VERBATIM_FIELDS:
        return decode_verbatim(value)
    if name in NAME_LIST_FIELDS:
        plain, braced = decode_title(value)
        return braced or plain
    return decode(value)


def normalise_pages(value: str) -> str:
    """Pages with any dash between numbers written as BibTeX's "--"."""
    text = decode(value) if "\\" in value else collapse(re.sub(r"[{}]", "", value))
    return re.sub(r"\s*(?:-+|\u2013|\u2014)\s*", "--", text)


def _take_venue(entry: _Entry) -> str:
    own = VENUE_FIELDS.get(entry.raw.entry_type)
    for name in ((own,) if own else ()) + _VENUE_FALLBACKS:
        if name in entry.fields:
            return entry.take(name)
    return "" if own else decode(entry.fields.get("publisher", ""))


def _take_year(entry: _Entry) -> int | None:
    if "year" not in entry.fields:
        return _take_date(entry)
    text = entry.take("year")
    year = parse_year(text)
    if year is None:
        digits = text.strip().isdigit()
        entry.fail(
            f"year '{text}' is not a year of 1 to 4 digits"
            if digits
            else f"year '{text}' is not a number"
        )
    return year


def _take_date(entry: _Entry) -> int | None:
    """The year of a biblatex `date` (2022, 2022-12, 2022-12-01) where there is
    no `year`; its month too where there is no `month`. A date with its day
    stays among the other fields, as the day has no field of its own."""
    found = _ISO_DATE.fullmatch(entry.fields.get("date", "").strip())
    if found is None:
        return None
    year, month, day = found.groups()
    if month is not None and "month" not in entry.fields and 1 <= int(month) <= 12:
        entry.fields["month"] = month
    if day is None:
        entry.fields.pop("date")
    return int(year)


def _take_month(entry: _Entry) -> int | None:
    """The month as a number; a month written in words that name no single
    month ("Jun.-Jul.", "Spring", as bibtex allows) stays among the other
    fields, as written. A number outside 1 to 12 is a problem."""
    if "month" not in entry.fields:
        return None
    text = decode(entry.fields["month"])
    month = parse_month(text)
    if month is not None:
        entry.fields.pop("month")
    elif text.strip().isdigit():  # a number, but not a month's
        entry.fail(f"month '{text}' is not a month name or a number from 1 to 12")
    return month


def _take_doi(entry: _Entry) -> str:
    doi = normalise_doi(decode_verbatim(entry.fields.pop("doi", "")))
    if doi and not DOI_PATTERN.match(doi):
        entry.fail(f"doi '{doi}' is not a DOI ({DOI_FORM})")
    return doi


def _take_arxiv(entry: _Entry, venue: str, url: str) -> tuple[str, str]:
    """The arXiv id from eprint, an "arXiv preprint arXiv:ID" venue, CoRR or a URL."""
    found = _ARXIV_JOURNAL.fullmatch(venue)
    if found and normalise_arxiv_id(found.group(1)):
        venue = "arXiv preprint"
    candidates = [
        _take_eprint(entry),
        normalise_arxiv_id(found.group(1)) if found else "",
        _corr_volume(entry, venue),
        normalise_arxiv_id(match.group(1)) if (match := ARXIV_URL.search(url)) else "",
    ]
    return next((c for c in candidates if c), ""), venue


def _take_eprint(entry: _Entry) -> str:
    prefix = entry.fields.get("archiveprefix", entry.fields.get("eprinttype", ""))
    prefix = decode(prefix).lower()
    if "eprint" not in entry.fields or prefix not in ("", "arxiv"):
        return ""
    eprint = decode_verbatim(entry.fields["eprint"])
    arxiv_id = normalise_arxiv_id(eprint)
    if arxiv_id:
        for name in ("eprint", "archiveprefix", "eprinttype"):
            entry.fields.pop(name, None)
    elif prefix == "arxiv":
        entry.fail(f"eprint '{eprint}' is not an arXiv id ({ARXIV_FORM})")
    return arxiv_id


def _corr_volume(entry: _Entry, venue: str) -> str:
    if venue.lower() not in _ARXIV_VENUES:
        return ""
    return normalise_arxiv_id(
        decode(entry.fields.get("volume", "")).removeprefix("abs/")
    )
