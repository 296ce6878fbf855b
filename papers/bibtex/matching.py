"""Deciding what each imported record is: a new work, or one already known.

Pure planning over plain data (no Django here): the import service fills a
:class:`WorkIndex` with the papers of the database that could match, and
:func:`plan_import` walks the records in file order, matching each against the
database and the earlier entries of the file by DOI, then arXiv id, then
normalised title + first author's family name + year. A preprint and its
published version are one work: the identifier one of them lacks is added to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from papers.bibtex.identifiers import normalise_title
from papers.bibtex.records import BibRecord, PersonName

TitleKey = tuple[str, str, int | None]
#: Identifier fields a match may add to a known work, in the order they are tried.
IDENTIFIERS = ("doi", "arxiv_id")
_HOW = {
    "doi": "DOI",
    "arxiv_id": "arXiv id",
    "title": "title, first author and year",
    "version": "title and first author, as preprint and published version",
}
_KEY_SUFFIXES = "bcdefghijklmnopqrstuvwxyz"


_PREPRINT_VENUES = {"", "arxiv", "arxiv preprint", "arxiv e-prints", "corr"}
# DataCite DOIs that arXiv gives its preprints: another name for the arXiv id.
_ARXIV_DOI = "10.48550/arxiv."
#: How many years a published version may follow (or precede) its preprint.
PREPRINT_YEARS = 2


def is_preprint(arxiv_id: str, doi: str, venue: str) -> bool:
    """An arXiv paper with no DOI and no venue besides arXiv itself."""
    return bool(arxiv_id) and not doi and venue.strip().lower() in _PREPRINT_VENUES


def title_key(title: str, authors: Iterable[PersonName], year: int | None) -> TitleKey:
    """The fuzzy identity of a work: normalised title, first family name, year."""
    first = next(iter(authors), None)
    family = normalise_title(f"{first.von} {first.family}") if first else ""
    return normalise_title(title), family, year


@dataclass(eq=False)
class Work:
    """A paper in the database (``pk`` set) or one planned from an earlier entry."""

    key: str
    doi: str = ""
    arxiv_id: str = ""
    title_key: TitleKey | None = None
    pk: int | None = None
    preprint: bool = False
    record: BibRecord | None = None
    #: Identifiers the import adds to a paper already in the database.
    added: dict[str, str] = field(default_factory=dict)


@dataclass
class Decision:
    """What the import does with one record."""

    record: BibRecord
    outcome: str  # "created" | "updated" | "duplicate"
    work: Work
    message: str = ""


class WorkIndex:
    """Known works by DOI, arXiv id and title key."""

    def __init__(self) -> None:
        self.by_doi: dict[str, Work] = {}
        self.by_arxiv: dict[str, Work] = {}
        self.by_title: dict[TitleKey, Work] = {}
        # Title and first author without the year, for preprints and their
        # published versions, which often appear a year apart.
        self.by_work: dict[tuple[str, str], list[Work]] = {}

    def add(self, work: Work) -> None:
        if work.doi:
            self.by_doi.setdefault(work.doi, work)
        if work.arxiv_id:
            self.by_arxiv.setdefault(work.arxiv_id, work)
        # Without a first author a title says too little ("Editorial", "Preface").
        if work.title_key is not None and work.title_key[1]:
            self.by_title.setdefault(work.title_key, work)
            same = self.by_work.setdefault(work.title_key[:2], [])
            if work not in same:
                same.append(work)

    def find(self, record: BibRecord, key: TitleKey) -> tuple[Work | None, str]:
        """The known work the record is, and how it matched ("" when none)."""
        if record.doi and record.doi in self.by_doi:
            return self.by_doi[record.doi], "doi"
        if record.arxiv_id and record.arxiv_id in self.by_arxiv:
            return self.by_arxiv[record.arxiv_id], "arxiv_id"
        if key in self.by_title and not _conflict(self.by_title[key], record):
            return self.by_title[key], "title"
        preprint = is_preprint(record.arxiv_id, record.doi, record.venue)
        for work in self.by_work.get(key[:2], ()):
            close = close_years(work.title_key[2], key[2])
            if work.preprint != preprint and close and not _conflict(work, record):
                return work, "version"
        return None, ""


def _conflict(work: Work, record: BibRecord) -> bool:
    """Whether two different DOIs or arXiv ids make same-titled entries two works."""
    dois = {work.doi, record.doi} - {""}
    if len(dois) == 2 and not any(d.startswith(_ARXIV_DOI) for d in dois):
        return True
    return bool(work.arxiv_id and record.arxiv_id and work.arxiv_id != record.arxiv_id)


def close_years(one: int | None, other: int | None) -> bool:
    """Whether two years may be a preprint's and its published version's."""
    return one is None or other is None or abs(one - other) <= PREPRINT_YEARS


def plan_import(
    records: Iterable[BibRecord],
    index: WorkIndex,
    key_taken: Callable[[str], bool],
    clean_key: Callable[[str], str] = str,
) -> list[Decision]:
    """One decision per record, in order.

    ``key_taken`` tells whether a citation key is used outside the file;
    ``clean_key`` turns an entry's key into one the caller can store.
    """
    planned: set[str] = set()
    decisions = []
    created: dict[int, Decision] = {}  # id(work) -> the decision creating it
    for record in records:
        key = title_key(record.title, record.authors, record.year)
        work, how = index.find(record, key)
        if work is None:
            wanted = clean_key(record.key)
            taken = lambda k: k.casefold() in planned or key_taken(k)  # noqa: E731
            decision = _new_work(record, key, wanted, taken)
            planned.add(decision.work.key.casefold())
            index.add(decision.work)
            created[id(decision.work)] = decision
            decisions.append(decision)
            continue
        # A preprint planned from an earlier entry, met by its published
        # version (a year later, or the same year by title and first author).
        published_after_preprint = (
            work.pk is None
            and work.preprint
            and how in ("version", "title")
            and not is_preprint(record.arxiv_id, record.doi, record.venue)
        )
        decision = _same_work(record, work, how, index)
        if published_after_preprint:
            _published_version_leads(created[id(work)], decision)
        decisions.append(decision)
    return decisions


def _published_version_leads(preprint: Decision, published: Decision) -> None:
    """A preprint created from an earlier entry of the file and its published
    version in a later one: the paper is made from the published version's
    fields (its venue, year, pages), with the preprint's arXiv id and the key
    already planned; the preprint's entry becomes the duplicate."""
    work = preprint.work
    work.preprint, work.record = False, published.record
    published.outcome, preprint.outcome = "created", "duplicate"
    published.message = (
        f"published version of the preprint '{preprint.record.key}' at line "
        f"{preprint.record.line}: the paper takes this entry's fields, the "
        f"preprint's arXiv id and the key '{work.key}'"
    )
    preprint.message = (
        f"same work as '{work.key}' (matched by {_HOW['version']}); its published "
        f"version at line {published.record.line} gives the paper's fields"
    )


