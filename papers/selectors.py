"""Reads of papers: lists, details and counts; the only place that prefetches."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.db.models.lookups import In

from papers.models import Author, Authorship, Citation, Label, Paper, Status, Venue
from papers.paper_sets import (
    PaperSets,
    build_paper_sets,
    years_in_reach,
    years_of_rows,
)
from taxonomy.cache import cached, kept_in_process
from taxonomy.models import Kind, Node, Provenance
from taxonomy.selectors import TaxonomyMap, descendant_ids, taxonomy_map


def public_authors() -> QuerySet[Author]:
    """Authors of a published paper. The others (a draft's new author, or one
    whose papers were all deleted) are not in the atlas yet, except to curators."""
    published = Paper.objects.published().filter(authorships__author=OuterRef("pk"))
    return Author.objects.filter(Exists(published))


def public_venues() -> QuerySet[Venue]:
    """Venues of a published paper (see public_authors)."""
    published = Paper.objects.published().filter(venue=OuterRef("pk"))
    return Venue.objects.filter(Exists(published))


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
        .annotate(**citation_counts())
        .get(citation_key=key)
    )


def _citations_counted(by: str) -> Subquery:
    other = "cited" if by == "citing" else "citing"
    rows = (
        Citation.objects.filter(**{by: OuterRef("pk")})
        # As the lists of references and citers show them: published papers
        # only (the few others are excluded by id, no join to every paper).
        .exclude(**{f"{other}__in": Paper.objects.unpublished().values("pk")})
        .order_by()
        .values(by)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0, output_field=IntegerField())


def citation_counts() -> dict[str, Expression]:
    """reference_count and cited_by_count of a paper, each one indexed count
    (joining both citation lists to one row multiplies them before counting),
    of published papers only, as paper_references and paper_citers list."""
    return {
        "reference_count": _citations_counted("citing"),
        "cited_by_count": _citations_counted("cited"),
    }


def paper_references(paper: Paper) -> QuerySet[Paper]:
    return paper_list().filter(citations_in__citing=paper)


def paper_citers(paper: Paper) -> QuerySet[Paper]:
    return paper_list().filter(citations_out__cited=paper)


def survey_paper() -> Paper | None:
    """The review this knowledge base is built around."""
    return paper_list().filter(citation_key=settings.SURVEY_CITATION_KEY).first()


def node_paper_counts(papers: QuerySet[Paper] | None = None) -> dict[int, int]:
    """Papers per node, descendants included, over `papers` (default: published,
    counted from the published paper sets)."""
    if papers is None:
        return _published_counts()[0]
    return _node_counts(papers)


def _published_counts() -> tuple[dict[int, int], dict[int | None, int]]:
    """Every published paper's counts per node and per year (the taxonomy tree,
    the overview and the facets read them), from the published paper sets."""
    sets = published_paper_sets()
    return sets.counts(sets.selection())


def _node_counts(
    papers: QuerySet[Paper], taxonomy: TaxonomyMap | None = None
) -> dict[int, int]:
    """Distinct papers per node, each paper counted at its node and every
    ancestor, in one GROUP BY (see _counts_sql)."""
    nodes, _ = _counts(papers, taxonomy or taxonomy_map(), with_years=False)
    return nodes


def _counts_sql(
    papers: QuerySet[Paper],
    taxonomy: TaxonomyMap,
    with_years: bool,
    provenance: Sequence[str] = (),
):
    """SQL counting the papers per node (through the node's ancestry: each
    label joins a VALUES list of (node, ancestor) pairs from the taxonomy map,
    so a paper counts once at every node above its labels; only labels of the
    given provenances, if any) and, with_years, per year; the papers are
    selected once, in a CTE both counts read."""
    pairs = [(pk, up) for pk in taxonomy.nodes for up in taxonomy.ancestry(pk)]
    ancestry = ", ".join(f"({int(pk)}, {int(up)})" for pk, up in pairs) or "(0, 0)"
    inner, params = papers.order_by().values_list("pk", "year").query.sql_with_params()
    label = Label._meta.db_table
    sql = (
        f"WITH counted (id, year) AS ({inner})"
        f" SELECT 'node', ancestry.column2, COUNT(DISTINCT {label}.paper_id)"
        f" FROM {label} JOIN (VALUES {ancestry}) AS ancestry"
        f" ON ancestry.column1 = {label}.node_id"
        f" WHERE {label}.paper_id IN (SELECT id FROM counted)"
    )
    if provenance:
        sql += f" AND {label}.provenance IN ({', '.join(['%s'] * len(provenance))})"
        params = (*params, *provenance)
    sql += " GROUP BY ancestry.column2"
    if with_years:
        sql += " UNION ALL SELECT 'year', year, COUNT(*) FROM counted GROUP BY year"
    return sql, params


def _counts(
    papers: QuerySet[Paper],
    taxonomy: TaxonomyMap,
    with_years: bool = True,
    provenance: Sequence[str] = (),
) -> tuple[dict[int, int], dict[int | None, int]]:
    """({node id: papers}, {year: papers}) over `papers`, in one query; a
    paper counts at a node only through labels of the given provenances, if
    any."""
    sql, params = _counts_sql(papers, taxonomy, with_years, provenance)
    counts: dict[str, dict] = {"node": {}, "year": {}}
    with connections[papers.db].cursor() as cursor:
        cursor.execute(sql, params)
        for what, key, n in cursor.fetchall():
            counts[what][key] = n
    return counts["node"], counts["year"]


def recent_papers(limit: int = 5) -> QuerySet[Paper]:
    return newest_papers(paper_list(), limit)


def newest_papers(papers: QuerySet[Paper], limit: int) -> QuerySet[Paper]:
    """The last `limit` of `papers` added to the knowledge base, newest first."""
    return papers.order_by("-created", "-pk")[:limit]


def papers_under(node: Node) -> QuerySet[Paper]:
    """Published papers labelled with node or any node below it."""
    return paper_list().filter(labels__node__in=descendant_ids([node.pk])).distinct()


def status_counts() -> dict[str, int]:
    """Papers per status, counted once per data generation."""
    return cached("status-counts", lambda using: _status_counts(using))


def _status_counts(using: str) -> dict[str, int]:
    rows = Paper.objects.using(using).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in Status.values}


def entry_types() -> list[str]:
    """The BibTeX entry types the papers have, read once per data generation."""
    return cached("entry-types", _entry_types)


def _entry_types(using: str) -> list[str]:
    types = Paper.objects.using(using).order_by().values_list("entry_type", flat=True)
    return sorted(types.distinct())


def paper_list_all() -> QuerySet[Paper]:
    """Like paper_list, drafts included (for curators)."""
    return Paper.objects.select_related("venue").prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
        Prefetch("labels", queryset=Label.objects.select_related("node")),
    )


class AmongIds(Expression):
    """The row's id is one of `ids`. On PostgreSQL one array parameter (id =
    ANY(%s)): hundreds of ids are quicker to send and plan that way than as an
    IN list of as many parameters. Elsewhere an IN list."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: list[int]):
        super().__init__()
        self.key, self.ids = F("pk"), list(ids)

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, expressions):
        (self.key,) = expressions

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return compiler.compile(In(self.key, self.ids))
        sql, params = compiler.compile(self.key)
        return f"{sql} = ANY(%s)", [*params, self.ids]


