"""The record types shared by the BibTeX parser, the writers and the rest of the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class PersonName(NamedTuple):
    """One author or editor, split the BibTeX way into its four parts.

    A named tuple: exports meet hundreds of thousands of names, and a tuple is
    made and hashed (as a memo key) in C.
    """

    given: str = ""
    family: str = ""
    von: str = ""
    suffix: str = ""

    @property
    def is_corporate(self) -> bool:
        """True for an institution written as one braced family name."""
        return not (self.given or self.von or self.suffix) and " " in self.family

    @property
    def display(self) -> str:
        """The name in reading order, e.g. "Aaron van den Oord"."""
        text = " ".join(part for part in (self.given, self.von, self.family) if part)
        return f"{text}, {self.suffix}" if self.suffix else text

    @property
    def bibtex(self) -> str:
        """The name in BibTeX order, e.g. "van den Oord, Aaron" (Unicode, unescaped)."""
        from papers.bibtex.names import format_name

        return format_name(self)


@dataclass(slots=True)
class BibRecord:
    """One bibliography entry with Unicode values; see the field comments."""

    key: str
    entry_type: str
    title: str
    title_protected: str = ""
    authors: tuple[PersonName, ...] = ()
    et_al: bool = False
    year: int | None = None
    month: int | None = None
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    abstract: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # Where the entry sat in its source file: not part of the record's identity.
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ParseProblem:
    """Something in a .bib file that stops it from being imported as is."""

    key: str | None
    line: int | None
    message: str


@dataclass
class ParseResult:
    """The records read from a file and every problem found on the way."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    #: Keys (case-folded) of entries that other entries name in their crossref.
    crossref_parents: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when the file can be imported: it has records and no problems."""
        return bool(self.records) and not self.problems
