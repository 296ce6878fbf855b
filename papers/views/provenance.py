"""A paper's provenance (Paper.provenance, free-form JSON written by the survey
loader and curators) as labelled sentences for the paper page's Record box."""

from typing import Any

#: Keys shown in this order with these labels; other keys follow, their names
#: made readable.
LABELS = {
    "source": "Source",
    "in_survey": "Review evidence",
    "metadata_check": "Metadata check",
    "date_note": "Date",
    "seed_type": "Type at the source",
    "authors_as_given": "Authors at the source",
    "note": "Note",
}
#: Bookkeeping of the survey loader, no use to a reader: the paper's place in
#: the seed list, and the author count (folded into "Authors at the source").
HIDDEN = frozenset({"seed_position", "author_count"})

_REVIEW_EVIDENCE = {
    "verified-table3": "Verified in the review's Table 3",
    "verified-acm-reference": "Verified in the review's reference list",
    "verified-intro": "Verified in the review's introduction",
    "not-verified": "Not verified in the review",
    "probable": "Probably in the review",
}
_CHECK_STATUS = {
    "corrected": "Corrected against",
    "confirmed": "Confirmed against",
    "unverified": "Not confirmed; checked against",
}
_FIELD_NAMES = {"doi": "DOI", "arxiv": "arXiv id", "arxiv_id": "arXiv id"}


def provenance_rows(provenance: dict | None) -> list[tuple[str, str]]:
    """(label, text) of each provenance entry worth showing, known keys first."""
    provenance = provenance or {}
    known = [key for key in LABELS if key in provenance]
    others = sorted(key for key in provenance if key not in LABELS)
    rows = []
    for key in (*known, *others):
        if key in HIDDEN:
            continue
        text = _text(key, provenance[key], provenance)
        if text:
            rows.append((LABELS.get(key) or _readable(key), text))
    return rows


def _text(key: str, value: Any, provenance: dict) -> str:
    if key == "in_survey" and isinstance(value, str):
        return review_evidence(value)
    if key == "metadata_check" and isinstance(value, dict):
        return metadata_check(value)
    if key == "authors_as_given" and value:
        count = provenance.get("author_count")
        many = isinstance(count, int) and count > 1
        return f"{_plain(value)} ({count} in all)" if many else _plain(value)
    return _plain(value)


def review_evidence(value: str) -> str:
    """ "verified-table3 (row)" -> "Verified in the review's Table 3 (row)"."""
    for code, words in _REVIEW_EVIDENCE.items():
        if value == code or value.startswith(f"{code} "):
            return words + value[len(code) :]
    return _sentence(value)


def metadata_check(check: dict) -> str:
    """How the metadata was checked: the outcome, the sources, the fields
    corrected and the checker's note, as one or two sentences."""
    status = str(check.get("status") or "checked")
    against = str(check.get("checked_against") or "").strip()
    opening = _CHECK_STATUS.get(status, f"{_sentence(status)} against")
    text = f"{opening} {against}" if against else _sentence(status)
    corrected = check.get("fields_corrected") or []
    if not isinstance(corrected, list | tuple):
        corrected = [corrected]  # written free-form through the API
    fields = [_FIELD_NAMES.get(str(f), str(f)) for f in corrected]
    if fields:
        text += f"; fields corrected: {', '.join(fields)}"
    note = str(check.get("note") or "").strip()
    extra = {
        k: v
        for k, v in check.items()
        if k not in {"status", "checked_against", "fields_corrected", "note"} and v
    }
    sentences = [text, _sentence(note)] + [
        f"{_readable(k)}: {_plain(v)}" for k, v in extra.items()
    ]
    return " ".join(_stop(s) for s in sentences if s)


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{_readable(k)}: {_plain(v)}" for k, v in value.items() if v)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value if _plain(v))
    return str(value)


def _readable(key: str) -> str:
    return _sentence(str(key).replace("_", " "))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stop(text: str) -> str:
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."
