"""Curator writes to papers, their labels and citations.

Every write runs in one transaction, validates before saving, and records a
change-log row with the fields it changed. Updates and deletes take the version
the caller read; a stale version raises StaleVersion and changes nothing.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from history.models import Action
from history.services import change_record, field_changes
from papers.bibtex.identifiers import KEY_PATTERN, KEY_UNSAFE
from papers.models import (
    MAX_AUTHORS,
    Authorship,
    Citation,
    CitationKeyAlias,
    Label,
    LabelSource,
    Paper,
    Status,
)
from papers.services.contributors import (
    author_get_or_create,
    person_name,
    venue_get_or_create,
)
from papers.services.errors import StaleVersion
from taxonomy.models import Dataset, Node, Provenance

__all__ = [
    "StaleVersion",
    "citation_add",
    "citation_remove",
    "label_add",
    "label_remove",
    "paper_authors_text_sync",
    "paper_create",
    "paper_delete",
    "paper_update",
]

#: Model fields a write may set; anything else in `data` is refused.
PAPER_FIELDS = frozenset(
    {
        "citation_key", "entry_type", "title", "title_protected", "abstract",
        "year", "month", "published_on", "volume", "number", "pages", "publisher",
        "doi", "arxiv_id", "url", "cite_count", "et_al", "extra", "status",
        "confidence", "survey_inclusion", "provenance",
    }
)  # fmt: skip
RELATIONS = frozenset({"authors", "venue", "datasets", "labels"})


def _split(data: dict) -> tuple[dict, dict]:
    unknown = sorted(set(data) - PAPER_FIELDS - RELATIONS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set."))
    fields = {k: v for k, v in data.items() if k in PAPER_FIELDS}
    relations = {k: v for k, v in data.items() if k in RELATIONS}
    return fields, relations


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(paper: Paper) -> dict:
    """The paper's writable fields and relations, as JSON-ready values."""
    values = {name: _jsonable(getattr(paper, name)) for name in PAPER_FIELDS}
    values["venue"] = paper.venue.name if paper.venue_id else None
    values["authors"] = [a.author.display_name for a in _authorships(paper)]
    values["datasets"] = sorted(paper.datasets.values_list("slug", flat=True))
    values["labels"] = sorted(
        f"{kind}:{slug}"
        for kind, slug in paper.labels.values_list("node__kind", "node__slug")
    )
    return values


def _authorships(paper: Paper) -> list[Authorship]:
    return list(paper.authorships.select_related("author").order_by("position"))


def _check_key(paper: Paper) -> None:
    key = paper.citation_key
    if not KEY_PATTERN.fullmatch(key or ""):
        raise ValidationError(
            {
                "citation_key": "A citation key has no spaces or any of "
                f"{' '.join(KEY_UNSAFE)}."
            }
        )
    # BibTeX and biber tell keys apart without regard to case.
    taken = Paper.objects.filter(citation_key__iexact=key).exclude(pk=paper.pk)
    if other := taken.values_list("citation_key", flat=True).first():
        raise ValidationError(
            {
                "citation_key": f"Another paper has this key ({other!r}); BibTeX "
                "does not tell keys apart by case."
            }
        )
    alias = CitationKeyAlias.objects.filter(key__iexact=key).first()
    if alias is not None and alias.paper_id != paper.pk:
        raise ValidationError(
            {"citation_key": f"{alias.key!r} is a former key of another paper."}
        )


def _fit_title_protection(paper: Paper, fields: dict, old_title: str | None) -> None:
    """Keep title_protected (the title with its protective braces) true to the
    title: a new title sent without braces drops the old ones, and braces sent
    for other words than the title's are refused."""
    if "title_protected" not in fields:
        if old_title is not None and paper.title != old_title:
            paper.title_protected = ""
        return
    if paper.title_protected and _unbraced(paper.title_protected) != _unbraced(
        paper.title
    ):
        raise ValidationError(
            {
                "title_protected": "Without its braces it must read as the title: "
                "the title with braces around the words whose capitals stay."
            }
        )


