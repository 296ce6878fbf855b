"""Reads behind the API's endpoints (the prefetching they need lives here)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from papers.models import Author, Citation, Label, Paper, Result, Status, Venue
from papers.selectors import paper_list, paper_list_all
from taxonomy.models import Dataset, Metric, Node

PUBLISHED = Q(papers__status=Status.PUBLISHED)


def api_papers(*, include_drafts: bool) -> QuerySet[Paper]:
    return paper_list_all() if include_drafts else paper_list()


def api_paper_detail(*, include_drafts: bool) -> QuerySet[Paper]:
    """Papers with everything the detail shows; `.get(citation_key=...)` one."""
    return (
        api_papers(include_drafts=include_drafts)
        .prefetch_related("datasets", "key_aliases")
        .annotate(
            reference_count=Count("citations_out", distinct=True),
            cited_by_count=Count("citations_in", distinct=True),
        )
    )


def author_list() -> QuerySet[Author]:
    return Author.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))


def node_list() -> QuerySet[Node]:
    return Node.objects.select_related("parent").prefetch_related(
        Prefetch("children", queryset=Node.objects.order_by("position", "name")),
        "related",
    )


def dataset_list() -> QuerySet[Dataset]:
    return Dataset.objects.prefetch_related("modalities", "applications").annotate(
        paper_count=Count("papers", filter=PUBLISHED, distinct=True)
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
