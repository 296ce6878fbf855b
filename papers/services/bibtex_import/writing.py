"""Writing an import plan: venues, authors, papers, authorships, labels, updates.

Rows are bulk-created in batches; every created or changed row gets a change-log
row (action "import"). The caller runs this inside one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import F, JSONField, Model
from django.db.models.functions import Lower
from django.utils import timezone
from psycopg import pq
from psycopg.adapt import Dumper

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
from papers.services.bibtex_import.search_documents import SearchDocuments
from papers.services.bibtex_import.search_index import MergedAside
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
_KINDS = frozenset(Kind.values)
_JSONB_OID, _TSVECTOR_OID = 3802, 3614  # fixed oids of built-in types


def write_plan(
    created: list[Decision],
    papers: list[dict],
    updated: list[Decision],
    *,
    labels: list[list[int]],
    actor: Any,
    notify: Callable[[str, int, int], None],
    documents: SearchDocuments | None = None,
) -> None:
    """Create the new papers (rows of field values) with their relations and
    update the known ones; on PostgreSQL the papers bring the search
    documents computed ahead, if any (see search_index for what else a large
    import does then).

    On PostgreSQL the papers' ids are drawn from their sequence first, so the
    rows that refer to them (authorships, labels, change log) go in while the
    documents may still be computed, and the papers last (the foreign keys
    are deferred: they are checked once every row is in). Elsewhere the
    papers go in first, for their ids.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    records = [decision.record for decision in created]
    venues = _venues(records, user)
    authors = _authors(records, user)
    for record, paper in zip(records, papers, strict=True):
        paper["venue_id"] = venues.get(record.venue.lower())
    if connection.vendor == "postgresql":
        for paper, pk in zip(papers, draw_ids(Paper, len(papers)), strict=True):
            paper["id"] = pk
        _create_relations(records, papers, labels, authors, user)
        _insert_papers(papers, documents, notify)
    else:
        _insert_papers(papers, documents, notify)
        _create_relations(records, papers, labels, authors, user)
    _update_known(updated, actor)


def _insert_papers(papers: list[dict], documents, notify) -> None:
    """The paper rows, in batches; each paper's dict gets its id.

    On PostgreSQL the deferred foreign keys of everything written so far are
    then checked (as the commit would), while a large import (one with
    documents computed ahead) has the search index's pending entries merged
    on a second connection (search_index).
    """
    index = MergedAside() if documents is not None else None
    with index or nullcontext():
        for start in range(0, len(papers), BATCH):
            batch = papers[start : start + BATCH]
            ids = insert_rows(Paper, batch, _search_documents(batch, documents))
            for paper, pk in zip(batch, ids, strict=True):
                paper["id"] = pk
            notify("written", min(start + BATCH, len(papers)), len(papers))
        if index is not None:
            index.papers_written()
        if connection.vendor == "postgresql":
            connection.check_constraints()


def _create_relations(
    records, papers: list[dict], labels: list[list[int]], authors, user: Any
) -> None:
    """The authorships, labels and change-log rows of the new papers."""
    _create_authorships(records, papers, authors)
    _create_labels(papers, labels, user)
    log_imports(
        user,
        "papers.paper",
        ((paper["id"], _paper_repr(paper), _logged_fields(paper)) for paper in papers),
    )


def _search_documents(
    papers: list[dict], documents: SearchDocuments | None
) -> dict[str, list] | None:
    if documents is None:
        return None
    return {
        "search_document": [
            documents.document(p["title"], p["abstract"], p["authors_text"])
            for p in papers
        ]
    }


def _paper_repr(paper: dict) -> str:
    """str() of the Paper the row becomes."""
    title, year = paper["title"], paper.get("year")
    return f"{title} ({year})" if year else title


def _logged_fields(paper: dict) -> dict:
    return {name: [None, paper.get(name)] for name in _LOGGED_FIELDS}