def _unbraced(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


def _rename(paper: Paper, old_key: str, was_published: bool) -> None:
    """Keep a published paper's old key as an alias; drop an alias reused as key."""
    CitationKeyAlias.objects.filter(key=paper.citation_key, paper=paper).delete()
    if was_published:
        CitationKeyAlias.objects.create(key=old_key, paper=paper)


def paper_authors_text_sync(*, paper: Paper) -> None:
    """Refresh the denormalised author names used by full-text search."""
    text = "; ".join(a.author.display_name for a in _authorships(paper))
    if paper.authors_text != text:
        paper.authors_text = text
        Paper.objects.filter(pk=paper.pk).update(authors_text=text)


def _set_authors(*, actor: Any, paper: Paper, names: Any) -> None:
    if not isinstance(names, list | tuple):
        raise ValidationError({"authors": "Authors are a list."})
    if len(names) > MAX_AUTHORS:
        raise ValidationError({"authors": f"No more than {MAX_AUTHORS} authors."})
    authors = [
        author_get_or_create(actor=actor, name=person_name(name)) for name in names
    ]
    if len({a.pk for a in authors}) != len(authors):
        raise ValidationError({"authors": "An author is listed twice."})
    paper.authorships.all().delete()
    Authorship.objects.bulk_create(
        Authorship(paper=paper, author=author, position=i)
        for i, author in enumerate(authors)
    )
    paper_authors_text_sync(paper=paper)


def _set_datasets(paper: Paper, slugs: Any) -> None:
    slugs = _string_list(slugs, "datasets")
    datasets = list(Dataset.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {d.slug for d in datasets})
    if missing:
        raise ValidationError({"datasets": f"Unknown datasets: {', '.join(missing)}."})
    paper.datasets.set(datasets)


def nodes_by_reference(references: Any, field: str = "labels") -> list[Node]:
    """Nodes named "kind:slug"; unknown names are a ValidationError on field."""
    wanted = set()
    for reference in _string_list(references, field):
        kind, colon, slug = reference.partition(":")
        if not (colon and kind and slug):
            raise ValidationError(
                {field: f"{reference!r} is not kind:slug (e.g. modality:image)."}
            )
        wanted.add((kind, slug))
    nodes = list(Node.objects.filter(slug__in={s for _, s in wanted}))
    found = {(n.kind, n.slug): n for n in nodes if (n.kind, n.slug) in wanted}
    missing = sorted(f"{k}:{s}" for k, s in wanted - set(found))
    if missing:
        raise ValidationError(
            {field: f"Unknown taxonomy nodes (kind:slug): {', '.join(missing)}."}
        )
    return list(found.values())


def _string_list(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise ValidationError({field: "Expected a list of strings."})
    return list(value)


def _set_labels(*, actor: Any, paper: Paper, references: Any) -> None:
    """Make the paper's labels those nodes, keeping the rows of nodes it keeps."""
    nodes = nodes_by_reference(references)
    keep = {n.pk for n in nodes}
    paper.labels.exclude(node__in=keep).delete()
    present = set(paper.labels.values_list("node_id", flat=True))
    for node in nodes:
        if node.pk not in present:
            Label.objects.create(
                paper=paper,
                node=node,
                source=LabelSource.CURATOR,
                provenance=Provenance.CURATED,
                created_by=_user(actor),
            )


def _user(actor: Any):
    return actor if getattr(actor, "is_authenticated", False) else None


def _apply(*, actor: Any, paper: Paper, fields: dict, relations: dict) -> None:
    for name, value in fields.items():
        setattr(paper, name, value)
    if "venue" in relations:
        paper.venue = venue_get_or_create(actor=actor, name=relations["venue"])


def _save_relations(*, actor: Any, paper: Paper, relations: dict) -> None:
    if "authors" in relations:
        _set_authors(actor=actor, paper=paper, names=relations["authors"])
    if "datasets" in relations:
        _set_datasets(paper, relations["datasets"])
    if "labels" in relations:
        _set_labels(actor=actor, paper=paper, references=relations["labels"])


@transaction.atomic
def paper_create(*, actor: Any, data: dict) -> Paper:
    """Create a paper with its authors, venue, datasets and labels."""
    fields, relations = _split(data)
    paper = Paper()
    _apply(actor=actor, paper=paper, fields=fields, relations=relations)
    _fit_title_protection(paper, fields, old_title=None)
    _check_key(paper)
    paper.full_clean()
    paper.save()
    _save_relations(actor=actor, paper=paper, relations=relations)
    empty = dict.fromkeys(_snapshot(paper))
    change_record(
        actor=actor,
        action=Action.CREATE,
        target=paper,
        changes=field_changes(empty, _snapshot(paper)),
    )
    return paper


def _claim(paper: Paper, expected_version: int) -> None:
    """Bump the version if it is still the expected one, else raise StaleVersion.

    One conditional UPDATE makes the check and the claim atomic on every database.
    """
    claimed = Paper.objects.filter(pk=paper.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Paper.objects.filter(pk=paper.pk).values_list("version", flat=True)
        raise StaleVersion(expected=expected_version, current=current.first())


@transaction.atomic
def paper_update(
    *, actor: Any, paper: Paper, expected_version: int, data: dict
) -> Paper:
    """Change the fields and relations in data; the version goes up by one."""
    fields, relations = _split(data)
    _claim(paper, expected_version)
    current = Paper.objects.select_related("venue").get(pk=paper.pk)
    before = _snapshot(current)
    old_key, was_published = current.citation_key, current.status == Status.PUBLISHED
    old_title = current.title
    _apply(actor=actor, paper=current, fields=fields, relations=relations)
    _fit_title_protection(current, fields, old_title)
    _check_key(current)
    current.full_clean()
    current.save()
    if current.citation_key != old_key:
        _rename(current, old_key, was_published)
    _save_relations(actor=actor, paper=current, relations=relations)
    changes = field_changes(before, _snapshot(current))
    changes["version"] = [expected_version, current.version]
    change_record(actor=actor, action=Action.UPDATE, target=current, changes=changes)
    return current


@transaction.atomic
def paper_delete(*, actor: Any, paper: Paper, expected_version: int) -> None:
    """Delete a paper with its authorships, labels, citations and results."""
    _claim(paper, expected_version)
    current = Paper.objects.select_related("venue").get(pk=paper.pk)
    change_record(
        actor=actor, action=Action.DELETE, target=current, changes=_snapshot(current)
    )
    current.delete()


@transaction.atomic
def label_add(
    *,
    actor: Any,
    paper: Paper,
    node: Node,
    evidence: str = "",
    provenance: str = Provenance.CURATED,
    source: str = LabelSource.CURATOR,
) -> Label:
    """Tag a paper with a node; a paper carries each node at most once."""
    label = Label(
        paper=paper,
        node=node,
        evidence=evidence,
        provenance=provenance,
        source=source,
        created_by=_user(actor),
    )
    label.full_clean()
    label.save()
    change_record(
        actor=actor,
        action=Action.CREATE,
        target=label,
        changes=_label_fields(label),
    )
    return label


def _label_fields(label: Label) -> dict:
    return {
        "paper": label.paper.citation_key,
        "node": f"{label.node.kind}:{label.node.slug}",
        "source": label.source,
        "provenance": label.provenance,
        "evidence": label.evidence,
    }


@transaction.atomic
def label_remove(*, actor: Any, label: Label) -> None:
    """Remove one label from its paper."""
    change_record(
        actor=actor, action=Action.DELETE, target=label, changes=_label_fields(label)
    )
    label.delete()


@transaction.atomic
def citation_add(*, actor: Any, citing: Paper, cited: Paper) -> Citation:
    """Record that citing lists cited among its references."""
    citation = Citation(citing=citing, cited=cited)
    citation.full_clean()
    citation.save()
    change_record(
        actor=actor,
        action=Action.CREATE,
        target=citation,
        changes={"citing": citing.citation_key, "cited": cited.citation_key},
    )
    return citation


@transaction.atomic
def citation_remove(*, actor: Any, citation: Citation) -> None:
    """Remove one citation link."""
    change_record(
        actor=actor,
        action=Action.DELETE,
        target=citation,
        changes={
            "citing": citation.citing.citation_key,
            "cited": citation.cited.citation_key,
        },
    )
    citation.delete()
