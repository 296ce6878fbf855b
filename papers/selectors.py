"""Reads of papers: lists, details and counts; the only place that prefetches."""

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet

from papers.models import Authorship, Label, Paper, Status
from taxonomy.models import Node
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