def insert_rows(
    model: type[Model], rows: list[dict], columns: dict[str, list] | None = None
) -> list[int]:
    """Insert rows (field attname -> value; other fields take their defaults)
    and return their ids, in order.

    On PostgreSQL the rows are sent with a binary COPY, with any ``columns``
    that are not model fields (name -> one value per row; a search document
    in PostgreSQL's binary form), and their ids drawn from the table's
    sequence unless every row brings its own (see draw_ids); elsewhere they
    go through bulk_create.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH)
        return [obj.pk for obj in objects]
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = _defaults(fields)
    more = columns or {}
    names = [f.column for f in [meta.pk, *fields]] + list(more)
    values_of_more = list(zip(*more.values(), strict=True)) or [()] * len(rows)
    if all(meta.pk.attname in row for row in rows):
        ids = [row[meta.pk.attname] for row in rows]
    else:
        ids = draw_ids(model, len(rows))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        types = _column_types(cursor, meta.db_table, names)
        listed = ", ".join(quote(name) for name in names)
        sql = f"COPY {quote(meta.db_table)} ({listed}) FROM STDIN (FORMAT BINARY)"
        for dumper in (_JsonTextDumper, _SearchDocumentDumper):
            cursor.cursor.adapters.register_dumper(None, dumper)
        with cursor.cursor.copy(sql) as copy:
            copy.set_types(types)
            for pk, row, extra in zip(ids, rows, values_of_more, strict=True):
                copy.write_row(
                    [pk]
                    + [
                        prepare(row[name]) if name in row else default
                        for name, prepare, default in defaults
                    ]
                    + list(extra)
                )
    return ids


def draw_ids(model: type[Model], count: int) -> list[int]:
    """Ids for count new rows of the model, from its table's sequence
    (PostgreSQL), in the order the sequence gives them."""
    meta = model._meta
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))"
            " FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _column_types(cursor, table: str, names: list[str]) -> list[int]:
    """The type oids of the table's columns of these names, in order."""
    cursor.execute(
        "SELECT attname, atttypid::int FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [connection.ops.quote_name(table)],
    )
    oids = dict(cursor.fetchall())
    return [oids[name] for name in names]


class _JsonTextDumper(Dumper):
    """jsonb in binary from JSON text already written (by the field's encoder)."""

    oid = _JSONB_OID
    format = pq.Format.BINARY

    def dump(self, text: str) -> bytes:
        return b"\x01" + text.encode()


class _SearchDocumentDumper(Dumper):
    """A tsvector as PostgreSQL sent it in binary, sent back unchanged."""

    oid = _TSVECTOR_OID
    format = pq.Format.BINARY

    def dump(self, document: bytes) -> bytes:
        return document


def _defaults(fields: list) -> list[tuple[str, Callable, Any]]:
    """(attname, value preparation, prepared default) for each field."""
    now = timezone.now()
    found = []
    for field in fields:
        if isinstance(field, JSONField):
            encoder = field.encoder

            def prepare(value, encoder=encoder):
                return json.dumps(value, cls=encoder)

        else:
            prepare = _same
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = prepare(field.get_default())
        found.append((field.attname, prepare, default))
    return found


def _same(value: Any) -> Any:
    return value


def log_imports(
    user: Any, target_type: str, entries: Iterable[tuple[int, str, dict]]
) -> None:
    """One change-log row (action "import") per (id, str(), changes) of a
    written row of target_type, inserted in bulk.

    The rows are those history.services.change_record writes; one bulk insert
    instead of one INSERT per row keeps a large import fast.
    """
    rows = (
        {
            "actor_id": user.pk if user is not None else None,
            "action": Action.IMPORT.value,
            "target_type": target_type,
            "target_id": str(pk),
            "target_repr": text[:300],
            "changes": changes,
        }
        for pk, text, changes in entries
    )
    while batch := list(islice(rows, 5 * BATCH)):
        insert_rows(Change, batch)


def _venues(records: list[BibRecord], user: Any) -> dict[str, int]:
    """Venue ids by lower-case name (matched ignoring case), created where missing."""
    wanted: dict[str, BibRecord] = {}
    for record in records:
        if record.venue:
            wanted.setdefault(record.venue.lower(), record)
    found = {}
    for chunk in chunks(sorted(wanted)):
        rows = Venue.objects.annotate(folded=Lower("name")).filter(folded__in=chunk)
        found.update({name.lower(): pk for pk, name in rows.values_list("pk", "name")})
    missing = [_new_venue(r) for name, r in wanted.items() if name not in found]
    for row, pk in zip(missing, insert_rows(Venue, missing), strict=True):
        found[row["name"].lower()] = pk
    log_imports(
        user,
        "papers.venue",
        (
            (found[row["name"].lower()], row["name"], {"name": row["name"]})
            for row in missing
        ),
    )
    return found


