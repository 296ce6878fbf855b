"""Importing a .bib file: parse, match, report, then write all of it or nothing.

One service behind the three ways in (``manage.py import_bibtex``, the API and
the curator page). Every entry gets an outcome: created, updated (a known paper
gained an identifier), duplicate, skipped (a proceedings or book volume that
other entries cross-reference: its fields went to them) or error. Any problem
anywhere means nothing is written; a dry run reports the same without writing.

Imported papers are published at once: the curator has seen the report (the
preview) before confirming, and the change log and each label's source
("import") say where the paper came from. Lookups are bulk (one query per
identifier kind, chunked) and rows are bulk-created, so a large file costs a
small, fixed number of queries per thousand entries.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import DatabaseError, IntegrityError, connection, transaction

from papers.bibtex import (
    BibRecord,
    ParseProblem,
    PersonName,
    is_field_name,
    parse_bibtex,
)
from papers.bibtex.matching import Decision, WorkIndex, plan_import
from papers.bibtex.write import implied_protection
from papers.models import MAX_AUTHORS, Author, Paper, Status, Venue
from papers.services.bibtex_import.lookup import UsedKeys, clean_key, database_works
from papers.services.bibtex_import.search_documents import SearchDocuments
from papers.services.bibtex_import.writing import (
    NAME_PARTS,
    keyword_labels,
    write_plan,
)

# Fields the import sets to values valid by construction; uniqueness is checked
# in bulk by the matching, and the database constraints stand behind both.
_SET_BY_IMPORT = [
    "venue", "abstract", "extra", "status", "provenance", "authors_text", "et_al",
    "version", "confidence", "survey_inclusion", "cite_count", "published_on",
]  # fmt: skip
_NAME_LIMITS = {part: Author._meta.get_field(part).max_length for part in NAME_PARTS}
OUTCOMES = ("created", "updated", "duplicate", "skipped", "error")
Progress = Callable[[str, int, int], None]
_VOLUME_TYPES = {"proceedings", "book", "collection", "mvbook", "mvproceedings"}


@dataclass(frozen=True)
class EntryOutcome:
    """What happened to one entry of the file."""

    key: str | None
    line: int | None
    outcome: str  # one of OUTCOMES
    paper_key: str | None
    message: str


@dataclass
class ImportReport:
    """Every entry's outcome, every problem, and whether anything was written."""

    entries: list[EntryOutcome] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when the file has no problem and no entry failed."""
        return not self.problems and all(e.outcome != "error" for e in self.entries)

    @property
    def counts(self) -> dict[str, int]:
        """Entries per outcome (every outcome present, zero included)."""
        found = Counter(entry.outcome for entry in self.entries)
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}


class _CollectorPause:
    """Python's cyclic garbage collector off while imports run (one or more).

    An import builds a few hundred thousand objects that all stay alive until
    it returns, and what it drops is freed by reference counting: the
    collector's passes over them find nothing, yet cost about a tenth of a
    large import's time. Cycles left meanwhile are collected once it is back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._resume:
                    gc.enable()


collector_paused = _CollectorPause()


@dataclass
class _Plan:
    decisions: list[Decision]
    papers: dict[int, dict]  # id(decision) -> field values, for created ones
    skipped: list[BibRecord]
    labels: dict[int, list[int]]  # id(decision) -> node ids, for created ones


