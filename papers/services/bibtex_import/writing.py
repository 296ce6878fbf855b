"""Writing an import plan: venues, authors, papers, authorships, labels, updates.

Rows are bulk-created in batches; every created or changed row gets a change-log
row (action "import"). The caller runs this inside one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.db.models import F, Model
from django.db.models.functions import Lower
from django.utils import timezone

from history.models import Action, Change
from history.services import change_record
from papers.bibtex import BibRecord
from papers.bibtex.matching import Decision
from papers.models import (
    Author,
    Authorship,
    Label,
    LabelSource,
    Paper,
    Venue,
    VenueKind,
)
from papers.services.bibtex_import.lookup import BATCH, chunks
from taxonomy.models import Kind, Node, Provenance

NAME_PARTS = ("given", "von", "family", "suffix")
_VENUE_KINDS = {
    "article": VenueKind.JOURNAL,
    "inproceedings": VenueKind.CONFERENCE,
    "conference": VenueKind.CONFERENCE,
    "proceedings": VenueKind.CONFERENCE,
    "phdthesis": VenueKind.THESIS,
    "mastersthesis": VenueKind.THESIS,
    "thesis": VenueKind.THESIS,
}
_PREPRINT_VENUES = {"arxiv", "arxiv preprint", "arxiv e-prints", "corr"}
_LOGGED_FIELDS = ("citation_key", "title", "year", "doi", "arxiv_id")


def write_plan(
    created: list[Decision],
    papers: list[Paper],
    updated: list[Decision],
    *,
    actor: Any,
    notify: Callable[[str, int, int], None],
) -> None:
    """Create the new papers with their relations and update the known ones."""
    records = [decision.record for decision in created]
    venues = _venues(records, actor)
    authors = _authors(records, actor)
    for record, paper in zip(records, papers, strict=True):
        venue = venues.get(record.venue.lower())
        paper.venue_id = venue.pk if venue else None
    for start in range(0, len(papers), BATCH):
        Paper.objects.bulk_create(papers[start : start + BATCH])
        notify("written", min(start + BATCH, len(papers)), len(papers))
    _create_authorships(records, papers, authors)
    _create_labels(records, papers, actor)
    log_imports(
        actor,
        (
            (paper, {name: [None, getattr(paper, name)] for name in _LOGGED_FIELDS})
            for paper in papers
        ),
    )
    _update_known(updated, actor)


def log_imports(actor: Any, entries: Iterable[tuple[Model, dict]]) -> None:
    """One change-log row (action "import") per written row, inserted in bulk.

    The rows are those history.services.change_record writes; one INSERT per
    thousand rows instead of one per row keeps a large import fast.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    rows = (
        Change(
            actor=user,
            action=Action.IMPORT,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:300],
            changes=changes,
        )
        for target, changes in entries
    )
    while batch := list(islice(rows, BATCH)):
        Change.objects.bulk_create(batch)


def _venues(records: list[BibRecord], actor: Any) -> dict[str, Venue]:
    """Venues by lower-case name (matched ignoring case), created where missing."""
    wanted: dict[str, BibRecord] = {}
    for record in records:
        if record.venue:
            wanted.setdefault(record.venue.lower(), record)
    found = {}
    for chunk in chunks(sorted(wanted)):
        rows = Venue.objects.annotate(folded=Lower("name")).filter(folded__in=chunk)
        found.update({venue.name.lower(): venue for venue in rows})
    missing = [_new_venue(r) for name, r in wanted.items() if name not in found]
    Venue.objects.bulk_create(missing, batch_size=BATCH)
    for venue in missing:
        change_record(
            actor=actor,
            action=Action.IMPORT,
            target=venue,
            changes={"name": venue.name},
        )
        found[venue.name.lower()] = venue
    return found


def _new_venue(record: BibRecord) -> Venue:
    kind = _VENUE_KINDS.get(record.entry_type, VenueKind.OTHER)
    if record.venue.lower() in _PREPRINT_VENUES:
        kind = VenueKind.PREPRINT
    return Venue(name=record.venue, kind=kind)


def name_parts(name) -> tuple[str, str, str, str]:
    return (name.given, name.von, name.family, name.suffix)


def _authors(records: list[BibRecord], actor: Any) -> dict[tuple, int]:
    """Author ids by their four name parts, created where missing."""
    wanted = {name_parts(name) for record in records for name in record.authors}
    found: dict[tuple, int] = {}
    for chunk in chunks(sorted({parts[2] for parts in wanted})):
        rows = Author.objects.filter(family__in=chunk)
        for pk, *parts in rows.values_list("pk", *NAME_PARTS):
            found[tuple(parts)] = pk
    missing = [
        Author(**dict(zip(NAME_PARTS, parts, strict=True)))
        for parts in sorted(wanted - set(found))
    ]
    Author.objects.bulk_create(missing, batch_size=BATCH)
    log_imports(
        actor,
        ((a, {name: getattr(a, name) for name in NAME_PARTS}) for a in missing),
    )
    found.update({name_parts(author): author.pk for author in missing})
    return found


def _create_authorships(records, papers: list[Paper], authors) -> None:
    rows = [
        Authorship(
            paper_id=paper.pk, author_id=authors[name_parts(name)], position=position
        )
        for record, paper in zip(records, papers, strict=True)
        for position, name in enumerate(record.authors)
    ]
    Authorship.objects.bulk_create(rows, batch_size=5 * BATCH)


def _create_labels(records, papers: list[Paper], actor: Any) -> None:
    """Labels for keywords written "kind:slug" that name a taxonomy node."""
    wanted = [node_references(r.extra.get("keywords", "")) for r in records]
    slugs = {slug for references in wanted for _, slug in references}
    if not slugs:
        return
    nodes = {(n.kind, n.slug): n for n in Node.objects.filter(slug__in=slugs)}
    user = actor if getattr(actor, "is_authenticated", False) else None
    labels = [
        Label(
            paper=paper,
            node=nodes[reference],
            source=LabelSource.IMPORT,
            provenance=Provenance.CURATED,
            evidence="BibTeX keywords",
            created_by=user,
        )
        for paper, references in zip(papers, wanted, strict=True)
        for reference in references
        if reference in nodes
    ]
    Label.objects.bulk_create(labels, batch_size=BATCH)


def node_references(keywords: str) -> list[tuple[str, str]]:
    """The (kind, slug) pairs among keywords written like "modality:image"."""
    references = []
    for word in re.split(r"[,;]", keywords):
        kind, _, slug = word.strip().partition(":")
        if kind in Kind.values and slug and (kind, slug) not in references:
            references.append((kind, slug))
    return references


def _update_known(updated: Iterable[Decision], actor: Any) -> None:
    """Add the identifiers the import found to papers already in the database."""
    additions: dict[int, dict[str, str]] = {}
    for decision in updated:
        additions.setdefault(decision.work.pk, {}).update(decision.work.added)
    for pk, added in additions.items():
        before = Paper.objects.get(pk=pk)
        changes = {
            name: [getattr(before, name), value] for name, value in added.items()
        }
        Paper.objects.filter(pk=pk).update(
            **added, version=F("version") + 1, updated=timezone.now()
        )
        change_record(actor=actor, action=Action.IMPORT, target=before, changes=changes)
