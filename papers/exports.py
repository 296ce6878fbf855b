"""Exporting sets of papers as BibTeX, BibLaTeX, CSV, JSON, CSL-JSON and RIS.

export_stream reads the papers in chunks (one query per chunk and relation), so
exporting the whole knowledge base keeps memory flat; it yields text chunks for a
streaming HTTP response.
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db.models import QuerySet

from papers.bibtex import BibRecord, PersonName, iter_bibtex
from papers.citation_formats import iter_csl_json, iter_ris
from papers.export_rows import CHUNK_SIZE, ExportRow, export_rows
from papers.models import Paper
from taxonomy.models import Kind

TEXT_CHUNK = 64 * 1024

#: format -> (content type, file extension, description)
EXPORT_FORMATS: dict[str, tuple[str, str, str]] = {
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib", "BibTeX (LaTeX escapes)"),
    "biblatex": ("application/x-bibtex; charset=utf-8", "bib", "BibLaTeX (UTF-8)"),
    "csv": ("text/csv; charset=utf-8", "csv", "CSV, one paper per row"),
    "json": ("application/json", "json", "JSON array of papers"),
    "csljson": ("application/vnd.citationstyles.csl+json", "json", "CSL-JSON"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", "RIS"),
}
CSV_COLUMNS = (
    "citation_key", "entry_type", "title", "authors", "year", "month", "venue",
    "volume", "number", "pages", "publisher", "doi", "arxiv_id", "url",
    "cite_count", "modalities", "applications", "methods", "open_issues",
    "datasets", "status",
)  # fmt: skip
LABEL_COLUMNS = {
    Kind.MODALITY: "modalities",
    Kind.APPLICATION: "applications",
    Kind.METHOD: "methods",
    Kind.OPEN_ISSUE: "open_issues",
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_content_type(fmt: str) -> str:
    return EXPORT_FORMATS[fmt][0]


def export_filename(fmt: str, stem: str) -> str:
    """A safe download name: letters, digits, '-', '_' and '.', then the extension."""
    return f"{_safe_stem(stem, ascii_only=True)}.{EXPORT_FORMATS[fmt][1]}"


def _safe_stem(stem: str, *, ascii_only: bool, default: str = "papers") -> str:
    """The stem with every run of other characters than letters, digits, '.',
    '-' and '_' made one '-' (no path separator, quote, control character or
    space survives); ASCII-only folds accents first ("Müller" -> "Muller")."""
    if ascii_only:
        stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
        allowed = r"[^A-Za-z0-9._-]+"
    else:
        stem = unicodedata.normalize("NFC", stem)
        allowed = r"[^\w.-]+"
    return (
        re.sub(allowed, "-", stem, flags=re.ASCII if ascii_only else 0).strip(".-")[:80]
        or default
    )


def attachment(stem: str, extension: str, *, default: str = "download") -> str:
    """The Content-Disposition value of a download named after ``stem`` (a
    citation key, query text...): an ASCII ``filename`` of [A-Za-z0-9._-] only,
    quoted, plus RFC 6266's ``filename*`` (UTF-8) when the name has other letters.
    """
    ascii_name = f"{_safe_stem(stem, ascii_only=True, default=default)}.{extension}"
    value = f'attachment; filename="{ascii_name}"'
    unicode_name = f"{_safe_stem(stem, ascii_only=False, default=default)}.{extension}"
    if unicode_name != ascii_name:
        value += f"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    return value


def export_attachment(fmt: str, stem: str) -> str:
    """The Content-Disposition value of an export in fmt named after stem."""
    return attachment(stem, EXPORT_FORMATS[fmt][1], default="papers")


def _authorships(paper: Paper) -> list:
    return sorted(paper.authorships.all(), key=lambda a: a.position)


def paper_record(paper: Paper) -> BibRecord:
    """The paper as a BibRecord (uses prefetched authorships when present)."""
    authors = tuple(
        PersonName(
            given=a.author.given,
            family=a.author.family,
            von=a.author.von,
            suffix=a.author.suffix,
        )
        for a in _authorships(paper)
    )
    return BibRecord(
        key=paper.citation_key,
        entry_type=paper.entry_type,
        title=paper.title,
        title_protected=paper.title_protected,
        authors=authors,
        et_al=paper.et_al,
        year=paper.year,
        month=paper.month,
        venue=paper.venue.name if paper.venue_id else "",
        volume=paper.volume,
        number=paper.number,
        pages=paper.pages,
        publisher=paper.publisher,
        doi=paper.doi or "",
        arxiv_id=paper.arxiv_id or "",
        url=paper.url,
        abstract=paper.abstract,
        extra={str(k): str(v) for k, v in (paper.extra or {}).items()},
    )


def neutralise(cell: str) -> str:
    """Quote a cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _label_columns(row: ExportRow) -> dict[str, str]:
    found: dict[str, list[str]] = {column: [] for column in LABEL_COLUMNS.values()}
    for kind, slug, _provenance, _source in row.labels:
        found[LABEL_COLUMNS[kind]].append(slug)
    return {column: "; ".join(slugs) for column, slugs in found.items()}