def _new_work(record: BibRecord, key: TitleKey, wanted: str, taken) -> Decision:
    citation_key, message = free_key(wanted, taken)
    if wanted != record.key and not message:
        message = (
            f"citation key '{record.key}' has characters a link cannot hold; "
            f"imported as '{citation_key}'"
        )
    work = Work(
        key=citation_key,
        doi=record.doi,
        arxiv_id=record.arxiv_id,
        title_key=key,
        preprint=is_preprint(record.arxiv_id, record.doi, record.venue),
        record=record,
    )
    return Decision(record=record, outcome="created", work=work, message=message)


def free_key(key: str, taken: Callable[[str], bool]) -> tuple[str, str]:
    """The key itself if free, else the first free one with a suffix, and why."""
    if not taken(key):
        return key, ""
    candidates = [key + letter for letter in _KEY_SUFFIXES]
    candidates += [f"{key}-{number}" for number in range(2, 1000)]
    new = next(candidate for candidate in candidates if not taken(candidate))
    return new, f"citation key '{key}' is taken by another work; imported as '{new}'"


def _same_work(record: BibRecord, work: Work, how: str, index: WorkIndex) -> Decision:
    added, notes = {}, []
    for name in IDENTIFIERS:
        value, current = getattr(record, name), getattr(work, name)
        if not value or value == current:
            continue
        owner = (index.by_doi if name == "doi" else index.by_arxiv).get(value)
        if current:
            notes.append(f"its {_HOW[name]} {value} differs from {current}, kept")
            continue
        if owner is not None:
            notes.append(f"its {_HOW[name]} {value} belongs to '{owner.key}'")
            continue
        added[name] = value
        setattr(work, name, value)
        index.add(work)
    message = f"same work as '{work.key}' (matched by {_HOW[how]})"
    if added:
        listed = " and ".join(f"{_HOW[name]} {value}" for name, value in added.items())
        message += f"; {listed} added to it"
    if notes:
        message += "; " + "; ".join(notes)
    if work.pk is not None and added:
        work.added.update(added)
        return Decision(record=record, outcome="updated", work=work, message=message)
    return Decision(record=record, outcome="duplicate", work=work, message=message)