@collector_paused()
def bibtex_import(
    *,
    data: bytes | str,
    actor: Any,
    dry_run: bool = False,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the entries of a .bib file; see the module docstring.

    ``max_bytes`` defaults to settings.BIBTEX_MAX_UPLOAD_BYTES. ``progress`` is
    called as (stage, done, total) with stage "parsed", "matched" or "written".
    """
    notify = progress or (lambda stage, done, total: None)
    limit = settings.BIBTEX_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    parsed = parse_bibtex(data, max_bytes=limit)
    notify("parsed", len(parsed.records), len(parsed.records))
    report = ImportReport(problems=list(parsed.problems))
    records, skipped = _split_volumes(parsed.records, parsed.crossref_parents)
    ahead = not dry_run and not report.problems
    with _documents_ahead(records if ahead else []) as documents:
        plan = _plan(records, skipped, report, notify)
        report.entries = _outcomes(plan, report.problems)
        if report.ok and not dry_run:
            try:
                _write(plan, actor=actor, notify=notify, documents=documents)
            except WriteRefused as error:
                problem = ParseProblem(key=None, line=None, message=str(error))
                report.problems.append(problem)
            else:
                report.written = True
    return report


#: From how many entries an import computes search documents ahead.
DOCUMENTS_AHEAD_FROM = 500


def _documents_ahead(records: list[BibRecord]):
    """SearchDocuments for the records of a large import on PostgreSQL, else
    nothing (each paper's document is then computed as its row is inserted)."""
    if connection.vendor != "postgresql" or len(records) < DOCUMENTS_AHEAD_FROM:
        return nullcontext()
    return SearchDocuments(
        [(r.title, r.abstract, authors_text(unique(r.authors))) for r in records]
    )


def authors_text(authors) -> str:
    """The paper's authors_text: the names as displayed, separated by "; "."""
    return "; ".join(name.display for name in authors)


def _split_volumes(records: list[BibRecord], parents: set[str]):
    """Separate proceedings/book volumes that other entries cross-reference."""
    keep, skipped = [], []
    for record in records:
        volume = record.entry_type in _VOLUME_TYPES
        cross_referenced = record.key.casefold() in parents
        (skipped if volume and cross_referenced else keep).append(record)
    return keep, skipped


def _plan(records, skipped, report: ImportReport, notify: Progress) -> _Plan:
    index = WorkIndex()
    for work in database_works(records):
        index.add(work)
    decisions = plan_import(records, index, UsedKeys(records), clean_key=clean_key)
    notify("matched", len(decisions), len(decisions))
    papers = {}
    for decision in decisions:
        if decision.outcome == "created":
            paper = _new_paper(decision, report.problems)
            if paper is not None:
                papers[id(decision)] = paper
    return _Plan(
        decisions=decisions,
        papers=papers,
        skipped=skipped,
        labels=_labels(decisions, papers),
    )


def _labels(decisions: list[Decision], papers: dict[int, dict]) -> dict[int, list]:
    """The nodes each created paper's keywords name (writing.keyword_labels);
    a keyword written as a node that is none is noted in the entry's message."""
    created = [d for d in decisions if id(d) in papers]
    labels, unknown = keyword_labels([papers[id(d)]["extra"] for d in created])
    for decision, words in zip(created, unknown, strict=True):
        if words:
            quoted = ", ".join(f"'{word}'" for word in words)
            note = f"keyword {quoted} names no taxonomy node: kept as a keyword"
            decision.message = (
                f"{decision.message}; {note}" if decision.message else note
            )
    return {id(d): found for d, found in zip(created, labels, strict=True)}


def _new_paper(decision: Decision, problems: list[ParseProblem]) -> dict | None:
    """The field values of a created entry's paper, or None after reporting why not."""
    _drop_repeated_authors(decision)
    record, work = decision.record, decision.work
    values = {
        "citation_key": work.key,
        "entry_type": record.entry_type,
        "title": record.title,
        "normalised_title": work.title_key[0],
        "title_protected": _explicit_protection(record),
        "abstract": record.abstract,
        "year": record.year,
        "month": record.month,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "publisher": record.publisher,
        "doi": work.doi or None,
        "arxiv_id": work.arxiv_id or None,
        "url": record.url,
        "et_al": record.et_al,
        "extra": dict(record.extra),
        "status": Status.PUBLISHED.value,
        "provenance": {"source": "BibTeX import", "entry": record.key},
        "authors_text": authors_text(record.authors),
    }
    messages = _author_errors(record) + _venue_errors(record)
    if not _surely_valid(values):
        # The model's own validation words the messages.
        paper = Paper(**values)
        try:
            paper.full_clean(
                exclude=_SET_BY_IMPORT,
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            messages += [
                f"{name}: {' '.join(m)}" for name, m in error.message_dict.items()
            ]
    for message in messages:
        text = f"entry '{record.key}' at line {record.line}: {message}"
        problems.append(ParseProblem(key=record.key, line=record.line, message=text))
    return None if messages else values


@dataclass(frozen=True)
class _Check:
    """What full_clean checks of one field the import fills."""

    name: str
    blank: bool
    length: int | None = None
    low: int | None = None
    high: int | None = None
    other: bool = False  # choices or a validator not read here (e.g. a URL)


def _field_checks() -> list[_Check]:
    checks = []
    for model_field in Paper._meta.concrete_fields:
        if model_field.name in _SET_BY_IMPORT or model_field.primary_key:
            continue
        limits = {}
        other = bool(model_field.choices)
        for validator in model_field.validators:
            kind = _LIMITS.get(type(validator))
            if kind is None:
                other = True
            else:
                limits[kind] = validator.limit_value
        checks.append(
            _Check(model_field.attname, model_field.blank, other=other, **limits)
        )
    return checks


_LIMITS = {MaxLengthValidator: "length", MinValueValidator: "low"}
_LIMITS[MaxValueValidator] = "high"
_FIELD_CHECKS = _field_checks()


def _surely_valid(values: dict) -> bool:
    """True when full_clean could find nothing wrong with these values.

    Checking lengths and ranges directly is much cheaper than full_clean; a
    value it cannot vouch for goes to full_clean, which words the message.
    """
    for check in _FIELD_CHECKS:
        value = values.get(check.name)
        if value is None or value == "":
            if check.blank:
                continue
            return False
        if check.other or (check.length is not None and len(value) > check.length):
            return False
        if check.low is not None and value < check.low:
            return False
        if check.high is not None and value > check.high:
            return False
    # Paper.clean's own rule for the other BibTeX fields.
    return all(is_field_name(name) for name in values["extra"])


def _explicit_protection(record: BibRecord) -> str:
    """The braced title, unless the braces are the ones export adds anyway."""
    if record.title_protected == implied_protection(record.title):
        return ""
    return record.title_protected


def _author_errors(record: BibRecord) -> list[str]:
    if len(record.authors) > MAX_AUTHORS:
        return [f"{len(record.authors)} authors: no more than {MAX_AUTHORS} are kept"]
    errors = []
    for position, name in enumerate(record.authors, start=1):
        if not name.family:
            errors.append(f"author {position} has no family name")
        for part, limit in _NAME_LIMITS.items():
            if len(getattr(name, part)) > limit:
                errors.append(f"author {position}: {part} is over {limit} characters")
    return errors


def _drop_repeated_authors(decision: Decision) -> None:
    """Keep one authorship per name: the database links a person to a paper once.

    Two co-authors with identical names cannot be told apart by their name
    parts, so the repeat is dropped and the entry's message says so.
    """
    authors = decision.record.authors
    kept = unique(authors)
    if len(kept) == len(authors):
        return
    repeated = sorted({n.display for n in authors if authors.count(n) > 1})
    decision.record = replace(decision.record, authors=kept)
    note = f"author {', '.join(repeated)} listed more than once; kept once"
    decision.message = f"{decision.message}; {note}" if decision.message else note


def unique(authors: tuple[PersonName, ...]) -> tuple[PersonName, ...]:
    """The authors with each name kept once, at its first place."""
    return tuple(dict.fromkeys(authors))


def _venue_errors(record: BibRecord) -> list[str]:
    limit = Venue._meta.get_field("name").max_length
    return [f"venue is over {limit} characters"] if len(record.venue) > limit else []


def _outcomes(plan: _Plan, problems: list[ParseProblem]) -> list[EntryOutcome]:
    """Outcomes in file order: an error for each entry with problems, else the plan's.

    Problems with no entry key (the file as a whole, an entry without a key)
    stay in the report's problems only.
    """
    failed: dict[tuple, list[str]] = {}
    for problem in problems:
        if problem.key is not None:
            failed.setdefault((problem.key, problem.line), []).append(problem.message)
    entries = [
        EntryOutcome(key, line, "error", None, "; ".join(messages))
        for (key, line), messages in failed.items()
    ]
    for decision in plan.decisions:
        record = decision.record
        if (record.key, record.line) not in failed:
            entries.append(_decision_outcome(decision))
    for record in plan.skipped:
        message = "a volume other entries cross-reference; its fields went to them"
        entries.append(EntryOutcome(record.key, record.line, "skipped", None, message))
    return sorted(entries, key=lambda entry: entry.line or 0)


def _decision_outcome(decision: Decision) -> EntryOutcome:
    record = decision.record
    return EntryOutcome(
        key=record.key,
        line=record.line,
        outcome=decision.outcome,
        paper_key=decision.work.key,
        message=decision.message,
    )


class WriteRefused(Exception):
    """The database refused the import's write; nothing stayed. The message
    says why: a concurrent write took what the import needed, or another
    error the database reported."""


def _write(
    plan: _Plan, *, actor: Any, notify: Progress, documents: SearchDocuments | None
) -> None:
    """Write the whole plan in one transaction, or nothing."""
    created = [d for d in plan.decisions if d.outcome == "created"]
    updated = [d for d in plan.decisions if d.outcome == "updated"]
    papers = [plan.papers[id(d)] for d in created]
    labels = [plan.labels[id(d)] for d in created]
    try:
        with transaction.atomic():
            write_plan(
                created,
                papers,
                updated,
                labels=labels,
                actor=actor,
                notify=notify,
                documents=documents,
            )
    except IntegrityError as error:
        # The lookups saw the key or identifier free; a concurrent write took it.
        message = (
            f"the database changed during the import, nothing was written: {error}"
        )
        raise WriteRefused(message) from error
    except DatabaseError as error:
        message = f"the database refused the import, nothing was written: {error}"
        raise WriteRefused(message) from error
