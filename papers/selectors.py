"""Reads of papers: lists, details and counts; the only place that prefetches."""

from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from papers.models import Authorship, Label, Paper, Status
from taxonomy.models import Kind, Node
from taxonomy.selectors import descendant_ids, paper_counts


def paper_list() -> QuerySet[Paper]:
    """Published papers with what a list row shows, in a fixed number of queries."""
    return (
        Paper.objects.published()
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "authorships", queryset=Authorship.objects.select_related("author")
            ),
            Prefetch("labels", queryset=Label.objects.select_related("node")),
        )
    )


def paper_detail(*, key: str) -> Paper:
    """One paper with authors, labels, datasets, results and citation counts."""
    return (
        paper_list()
        .prefetch_related("datasets", "results__dataset", "results__metric")
        .annotate(
            reference_count=Count("citations_out", distinct=True),
            cited_by_count=Count("citations_in", distinct=True),
        )
        .get(citation_key=key)
    )


def paper_references(paper: Paper) -> QuerySet[Paper]:
    return paper_list().filter(citations_in__citing=paper)


def paper_citers(paper: Paper) -> QuerySet[Paper]:
    return paper_list().filter(citations_out__cited=paper)


def survey_paper() -> Paper | None:
    """The review this knowledge base is built around."""
    return paper_list().filter(citation_key=settings.SURVEY_CITATION_KEY).first()


def node_paper_counts(papers: QuerySet[Paper] | None = None) -> dict[int, int]:
    """Papers per node, descendants included, over `papers` (default: published)."""
    papers = Paper.objects.published() if papers is None else papers
    pairs = Label.objects.filter(paper__in=papers.values("pk")).values_list(
        "node_id", "paper_id"
    )
    return paper_counts(pairs)


def recent_papers(limit: int = 5) -> QuerySet[Paper]:
    return paper_list().order_by("-created", "-pk")[:limit]


def papers_under(node: Node) -> QuerySet[Paper]:
    """Published papers labelled with node or any node below it."""
    return paper_list().filter(labels__node__in=descendant_ids([node.pk])).distinct()


def status_counts() -> dict[str, int]:
    rows = Paper.objects.values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in Status.values}


def paper_list_all() -> QuerySet[Paper]:
    """Like paper_list, drafts included (for curators)."""
    return Paper.objects.select_related("venue").prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
        Prefetch("labels", queryset=Label.objects.select_related("node")),
    )


def search_vector() -> CombinedSearchVector:
    """Title (weight A), abstract (B) and author names (C).

    papers/migrations/0005 indexes exactly this expression on PostgreSQL.
    """
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("abstract", weight="B", config="english")
        + SearchVector("authors_text", weight="C", config="english")
    )


def paper_search(papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    """Papers matching free text, annotated with `relevance` (higher is better).

    PostgreSQL: full-text search with web-search syntax (websearch_to_tsquery
    never fails on operator characters). SQLite: every word must occur in the
    title, abstract or authors; "-word" excludes; relevance weighs where it occurs.
    """
    if settings.IS_POSTGRES:
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            papers.annotate(search=search_vector())
            .filter(search=query)
            .annotate(relevance=SearchRank(F("search"), query))
        )
    return _substring_search(papers, text)


SEARCH_FIELDS = {"title": 3, "authors_text": 2, "abstract": 1}


def _substring_search(papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    words = [w for w in text.replace('"', " ").split() if w.strip("-")][:12]
    relevance = Value(0.0)
    for word in words:
        exclude = word.startswith("-")
        word = word.lstrip("-")
        match = Q()
        for name in SEARCH_FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        if exclude:
            papers = papers.exclude(match)
            continue
        papers = papers.filter(match)
        for name, weight in SEARCH_FIELDS.items():
            hit = When(**{f"{name}__icontains": word}, then=Value(float(weight)))
            relevance = relevance + Case(hit, default=Value(0.0))
    return papers.annotate(relevance=ExpressionWrapper(relevance, FloatField()))


FACET_KINDS = (Kind.MODALITY, Kind.APPLICATION, Kind.METHOD)


def paper_facets(papers: QuerySet[Paper]) -> dict[str, list[dict]]:
    """Counts of `papers` per modality, application, method (descendants
    included; every node listed, in tree order) and per year, in three queries.
    """
    ids = papers.order_by().values("pk")
    nodes = list(Node.objects.filter(kind__in=FACET_KINDS).select_related("parent"))
    below: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        if node.parent_id:
            below[node.parent_id].append(node.pk)
    counts = Label.objects.filter(paper__in=ids).aggregate(
        **{
            f"n{node.pk}": Count(
                "paper", distinct=True, filter=Q(node__in=_subtree(node.pk, below))
            )
            for node in nodes
        }
    )
    facets: dict[str, list[dict]] = {kind: [] for kind in FACET_KINDS}
    for node in nodes:
        facets[node.kind].append(
            {
                "slug": node.slug,
                "name": node.name,
                "parent": node.parent.slug if node.parent_id else None,
                "count": counts[f"n{node.pk}"] or 0,
            }
        )
    years = (
        Paper.objects.filter(pk__in=ids)
        .values("year")
        .annotate(count=Count("pk"))
        .order_by(F("year").desc(nulls_last=True))
    )
    facets["year"] = [{"value": row["year"], "count": row["count"]} for row in years]
    return facets


def _subtree(pk: int, below: dict[int, list[int]]) -> list[int]:
    found, stack = [], [pk]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(below[current])
    return found


def paper_export_rows(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Papers with everything an export writes (authors, venue, labels, datasets)."""
    return (
        papers.select_related("venue")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "authorships", queryset=Authorship.objects.select_related("author")
            ),
            Prefetch("labels", queryset=Label.objects.select_related("node")),
            "datasets",
        )
    )
