"""Normalisation of DOIs, arXiv ids, titles, years and months."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from papers.bibtex.latex import decode

_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:(?:www\.|dx\.)?doi\.org|doi\.acm\.org)/|doi\.org/"
    r"|doi:\s*|doi\s+)",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
#: Characters a citation key may not hold, besides spaces: each breaks a BibTeX
#: key, a pandoc citation or a link to the paper's page.
KEY_UNSAFE = ",{}()=\"#%'\\~/?&<>|^"
KEY_PATTERN = re.compile(rf"[^\s{re.escape(KEY_UNSAFE)}]+")
KEY_UNSAFE_CHARACTER = re.compile(rf"[\s{re.escape(KEY_UNSAFE)}]")
#: How a DOI reads, for the messages that refuse one.
DOI_FORM = "a DOI reads 10.<registrant, 4 to 9 digits>/<suffix>, as 10.1145/3545572"
ARXIV_FORM = "an arXiv id reads as 2101.00001 or as hep-th/9901001"

_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z]+(?:-[a-z]+)*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.I)
ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf)/([a-z\-]+(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})",
    re.IGNORECASE,
)

MONTH_MACROS = (
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def normalise_doi(value: str) -> str:
    """Lower-case a DOI and strip any resolver URL or ``doi:`` prefix (a DOI
    taken from an address has its escapes undone: %2F is /)."""
    text = value.strip().replace("{", "").replace("}", "")
    bare = _DOI_PREFIX.sub("", text).strip()
    if bare != text and "%" in bare:
        bare = unquote(bare)
    return bare.lower()


def normalise_arxiv_id(value: str) -> str:
    """Return the bare arXiv id (no version, prefix or URL), or "" if there is none."""
    text = _ARXIV_PREFIX.sub("", value.strip().replace("{", "").replace("}", ""))
    text = re.sub(r"\.pdf$", "", text.strip(), flags=re.IGNORECASE)
    if match := _ARXIV_NEW.match(text):
        return match.group(1)
    if match := _ARXIV_OLD.match(text):
        archive, number = match.group(1).split("/")
        head, _, subject = archive.partition(".")
        return f"{head.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    return ""


def normalise_title(value: str) -> str:
    """Reduce a title to a key for duplicate matching.

    Case, accents, punctuation, braces and LaTeX markup are all ignored.
    """
    if value.isascii() and "\\" not in value and "$" not in value:
        text = _NON_WORD.sub(" ", value.replace("{", "").replace("}", "").lower())
        return " ".join(text.split())
    text = decode(value) if "\\" in value or "$" in value else value
    text = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def parse_month(value: str) -> int | None:
    """Month number from "3", "03", "mar", "Mar.", "March" or "sept"; else None."""
    text = value.strip().rstrip(".").lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    if len(text) < 3:
        return None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if name.lower().startswith(text):
            return number
    return None


def parse_year(value: str) -> int | None:
    """The year as an int, or None when the value is not a plain number."""
    text = value.strip()
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None
