"""Writing :class:`BibRecord` objects as BibTeX, one entry at a time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from papers.bibtex.build import VENUE_FIELDS
from papers.bibtex.identifiers import MONTH_MACROS
from papers.bibtex.latex import (
    NAME_LIST_FIELDS,
    VERBATIM_FIELDS,
    collapse,
    escape,
    needs_escape,
)
from papers.bibtex.names import format_name
from papers.bibtex.records import BibRecord, PersonName

_ENCODINGS = ("latex", "unicode")
_KEY = re.compile(r"[^\s,{}()=\"#%'\\~]+")
_ENTRY_TYPE = re.compile(r"[a-z][a-z0-9_-]*")
_WORD = re.compile(r"[^\s]+")
#: A value verbatim() leaves as it is: no whitespace (any kind), backslash or brace.
_PLAIN_VERBATIM = re.compile(r"[^\s\\{}]+")
#: A whole word (of an ASCII title) with a capital letter past its first character.
_INNER_CAPITAL = re.compile(r"(?<!\S)(?=\S*?\S[A-Z])\S++")
#: A capital letter past a word's first character, anywhere.
_CAPITAL_PAST_START = re.compile(r"\S[A-Z]")
_WORD_CORE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$", re.DOTALL)
#: Fields written in the fixed head of every entry, in this order.
_HEAD = ("editor",)
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_:.+-]*")
_MAIN_FIELDS = frozenset(
    {"author", "title", "year", "month", "volume", "number", "pages", "publisher"}
    | {"doi", "url", "abstract", "crossref"}
)
_TAIL = ("address",)
_IDS = ("archiveprefix", "primaryclass")


def format_entry(record: BibRecord, *, encoding: str = "latex") -> str:
    """Write one record as a BibTeX entry, ending with a newline.

    ``encoding="latex"`` writes non-ASCII letters as LaTeX escapes; ``"unicode"``
    keeps UTF-8 (for biber). Either way every value is escaped so that no LaTeX
    command in it can run.
    """
    return _entry(record, encoding, {})


def iter_bibtex(
    records: Iterable[BibRecord], *, encoding: str = "latex"
) -> Iterator[str]:
    """Yield the entries of ``records`` one by one, separated by blank lines."""
    # Bibliographies repeat their authors, venues, publishers and volumes: each
    # is written once per run of SEEN_KEPT distinct values (a bound, so memory
    # stays flat on any size).
    seen: dict[PersonName | str, str] = {}
    for index, record in enumerate(records):
        if len(seen) > SEEN_KEPT:
            seen.clear()
        entry = _entry(record, encoding, seen)
        yield entry if index == 0 else "\n" + entry


SEEN_KEPT = 4096


def _entry(record: BibRecord, encoding: str, seen: dict[PersonName | str, str]) -> str:
    if encoding not in _ENCODINGS:
        raise ValueError(f"encoding must be one of {_ENCODINGS}, not {encoding!r}")
    if not _KEY.fullmatch(record.key):
        raise ValueError(f"cannot write the citation key {record.key!r} to BibTeX")
    if record.entry_type not in _CHECKED_TYPES:
        if not _ENTRY_TYPE.fullmatch(record.entry_type):
            raise ValueError(f"cannot write the entry type {record.entry_type!r}")
        _CHECKED_TYPES.add(record.entry_type)
    esc = _escape_latex if encoding == "latex" else _escape_unicode
    return f"@{record.entry_type}{{{record.key},\n{_fields(record, esc, seen)}}}\n"


#: Entry types found writable (a handful in any bibliography).
_CHECKED_TYPES: set[str] = set()


def _escape_latex(text: str, dashes: bool = True) -> str:
    return escape(text, latex=True, dashes=dashes)


def _escape_unicode(text: str, dashes: bool = True) -> str:
    return escape(text, latex=False, dashes=dashes)


def _fields(record: BibRecord, esc, seen: dict) -> str:
    """The entry's field lines ("  name = {value},"), in the conventional order."""
    extra = _writable_extra(record) if record.extra else {}
    lines = []
    add = lines.append
    if record.authors or record.et_al:
        add(f"  author = {_braced(_authors(record, esc, seen))},\n")
    add(f"  title = {_braced(_title(record, esc))},\n")
    venue_field = _venue_field(record)
    if venue_field:
        extra.pop(venue_field, None)
        add(f"  {venue_field} = {_repeated(record.venue, esc, seen)},\n")
    if extra:
        lines += _lines(_extra_fields(extra, _HEAD, esc))
    if record.year is not None:
        add(f"  year = {{{record.year}}},\n")
    if record.month is not None:
        add(f"  month = {_month(record)},\n")
    elif extra and "month" in extra:  # written as text: "Jun.-Jul."
        lines += _lines(_extra_fields(extra, ("month",), esc))
    # A value of whitespace only is no value (str.strip() as collapse() does).
    if record.volume.strip():
        add(f"  volume = {_repeated(record.volume, esc, seen)},\n")
    if record.number.strip():
        add(f"  number = {_repeated(record.number, esc, seen)},\n")
    if record.pages.strip():
        add(f"  pages = {_braced(esc(record.pages, False))},\n")
    if record.publisher.strip():
        add(f"  publisher = {_repeated(record.publisher, esc, seen)},\n")
    if extra:
        lines += _lines(_extra_fields(extra, _TAIL, esc))
    _identifiers(record, extra, esc, lines)
    if extra:
        lines += _lines(_extra_fields(extra, sorted(extra), esc))
    if record.abstract.strip():
        add(f"  abstract = {_braced(esc(record.abstract))},\n")
    return "".join(lines)


