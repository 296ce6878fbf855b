"""Reads behind the HTML pages that papers.selectors does not cover: facet
counts for datasets and venues, node pages, author pages, the change history
and duplicate candidates for the curator forms."""

from collections.abc import Collection, Sequence
from difflib import SequenceMatcher

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import (
    Count,
    Func,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from history.models import Change
from papers.bibtex import normalise_arxiv_id, normalise_doi, normalise_title
from papers.models import CitationKeyAlias, Label, Paper, Result, Venue
from papers.selectors import (
    citation_counts,
    paper_list,
    paper_list_all,
    public_venues,
)
from taxonomy.models import Dataset, Kind, Metric, Node, Provenance

#: How alike two normalised titles must be to call them possible duplicates.
TITLE_LIKENESS = 0.85
#: Title candidates read before comparing them in Python.
TITLE_CANDIDATES = 200


def current_key(key: str) -> str | None:
    """The current citation key of a paper that once had `key`."""
    alias = CitationKeyAlias.objects.filter(key=key).select_related("paper").first()
    return alias.paper.citation_key if alias else None


def dataset_facets(
    papers: QuerySet[Paper], limit: int = 40, chosen: Sequence[str] = ()
) -> list[dict]:
    """The datasets most used by `papers`, with counts, and the chosen ones
    (slugs): the papers' dataset links grouped (only those of the set are
    read), then the names."""
    links = Paper.datasets.through.objects.filter(
        paper_id__in=papers.order_by().values("pk")
    )
    counts = dict(
        links.values_list("dataset_id")
        .annotate(n=Count("pk"))
        .values_list("dataset_id", "n")
    )
    return ranked_datasets(counts, limit, chosen)


def ranked_datasets(
    counts: dict[int, int], limit: int = 40, chosen: Sequence[str] = ()
) -> list[dict]:
    """The datasets with the most papers, from {dataset id: papers}, and the
    chosen ones (slugs) wherever they rank: a list's form must hold a checkbox
    for each of its chosen values, or the next change of it drops them."""
    wanted = Q(pk__in=_leading(counts, limit))
    if chosen:
        wanted |= Q(slug__in=chosen)
    datasets = Dataset.objects.filter(wanted).values_list("pk", "slug", "name")
    ranked = sorted(datasets, key=lambda d: (-counts.get(d[0], 0), d[2]))
    return [
        {"slug": slug, "name": name, "count": counts.get(pk, 0)}
        for place, (pk, slug, name) in enumerate(ranked)
        if place < limit or slug in chosen
    ]


def venue_facets(
    papers: QuerySet[Paper], limit: int = 40, chosen: Sequence[int] = ()
) -> list[dict]:
    """The venues of `papers`, most papers first, with counts, and the chosen
    ones (ids): the set grouped by venue (only its papers are read), then the
    names of the first ones."""
    counts = (
        papers.order_by()
        .exclude(venue=None)
        .values_list("venue_id")
        .annotate(n=Count("pk"))
        .values_list("venue_id", "n")
    )
    return ranked_venues(dict(counts), limit, chosen)


def ranked_venues(
    counts: dict[int, int], limit: int = 40, chosen: Sequence[int] = ()
) -> list[dict]:
    """The venues with the most papers, from {venue id: papers}, and the
    chosen ones (ids) wherever they rank (see ranked_datasets)."""
    # A chosen venue none of the papers counted has is named only if it has a
    # published paper: one known from drafts alone is not public.
    counted = [*_leading(counts, limit), *(pk for pk in chosen if pk in counts)]
    uncounted = public_venues().filter(pk__in=[pk for pk in chosen if pk not in counts])
    venues = Venue.objects.filter(
        Q(pk__in=counted) | Q(pk__in=uncounted.values("pk"))
    ).values_list("pk", "name", "short_name")
    ranked = sorted(venues, key=lambda v: (-counts.get(v[0], 0), v[1]))
    return [
        {"id": pk, "name": short or name, "count": counts.get(pk, 0)}
        for place, (pk, name, short) in enumerate(ranked)
        if place < limit or pk in chosen
    ]


def _leading(counts: dict[int, int], limit: int) -> list[int]:
    """The keys whose count reaches the limit-th largest (ties included)."""
    if len(counts) <= limit:
        return list(counts)
    cutoff = sorted(counts.values(), reverse=True)[limit - 1]
    return [key for key, n in counts.items() if n >= cutoff]


def provenance_facets(
    papers: QuerySet[Paper], node_groups: Sequence[Collection[int]] = ()
) -> dict[str, int]:
    """{provenance: papers} that choosing that label provenance would leave of
    `papers`: those whose labels of it lie under a node of each group (node
    ids, descendants included: the taxonomy filters of the set), or with no
    groups, those with any label of it (PaperFilterSet's rule); zeros left
    out. One query."""
    if not node_groups:
        rows = (
            Label.objects.filter(paper__in=papers.order_by().values("pk"))
            .values("provenance")
            .annotate(n=Count("paper", distinct=True))
        )
        return {row["provenance"]: row["n"] for row in rows}
    counts = {}
    for value in Provenance.values:
        under_each = Q()
        for group in node_groups:
            labels = Label.objects.filter(provenance=value, node__in=group)
            under_each &= Q(pk__in=labels.values("paper_id"))
        counts[value] = Count("pk", filter=under_each)
    found = papers.order_by().aggregate(**counts)
    return {value: n for value, n in found.items() if n}


def year_counts(papers: QuerySet[Paper]) -> list[tuple[int, int]]:
    """(year, papers) for every year from the first to the last, gaps as 0."""
    rows = dict(
        papers.order_by()
        .exclude(year=None)
        .values_list("year")
        .annotate(n=Count("pk", distinct=True))
        .values_list("year", "n")
    )
    return every_year(rows)


def every_year(counts: dict[int | None, int]) -> list[tuple[int, int]]:
    """(year, papers) from the first year to the last of counts, gaps as 0;
    papers without a year left out."""
    years = [year for year in counts if year is not None]
    if not years:
        return []
    return [(year, counts.get(year, 0)) for year in range(min(years), max(years) + 1)]


def node_page(*, kind: str, slug: str) -> Node:
    """A node with its parent, ordered children and related nodes."""
    ordered = Node.objects.order_by("position", "name")
    return (
        Node.objects.select_related("parent__parent")
        .prefetch_related(
            Prefetch("children", queryset=ordered),
            Prefetch("related", queryset=ordered),
        )
        .get(kind=kind, slug=slug)
    )


def dataset_page(slug: str) -> Dataset:
    """A dataset with its modalities and applications (Dataset.DoesNotExist)."""
    return Dataset.objects.prefetch_related("modalities", "applications").get(slug=slug)


def node_datasets(node: Node) -> QuerySet[Dataset]:
    """Datasets tied to the node: by application, by modality, or by its papers."""
    if node.kind == Kind.APPLICATION:
        return node.datasets.order_by("name")
    if node.kind == Kind.MODALITY:
        return node.datasets_as_modality.order_by("name")
    return Dataset.objects.none()


def node_metrics(node: Node) -> QuerySet[Metric]:
    if node.kind == Kind.APPLICATION:
        return node.metrics.order_by("name")
    return Metric.objects.none()


def paper_page(*, key: str, include_drafts: bool) -> Paper:
    """One paper with authors, labels, datasets, results and citation counts."""
    papers = paper_list_all() if include_drafts else paper_list()
    return (
        papers.prefetch_related(
            "datasets",
            Prefetch(
                "results",
                queryset=Result.objects.select_related("dataset", "metric"),
            ),
        )
        .annotate(**citation_counts())
        .get(citation_key=key)
    )


def paper_for_curator(key: str) -> Paper:
    """Any paper (drafts too) with authors, labels and datasets."""
    return paper_list_all().prefetch_related("datasets").get(citation_key=key)


def paper_for_curator_by_pk(pk: int) -> Paper:
    return paper_list_all().prefetch_related("datasets").get(pk=pk)


def paper_labels(paper: Paper) -> QuerySet[Label]:
    return paper.labels.select_related("node", "created_by").order_by(
        "node__kind", "node__position", "node__name"
    )


def paper_history(paper: Paper) -> QuerySet[Change]:
    """The change-log rows of the paper, newest first, with who made them."""
    return Change.objects.for_object(paper).select_related("actor")


def label_history(paper: Paper) -> QuerySet[Change]:
    """Change-log rows of the paper's labels (they name the paper's key)."""
    return (
        Change.objects.filter(
            target_type="papers.label", changes__paper=paper.citation_key
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def duplicate_candidates(
    *, doi: str = "", arxiv_id: str = "", title: str = "", exclude_pk=None
) -> list[tuple[Paper, str]]:
    """Papers that may be the same work: same DOI, same arXiv id, or a title
    that reads the same once normalised; each with the reason."""
    found: dict[int, tuple[Paper, str]] = {}
    papers = Paper.objects.exclude(pk=exclude_pk) if exclude_pk else Paper.objects
    doi, arxiv_id = normalise_doi(doi or ""), normalise_arxiv_id(arxiv_id or "")
    if doi:
        for paper in papers.filter(doi=doi.lower()):
            found[paper.pk] = (paper, "same DOI")
    if arxiv_id:
        for paper in papers.filter(arxiv_id=arxiv_id):
            found.setdefault(paper.pk, (paper, "same arXiv id"))
    for paper in _similar_titles(papers, title):
        found.setdefault(paper.pk, (paper, "similar title"))
    return list(found.values())


def _similar_titles(papers, title: str) -> list[Paper]:
    wanted = normalise_title(title or "")
    longest = sorted(wanted.split(), key=len, reverse=True)[:2]
    if len(wanted) < 12 or not longest:
        return []
    candidates = _title_candidates(papers, longest, wanted)
    return [
        paper
        for paper in candidates.only("citation_key", "title", "year")[:TITLE_CANDIDATES]
        if SequenceMatcher(None, wanted, normalise_title(paper.title)).ratio()
        >= TITLE_LIKENESS
    ]


def _title_candidates(
    papers: QuerySet[Paper], required: list[str], wanted: str
) -> QuerySet[Paper]:
    """Papers whose title holds every required word, the titles nearest the
    wanted one first (pg_trgm's similarity; SQLite: oldest first).

    PostgreSQL reads them from the index of the titles' words (migration
    0018), the words stemmed as full-text search stems them. Words that are
    all stop words leave nothing to look up; those fall back to substring
    matching, as SQLite always does.
    """
    words = " ".join(required)
    if settings.IS_POSTGRES and _has_search_terms(words):
        query = SearchQuery(words, config="english")
        candidates = papers.alias(title_words=TitleWords("title"))
        candidates = candidates.filter(title_words=query)
    else:
        match = Q()
        for word in required:
            match &= Q(title__icontains=word)
        candidates = papers.filter(match)
    if settings.IS_POSTGRES:
        nearness = TrigramSimilarity("title", Value(wanted))
        return candidates.annotate(nearness=nearness).order_by("-nearness", "pk")
    return candidates.order_by("pk")


class TitleWords(Func):
    """A title's words as full-text search keeps them; the expression of the
    index papers_paper_title_words (migration 0018), which it must match."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def _has_search_terms(words: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(plainto_tsquery('english', %s)) > 0", [words])
        return cursor.fetchone()[0]