class SearchDocument(Expression):
    """The stored search_document column of papers (PostgreSQL only; not a
    model field: papers/migrations/0006 added it, 0012 defines it as the SQL
    function papers_search_document of title, abstract and author names), read
    from the query's paper table."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), _search_document_column())


def _search_document_column() -> SearchVectorField:
    column = SearchVectorField()
    column.set_attributes_from_name("search_document")
    column.model = Paper  # names it in expression identities; not a model field
    return column


def paper_search(papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    """Papers matching free text, annotated with `relevance` (higher is better).

    PostgreSQL: full-text search with web-search syntax (websearch_to_tsquery
    never fails on operator characters) over the stored, GIN-indexed document.
    SQLite: every word must occur in the title, abstract or authors; "-word"
    excludes; relevance weighs where it occurs.
    """
    if settings.IS_POSTGRES:
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            papers.alias(search_document=SearchDocument())
            .filter(search_document=query)
            .annotate(relevance=SearchRank(F("search_document"), query))
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


def paper_facets(
    papers: QuerySet[Paper] | None = None, provenance: Sequence[str] = ()
) -> dict[str, list[dict]]:
    """Counts of `papers` (default: every published paper, counted from the
    published paper sets) per modality, application, method (descendants
    included; every node listed, in tree order) and per year. With label
    provenances, a paper counts at a node only through labels of those, as
    the provenance filter (PaperFilterSet) selects papers by node."""
    if papers is None and not provenance:
        return facets_within([], None, None)
    if papers is None:
        papers = Paper.objects.published()
    taxonomy = taxonomy_map()
    return _facet_lists(taxonomy, *_counts(papers, taxonomy, provenance=provenance))


def published_paper_sets() -> PaperSets:
    """Every published paper's nodes and year as sets (see papers.paper_sets),
    built once per data generation in each process."""
    return kept_in_process(
        "paper-sets", lambda using: build_paper_sets(using, taxonomy_map())
    )


#: A page ordered by year is read from the papers it can show (papers_in_reach,
#: papers_of_rows) only when they are at most this many.
MAX_IN_REACH = 2_000


def papers_in_reach(
    narrowing: tuple[list[list[int]], int | None, int | None],
    *,
    descending: bool,
    start: int | None,
    rows: int,
) -> list[int] | None:
    """The ids of the published papers of a narrowing by nodes and years
    (PaperFilterSet.nodes_and_years) that a page of `rows` rows ordered by year
    can show, after a row of sort year `start` (None: from the top; see
    papers.paper_sets.years_in_reach); None when more than MAX_IN_REACH.
    Reading a page from these ids spares the database checking every newer
    paper's labels on its way to the page."""
    found = _papers_of_years(
        narrowing,
        lambda counts: (
            years_in_reach(counts, descending=descending, start=start, rows=rows),
            None,
        ),
    )
    return None if found is None else found[0]