def _lines(fields: list[tuple[str, str]]) -> list[str]:
    return [f"  {name} = {value},\n" for name, value in fields]


def _repeated(value: str, esc, seen: dict[PersonName | str, str]) -> str:
    """A value many entries share, escaped and braced once per run."""
    written = seen.get(value)
    if written is None:
        written = seen[value] = _braced(esc(value))
    return written


def _braced(text: str) -> str:
    return "{" + text.strip() + "}"


def is_field_name(name: str) -> bool:
    """Whether BibTeX can carry a field of this name (any letter case)."""
    return bool(_FIELD_NAME.fullmatch(name.lower()))


def _writable_extra(record: BibRecord) -> dict[str, str]:
    """Extra fields worth writing; the record's own attributes win over them."""
    extra = {}
    for name, value in record.extra.items():
        name = name.lower()
        if not is_field_name(name):
            raise ValueError(f"cannot write the field name {name!r} to BibTeX")
        own = name in _MAIN_FIELDS and not (name == "month" and record.month is None)
        if not own and collapse(value):
            extra[name] = value
    return extra


def _month(record: BibRecord) -> str:
    """The month's macro (jan ... dec)."""
    if not 1 <= record.month <= 12:
        raise ValueError(f"month {record.month} of {record.key!r} is not 1..12")
    return MONTH_MACROS[record.month - 1]


def _extra_fields(extra: dict[str, str], names, esc) -> list[tuple[str, str]]:
    """Write and remove the listed extra fields that are present."""
    return [
        (name, _braced(_value(name, extra.pop(name), esc)))
        for name in list(names)
        if name in extra
    ]


def _value(name: str, value: str, esc) -> str:
    if name in VERBATIM_FIELDS:
        return verbatim(value)
    if name in NAME_LIST_FIELDS and "{" in value and _balanced(value):
        return _escape_keeping_braces(value, esc)
    return esc(value)


def verbatim(value: str) -> str:
    """A URL-like value, percent-encoding the characters that could break the file."""
    if _PLAIN_VERBATIM.fullmatch(value):
        return value  # most DOIs and URLs: nothing to collapse or encode
    text = collapse(value).replace("\\", "%5C").replace(" ", "%20")
    return text.replace("{", "%7B").replace("}", "%7D")


def _identifiers(record: BibRecord, extra, esc, lines: list[str]) -> None:
    """Add the lines of the identifiers (doi, eprint, url...) to lines."""
    add = lines.append
    if record.doi:
        add(f"  doi = {_braced(verbatim(record.doi))},\n")
    if record.arxiv_id:
        add(f"  eprint = {_braced(verbatim(record.arxiv_id))},\n")
        extra.pop("archiveprefix", None)
        add("  archiveprefix = {arXiv},\n")
    elif extra:
        lines += _lines(_extra_fields(extra, ("eprint", "archiveprefix"), esc))
    if extra:
        lines += _lines(_extra_fields(extra, ("primaryclass",), esc))
    if record.url:
        add(f"  url = {_braced(verbatim(record.url))},\n")
    extra.pop("url", None)


def _venue_field(record: BibRecord) -> str:
    """The field the venue is written to, or "" when the publisher already says it."""
    if not collapse(record.venue):
        return ""
    own = VENUE_FIELDS.get(record.entry_type)
    if own is None and record.venue == record.publisher:
        return ""
    return own or "howpublished"


def _authors(record: BibRecord, esc, seen: dict[PersonName | str, str]) -> str:
    written = []
    for name in record.authors:
        text = seen.get(name)
        if text is None:
            text = seen[name] = format_name(name, esc)
        written.append(text)
    if record.et_al:
        written.append("others")
    return " and ".join(written)


def _title(record: BibRecord, esc) -> str:
    if record.title_protected and _balanced(record.title_protected):
        return _escape_keeping_braces(record.title_protected, esc)
    title = record.title
    if title.isascii() and not needs_escape(title):
        # Most titles: nothing to escape, so only the words with a capital past
        # their first letter need looking at (_INNER_CAPITAL finds exactly those).
        title = " ".join(title.split())
        if not _CAPITAL_PAST_START.search(title):
            return title  # no word to brace (the common case)
        return _INNER_CAPITAL.sub(_protect_match, title)
    words = title.split()  # the same words as _WORD finds
    if all(word[1:] == word[1:].lower() for word in words):
        # No capital past a word's first letter: no word needs braces, and
        # escaping is character by character, so the words escape as one text.
        return esc(" ".join(words))
    return " ".join(_protect_word(word, esc) for word in words)


def _protect_match(match: re.Match[str]) -> str:
    return _protect_word(match.group(), str)


def implied_protection(title: str) -> str:
    """The braces the writer adds to a title that has no title_protected.

    A record whose title_protected equals this needs none stored: writing it
    gives the same entry.
    """
    return " ".join(_protect_word(word, str) for word in _WORD.findall(title))


def _balanced(text: str) -> bool:
    """Whether the braces of text pair up, so that keeping them cannot close the
    field early; an unbalanced protected title is not used (the title is)."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _escape_keeping_braces(text: str, esc) -> str:
    pieces = re.split(r"([{}])", text)
    return "".join(p if p in ("{", "}") else esc(p) for p in pieces)


def _protect_word(word: str, esc) -> str:
    """Brace a word whose capitals a bibliography style must not lower-case."""
    rest = word[1:]
    if rest == rest.lower():  # no capital past the first letter: nothing to keep
        return esc(word)
    lead, core, trail = _WORD_CORE.match(word).groups()
    if any(char.isupper() for char in core[1:]):
        return f"{esc(lead)}{{{esc(core)}}}{esc(trail)}"
    return esc(word)
