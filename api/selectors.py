"""Reads behind the API's endpoints (the prefetching they need lives here)."""

from django.db import connections, router
from django.db.models import (
    Count,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from papers.models import (
    Author,
    Authorship,
    Citation,
    CitationKeyAlias,
    Label,
    Paper,
    Result,
    Status,
    Venue,
)
from papers.selectors import (
    citation_counts,
    paper_list,
    paper_list_all,
    public_authors,
    public_venues,
)
from taxonomy.models import Dataset, Metric, Node


def api_papers(*, include_drafts: bool) -> QuerySet[Paper]:
    return paper_list_all() if include_drafts else paper_list()


def api_paper_rows(*, include_drafts: bool) -> QuerySet[Paper]:
    """Papers for the list: the venue joined, nothing prefetched (a page's
    authors and labels come from paper_list_relations)."""
    papers = Paper.objects.all() if include_drafts else Paper.objects.published()
    return papers.select_related("venue")


#: The columns a list row shows; the abstract and the JSON fields stay behind.
LIST_COLUMNS = (
    "id", "citation_key", "entry_type", "title", "year", "month", "et_al", "doi",
    "arxiv_id", "cite_count", "status", "venue_id", "venue__name",
    "venue__short_name",
)  # fmt: skip
#: Ordering keys papers.filtersets annotates (keyset pages read them).
SORT_ANNOTATIONS = ("sort_year", "sort_newest", "sort_cites", "relevance")


def paper_page_columns(papers: QuerySet[Paper]) -> QuerySet:
    """The list's columns and ordering keys as dicts: no model objects to build."""
    keys = [name for name in SORT_ANNOTATIONS if name in papers.query.annotations]
    return papers.values(*LIST_COLUMNS, *keys)


#: The columns of a paper's detail: a list row's and the rest of the record.
DETAIL_COLUMNS = (
    *LIST_COLUMNS, "title_protected", "abstract", "published_on", "volume",
    "number", "pages", "publisher", "url", "extra", "confidence",
    "survey_inclusion", "provenance", "version", "created", "updated",
)  # fmt: skip


def paper_detail_values(*, include_drafts: bool, key: str) -> dict | None:
    """The paper with this citation key as plain values, or None if there is none
    (or it is a draft the reader may not see): its columns with the citation
    counts, and under "relations" its authors and labels (as in
    paper_list_relations), dataset (slug, name) pairs and former keys; five
    queries, no model objects built."""
    papers = Paper.objects.all() if include_drafts else Paper.objects.published()
    found = list(
        papers.filter(citation_key=key)
        .annotate(**citation_counts())
        .values(*DETAIL_COLUMNS, "reference_count", "cited_by_count")[:1]
    )
    if not found:
        return None
    paper = found[0]
    authors, labels = paper_list_relations([paper["id"]])
    datasets = Dataset.objects.filter(papers=paper["id"]).order_by("name", "slug")
    aliases = CitationKeyAlias.objects.filter(paper=paper["id"]).order_by("key")
    paper["relations"] = {
        "authors": authors[paper["id"]],
        "labels": labels[paper["id"]],
        "datasets": list(datasets.values_list("slug", "name")),
        "former_keys": list(aliases.values_list("key", flat=True)),
    }
    return paper


def paper_list_relations(paper_ids: list[int]) -> tuple[dict, dict]:
    """The authors (in order) and the labels of these papers as plain values,
    {paper id: [row, ...]}, in two queries and without building model objects.

    Author rows: [author id, given, von, family, suffix]; label rows: [label
    id, source, provenance, evidence, node kind, slug, name, provenance].
    Written in SQL: every list request runs both, and building them through the
    ORM costs more than running them.
    """
    authors: dict[int, list[list]] = {pk: [] for pk in paper_ids}
    labels: dict[int, list[list]] = {pk: [] for pk in paper_ids}
    if not paper_ids:
        return authors, labels
    marks = ", ".join(["%s"] * len(paper_ids))
    with connections[router.db_for_read(Authorship)].cursor() as cursor:
        cursor.execute(_AUTHORS_SQL.format(ids=marks), paper_ids)
        for paper_id, *author in cursor.fetchall():
            authors[paper_id].append(author)
        cursor.execute(_LABELS_SQL.format(ids=marks), paper_ids)
        for paper_id, *label in cursor.fetchall():
            labels[paper_id].append(label)
    return authors, labels


_AUTHORS_SQL = (
    "SELECT a.paper_id, a.author_id, p.given, p.von, p.family, p.suffix"
    f" FROM {Authorship._meta.db_table} a"
    f" JOIN {Author._meta.db_table} p ON p.id = a.author_id"
    " WHERE a.paper_id IN ({ids}) ORDER BY a.paper_id, a.position"
)
_LABELS_SQL = (
    "SELECT l.paper_id, l.id, l.source, l.provenance, l.evidence,"
    " n.kind, n.slug, n.name, n.provenance"
    f" FROM {Label._meta.db_table} l JOIN {Node._meta.db_table} n ON n.id = l.node_id"
    " WHERE l.paper_id IN ({ids}) ORDER BY n.kind, n.position, l.id"
)


def published_paper_count(links: type[Model], owner: str, status: str) -> Coalesce:
    """How many published papers each row has, where `links` rows name the row
    (field `owner`) and reach the paper's status (`status`).

    A correlated subquery rather than a join counted by GROUP BY: a page of
    rows ordered by name counts the papers of the rows it shows, not of every
    row first (the authors at 100,000 papers: one index probe per author shown
    instead of grouping 350,000 authorships).
    """
    rows = links.objects.filter(**{owner: OuterRef("pk"), status: Status.PUBLISHED})
    counted = rows.order_by().values(owner).annotate(count=Count("*"))
    return Coalesce(Subquery(counted.values("count")), 0)


def author_list(*, include_drafts: bool = False) -> QuerySet[Author]:
    """Authors with their published papers counted; for the public, only those
    with one (papers.selectors.public_authors)."""
    authors = Author.objects.all() if include_drafts else public_authors()
    return authors.annotate(
        paper_count=published_paper_count(Authorship, "author", "paper__status")
    )


def venue_list(*, include_drafts: bool = False) -> QuerySet[Venue]:
    """Venues with their published papers counted; for the public, only those
    with one."""
    venues = Venue.objects.all() if include_drafts else public_venues()
    return venues.annotate(paper_count=published_paper_count(Paper, "venue", "status"))


def node_list() -> QuerySet[Node]:
    return Node.objects.select_related("parent").prefetch_related(
        Prefetch("children", queryset=Node.objects.order_by("position", "name")),
        "related",
    )


def dataset_list() -> QuerySet[Dataset]:
    """Datasets with their published papers counted from the links: each
    dataset's links less those to the few papers not published (read once,
    through the status index), instead of checking every linked paper's row."""
    links = Paper.datasets.through.objects.filter(dataset=OuterRef("pk")).exclude(
        paper__in=Paper.objects.unpublished().values("pk")
    )
    counted = links.order_by().values("dataset").annotate(count=Count("*"))
    return Dataset.objects.prefetch_related("modalities", "applications").annotate(
        paper_count=Coalesce(Subquery(counted.values("count")), 0)
    )


def metric_list() -> QuerySet[Metric]:
    return Metric.objects.prefetch_related("applications")


def _published_links(queryset: QuerySet, *paper_fields: str) -> QuerySet:
    for name in paper_fields:
        queryset = queryset.filter(**{f"{name}__status": Status.PUBLISHED})
    return queryset


def result_list(*, include_drafts: bool) -> QuerySet[Result]:
    rows = Result.objects.select_related("paper", "dataset", "metric")
    return rows if include_drafts else _published_links(rows, "paper")


def citation_list(*, include_drafts: bool) -> QuerySet[Citation]:
    rows = Citation.objects.select_related("citing", "cited")
    return rows if include_drafts else _published_links(rows, "citing", "cited")


def label_list(*, include_drafts: bool) -> QuerySet[Label]:
    rows = Label.objects.select_related("paper", "node", "created_by")
    return rows if include_drafts else _published_links(rows, "paper")