def papers_of_rows(
    narrowing: tuple[list[list[int]], int | None, int | None],
    *,
    descending: bool,
    first: int,
    rows: int,
) -> tuple[list[int], int] | None:
    """For rows `first` to `first + rows - 1` of the published papers of a
    narrowing ordered by year: the ids of the papers of their years, and how
    many rows come before those years (papers.paper_sets.years_of_rows); None
    when more than MAX_IN_REACH."""
    return _papers_of_years(
        narrowing,
        lambda counts: years_of_rows(
            counts, descending=descending, first=first, rows=rows
        ),
    )


def _papers_of_years(narrowing, choose) -> tuple[list[int], Any] | None:
    """The ids of the narrowing's published papers of the sort years that
    choose({sort year: papers}) returns (with a value passed on beside them),
    or None when they are more than MAX_IN_REACH."""
    sets = published_paper_sets()
    selected = sets.selection(*narrowing)
    counts = sets.sort_year_counts(selected)
    years, beside = choose(counts)
    if sum(counts[year] for year in years) > MAX_IN_REACH:
        return None
    return sets.ids_in_sort_years(selected, years), beside


def published_count_within(
    node_groups: list[list[int]], year_min: int | None, year_max: int | None
) -> int:
    """How many published papers are under a node of each group and within the
    years, from the published paper sets (no query)."""
    return published_paper_sets().selection(node_groups, year_min, year_max).bit_count()


def provenance_counts_within(
    node_groups: list[list[int]], year_min: int | None, year_max: int | None
) -> dict[str, int]:
    """{provenance: published papers} that a provenance filter would leave of
    a narrowing by nodes and years: those its labels of that provenance place
    under a node of each group, or with no groups, those with any label of it
    (PaperFilterSet's rule); from the published paper sets (no query)."""
    sets = published_paper_sets()
    if not node_groups:
        return sets.link_counts(sets.selection([], year_min, year_max))[2]
    return {
        value: sets.selection(node_groups, year_min, year_max, value).bit_count()
        for value in Provenance.values
    }


def facets_within(
    node_groups: list[list[int]], year_min: int | None, year_max: int | None
) -> dict[str, list[dict]]:
    """paper_facets of the published papers under a node of each group and
    within the years, counted from the published paper sets (no query)."""
    sets = published_paper_sets()
    selected = sets.selection(node_groups, year_min, year_max)
    return _facet_lists(taxonomy_map(), *sets.counts(selected))


def _facet_lists(
    taxonomy: TaxonomyMap, counts: dict[int, int], years: dict[int | None, int]
) -> dict[str, list[dict]]:
    facets: dict[str, list[dict]] = {kind: [] for kind in FACET_KINDS}
    for node in taxonomy.nodes.values():
        if node.kind not in facets:
            continue
        parent = taxonomy.nodes.get(node.parent_id)
        facets[node.kind].append(
            {
                "slug": node.slug,
                "name": node.name,
                "parent": parent.slug if parent else None,
                "count": counts.get(node.pk, 0),
            }
        )
    newest_first = sorted(years.items(), key=lambda i: (i[0] is None, -(i[0] or 0)))
    facets["year"] = [{"value": year, "count": n} for year, n in newest_first]
    return facets


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
