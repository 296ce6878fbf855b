"""CSL-JSON and RIS writers for :class:`~papers.bibtex.BibRecord` (no Django here)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from papers.bibtex import BibRecord, PersonName, parse_names

_CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "proceedings": "book",
    "booklet": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "dataset": "dataset",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
}
_RIS_TYPES = {
    "article": "JOUR",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "book": "BOOK",
    "proceedings": "CONF",
    "booklet": "PAMP",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "techreport": "RPRT",
    "report": "RPRT",
    "manual": "STAND",
    "dataset": "DATA",
    "online": "ELEC",
    "unpublished": "UNPB",
}
_ARXIV_VENUES = {"", "arxiv preprint", "arxiv", "arxiv e-prints", "corr"}
_PUBLISHER_VENUES = {"thesis", "report"}


def is_preprint(record: BibRecord) -> bool:
    """True for an arXiv paper with no other venue than arXiv itself."""
    return bool(record.arxiv_id) and record.venue.strip().lower() in _ARXIV_VENUES


def csl_type(record: BibRecord) -> str:
    """The CSL item type for a record; arXiv preprints are "article"."""
    if is_preprint(record):
        return "article"
    return _CSL_TYPES.get(record.entry_type, "article")


def csl_name(name: PersonName) -> dict[str, str]:
    """One CSL name object; institutions become {"literal": ...}."""
    if name.is_corporate or not (name.given or name.von or name.suffix):
        return (
            {"literal": name.family} if " " in name.family else {"family": name.family}
        )
    parts = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.von,
        "suffix": name.suffix,
    }
    return {key: value for key, value in parts.items() if value}


def csl_item(record: BibRecord) -> dict:
    """The record as one CSL-JSON item (the format citeproc and Zotero read)."""
    kind = csl_type(record)
    item: dict = {"id": record.key, "type": kind, "title": record.title}
    if record.authors:
        item["author"] = [csl_name(name) for name in record.authors]
    if editors := record.extra.get("editor"):
        item["editor"] = [csl_name(name) for name in parse_names(editors)[0]]
    if record.year is not None:
        parts = [record.year] + ([record.month] if record.month else [])
        item["issued"] = {"date-parts": [parts]}
    item.update(_csl_venue(record, kind))
    item.update(_csl_plain_fields(record))
    return {key: value for key, value in item.items() if value not in ("", None, [])}


def _csl_venue(record: BibRecord, kind: str) -> dict:
    if kind == "article" and record.arxiv_id:
        return {"number": f"arXiv:{record.arxiv_id}", "publisher": "arXiv"}
    if kind in _PUBLISHER_VENUES:
        return {"publisher": record.publisher or record.venue}
    if record.venue == record.publisher:
        return {}
    return {"container-title": record.venue}


def _csl_plain_fields(record: BibRecord) -> dict:
    fields = {
        "volume": record.volume,
        "issue": record.number,
        "page": record.pages.replace("--", "-"),
        "DOI": record.doi,
        "URL": record.url,
        "abstract": record.abstract,
        "publisher-place": record.extra.get("address", ""),
        "ISBN": record.extra.get("isbn", ""),
        "note": record.extra.get("note", ""),
        "keyword": record.extra.get("keywords", ""),
    }
    if record.publisher:
        fields["publisher"] = record.publisher
    return fields


def iter_csl_json(records: Iterable[BibRecord]) -> Iterator[str]:
    """Yield the text of a JSON array of CSL items, one item per chunk."""
    yield "["
    for index, record in enumerate(records):
        text = json.dumps(csl_item(record), ensure_ascii=False, indent=2)
        yield ("\n" if index == 0 else ",\n") + text
    yield "\n]\n"


def ris_type(record: BibRecord) -> str:
    """The RIS reference type (TY) for a record."""
    if is_preprint(record):
        return "UNPB"
    return _RIS_TYPES.get(record.entry_type, "GEN")


def ris_entry(record: BibRecord) -> str:
    """The record as one RIS reference: "TY  - " first, "ER  - " last, LF line ends."""
    lines = [("TY", ris_type(record))]
    lines += [("AU", _ris_name(name)) for name in record.authors]
    lines.append(("TI", record.title))
    venue_tag = "JO" if record.entry_type == "article" else "T2"
    if record.venue and record.venue != record.publisher:
        lines.append((venue_tag, record.venue))
    lines += _ris_date_and_numbers(record)
    # An arXiv paper without an address of its own is found at its abstract page.
    url = record.url or (
        f"https://arxiv.org/abs/{record.arxiv_id}" if record.arxiv_id else ""
    )
    lines += [("PB", record.publisher), ("DO", record.doi), ("UR", url)]
    lines.append(("AB", record.abstract))
    keywords = re.split(r"[;,]", record.extra.get("keywords", ""))
    lines += [("KW", keyword) for keyword in keywords]
    lines.append(("ID", record.key))
    body = "".join(_ris_line(tag, value) for tag, value in lines if value.strip())
    return body + "ER  - \n"


def _ris_date_and_numbers(record: BibRecord) -> list[tuple[str, str]]:
    start, _, end = record.pages.partition("--")
    lines = []
    if record.year is not None:
        month = f"{record.month:02d}" if record.month else ""
        lines += [("PY", str(record.year)), ("DA", f"{record.year}/{month}//")]
    lines += [("VL", record.volume), ("IS", record.number)]
    return lines + [("SP", start), ("EP", end)]


def _ris_name(name: PersonName) -> str:
    family = f"{name.von} {name.family}".strip()
    parts = [family, name.given, name.suffix] if name.suffix else [family, name.given]
    return ", ".join(part for part in parts if part)


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}\n"


def iter_ris(records: Iterable[BibRecord]) -> Iterator[str]:
    """Yield RIS references one by one, separated by blank lines."""
    for index, record in enumerate(records):
        yield ris_entry(record) if index == 0 else "\n" + ris_entry(record)