def _new_venue(record: BibRecord) -> dict:
    kind = _VENUE_KINDS.get(record.entry_type, VenueKind.OTHER)
    if record.venue.lower() in _PREPRINT_VENUES:
        kind = VenueKind.PREPRINT
    return {"name": record.venue, "kind": kind.value}


def name_parts(name) -> tuple[str, str, str, str]:
    return (name.given, name.von, name.family, name.suffix)


def _authors(records: list[BibRecord], user: Any) -> dict[tuple, int]:
    """Author ids by their four name parts, created where missing."""
    wanted = {name_parts(name) for record in records for name in record.authors}
    found: dict[tuple, int] = {}
    for chunk in chunks(sorted({parts[2] for parts in wanted})):
        rows = Author.objects.filter(family__in=chunk)
        for pk, *parts in rows.values_list("pk", *NAME_PARTS):
            found[tuple(parts)] = pk
    missing = [
        dict(zip(NAME_PARTS, parts, strict=True))
        for parts in sorted(wanted - set(found))
    ]
    ids = insert_rows(Author, missing)
    log_imports(
        user,
        "papers.author",
        ((pk, _display_name(row), row) for pk, row in zip(ids, missing, strict=True)),
    )
    for pk, row in zip(ids, missing, strict=True):
        found[tuple(row.values())] = pk
    return found


def _display_name(parts: dict) -> str:
    """Author.display_name of the row."""
    name = " ".join(parts[p] for p in ("given", "von", "family") if parts[p])
    return f"{name}, {parts['suffix']}" if parts["suffix"] else name


def _create_authorships(records, papers: list[dict], authors) -> None:
    rows = [
        {
            "paper_id": paper["id"],
            "author_id": authors[name_parts(name)],
            "position": position,
        }
        for record, paper in zip(records, papers, strict=True)
        for position, name in enumerate(record.authors)
    ]
    for start in range(0, len(rows), 5 * BATCH):
        insert_rows(Authorship, rows[start : start + 5 * BATCH])


def _create_labels(papers: list[dict], labels: list[list[int]], user: Any) -> None:
    """The labels the entries' keywords named (see keyword_labels)."""
    rows = [
        {
            "paper_id": paper["id"],
            "node_id": node_id,
            "source": LabelSource.IMPORT.value,
            "provenance": Provenance.CURATED.value,
            "evidence": "BibTeX keywords",
            "created_by_id": user.pk if user is not None else None,
        }
        for paper, node_ids in zip(papers, labels, strict=True)
        for node_id in node_ids
    ]
    for start in range(0, len(rows), BATCH):
        insert_rows(Label, rows[start : start + BATCH])


def keyword_labels(extras: list[dict]) -> tuple[list[list[int]], list[list[str]]]:
    """For each entry's other fields: the taxonomy nodes its keywords name as
    "kind:slug" (e.g. "modality:image"), and the keywords of that form that
    name no node.

    A keyword that names a node becomes a label and leaves `keywords` (the
    extra dict is changed in place): the labels are then the one place it is
    kept, so a curator's later change of labels is not contradicted by a stale
    keyword in exports. Other keywords stay as they were written.
    """
    words = [_keywords(extra.get("keywords", "")) for extra in extras]
    slugs = {ref[1] for found in words for ref in found.values() if ref}
    nodes = {}
    if slugs:
        rows = Node.objects.filter(slug__in=slugs).values_list("pk", "kind", "slug")
        nodes = {(kind, slug): pk for pk, kind, slug in rows}
    labels, unknown = [], []
    for extra, found in zip(extras, words, strict=True):
        named = {ref: nodes[ref] for ref in found.values() if ref in nodes}
        labels.append(list(named.values()))
        unknown.append([w for w, ref in found.items() if ref and ref not in nodes])
        if named:
            kept = [word for word, ref in found.items() if ref not in named]
            separator = "; " if ";" in extra["keywords"] else ", "
            if kept:
                extra["keywords"] = separator.join(kept)
            else:
                del extra["keywords"]
    return labels, unknown


def _keywords(text: str) -> dict[str, tuple[str, str] | None]:
    """Each keyword, with the (kind, slug) it is written as, if any."""
    if ":" not in text:
        return {}  # no keyword names a node: nothing to look at
    found = {}
    for word in re.split(r"[,;]", text):
        word = word.strip()
        kind, _, slug = word.partition(":")
        if word:
            found[word] = (kind, slug) if kind in _KINDS and slug else None
    return found


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