def csv_row(row: ExportRow) -> list[str]:
    """One paper's CSV cells, in CSV_COLUMNS order, none runnable as a formula."""
    record = row.record
    values = {
        "citation_key": record.key,
        "entry_type": record.entry_type,
        "title": record.title,
        "authors": "; ".join(name.display for name in record.authors),
        "year": record.year,
        "month": record.month,
        "venue": record.venue,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "publisher": record.publisher,
        "doi": record.doi,
        "arxiv_id": record.arxiv_id,
        "url": record.url,
        "cite_count": row.cite_count,
        **_label_columns(row),
        "datasets": "; ".join(row.datasets),
        "status": row.status,
    }
    return [
        neutralise("" if values[c] is None else str(values[c])) for c in CSV_COLUMNS
    ]


def _iter_csv(rows: Iterable[ExportRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_item(row: ExportRow) -> dict:
    """One paper as a plain JSON object (the `json` export)."""
    record = row.record
    return {
        "citation_key": record.key,
        "entry_type": record.entry_type,
        "title": record.title,
        "authors": [
            {"given": n.given, "von": n.von, "family": n.family, "suffix": n.suffix}
            for n in record.authors
        ],
        "et_al": record.et_al,
        "year": record.year,
        "month": record.month,
        "venue": record.venue or None,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "publisher": record.publisher,
        # The database keeps no empty identifier: "" here was NULL there.
        "doi": record.doi or None,
        "arxiv_id": record.arxiv_id or None,
        "url": record.url,
        "abstract": record.abstract,
        "cite_count": row.cite_count,
        "status": row.status,
        "labels": [
            {"kind": kind, "slug": slug, "provenance": provenance, "source": source}
            for kind, slug, provenance, source in row.labels
        ],
        "datasets": row.datasets,
        "extra": record.extra,
    }


def _iter_json(rows: Iterable[ExportRow]) -> Iterator[str]:
    yield "["
    for index, row in enumerate(rows):
        text = json.dumps(json_item(row), ensure_ascii=False)
        yield ("\n" if index == 0 else ",\n") + text
    yield "\n]\n"


def _text_chunks(parts: Iterable[str]) -> Iterator[str]:
    """Join small pieces into chunks of about TEXT_CHUNK characters."""
    pending: list[str] = []
    size = 0
    for part in parts:
        pending.append(part)
        size += len(part)
        if size >= TEXT_CHUNK:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def export_stream(papers: QuerySet[Paper], fmt: str) -> Iterator[str]:
    """The papers in format fmt (a key of EXPORT_FORMATS), as text chunks."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    details = fmt in ("csv", "json")
    rows = export_rows(papers, details=details, chunk_size=CHUNK_SIZE)
    if fmt in ("bibtex", "biblatex"):
        encoding = "latex" if fmt == "bibtex" else "unicode"
        parts = iter_bibtex((row.record for row in rows), encoding=encoding)
    elif fmt == "csljson":
        parts = iter_csl_json(row.record for row in rows)
    elif fmt == "ris":
        parts = iter_ris(row.record for row in rows)
    elif fmt == "csv":
        parts = _iter_csv(rows)
    else:
        parts = _iter_json(rows)
    return _text_chunks(parts)
