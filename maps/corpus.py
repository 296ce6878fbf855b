"""Rows for the pure graph module (papers.graph), read with a few set-based
queries of bounded size.

Every loader here is bounded by the papers it is given and by per-paper caps,
so that the map of one paper reads only a sample of that paper's neighbourhood
of fixed size, whatever the size of the database and however often the paper is
cited (citations follow a power law: a classic has tens of thousands of
citers). Where a cap applies, the rows kept are those of the highest paper ids
(the papers added last), so the same data always gives the same sample.
Degrees and PageRank come from the last map build (PaperMetric).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from maps.models import MapBuild, PaperMetric
from papers.graph import (
    Corpus,
    PaperRow,
    build_corpus,
    title_similarity,
    trigrams,
)
from papers.graph.similarity import TEXT_REASON_MIN
from papers.models import UNPUBLISHED, Citation, Label, Paper, Status
from taxonomy.models import Node

#: Candidates for similar papers: most by citations in common, then by labels.
CITATION_CANDIDATES = 150
LABEL_CANDIDATES = 100
#: A paper's own citers (and references) read for its similar papers.
OWN_LINKS = 150
#: Citers read per reference of the paper, and references per citer of it, to
#: find papers citing the same works or cited by the same works.
HOP_LINKS = 40
#: Papers read per taxonomy label of the paper, to find papers sharing labels.
LABEL_PAPERS = 500
#: Citers and references read per paper on a map of one paper or of a set: what
#: prior and derivative works and the similarity edges are counted from.
MEMBER_LINKS = 60
SET_MEMBER_LINKS = 20


@dataclass(frozen=True)
class LabelIndex:
    """Every taxonomy node as a graph label: "kind:slug", its name and ancestors."""

    ids: dict[int, str]
    names: dict[str, str]
    ancestors: dict[int, tuple[int, ...]]
    roots: dict[int, int]
    counts: Counter = field(default_factory=Counter)
    total: int = 0

    def labels(self, node_ids) -> frozenset[str]:
        """The labels of these nodes and of all their ancestors."""
        return frozenset(
            self.ids[a] for n in node_ids if n in self.ids for a in self.ancestors[n]
        )


def label_index(*, with_counts: bool = True) -> LabelIndex:
    """The taxonomy as labels, with papers per label unless with_counts=False."""
    rows = list(Node.objects.values_list("pk", "kind", "slug", "name", "parent_id"))
    parents = {pk: parent for pk, _, _, _, parent in rows}
    ids = {pk: f"{kind}:{slug}" for pk, kind, slug, _, _ in rows}
    ancestors, roots = {}, {}
    for pk in parents:
        chain, current = [], pk
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        ancestors[pk], roots[pk] = tuple(chain), chain[-1]
    names = {ids[pk]: name for pk, _, _, name, _ in rows}
    index = LabelIndex(ids, names, ancestors, roots)
    if not with_counts:
        return index
    counts, total = label_statistics(index)
    return replace(index, counts=counts, total=total)


def published_citations():
    return Citation.objects.filter(
        citing__status=Status.PUBLISHED, cited__status=Status.PUBLISHED
    )


def label_statistics(index: LabelIndex) -> tuple[Counter, int]:
    """Papers per label (ancestors included) and the number of papers, from the
    last map build, or counted now (a paper under two children of one node then
    counts twice for it) when the map was never built."""
    build = MapBuild.objects.order_by("-computed_at", "-id").first()
    if build is not None and build.label_counts:
        return Counter(build.label_counts), build.papers
    counts: Counter = Counter()
    rows = Label.objects.filter(paper__status=Status.PUBLISHED).values("node_id")
    for row in rows.annotate(n=Count("pk")):
        for ancestor in index.ancestors.get(row["node_id"], ()):
            counts[index.ids[ancestor]] += row["n"]
    return counts, Paper.objects.published().count()


@dataclass(frozen=True)
class Metric:
    """A paper's cached whole-graph measures (or counted now, when not built)."""

    pagerank: float | None
    cited_by: int
    references: int
    community: str


def paper_metrics(ids) -> dict[int, Metric]:
    """Cached measures of the published papers among ids, in one query; papers
    the last build did not see get their degrees counted now."""
    rows = (
        PaperMetric.objects.filter(paper_id__in=ids)
        .order_by()
        .values_list(
            "paper_id", "pagerank", "cited_by", "references", "community__name"
        )
    )
    found = {
        pk: Metric(pagerank, cited_by, references, community or "")
        for pk, pagerank, cited_by, references, community in rows
    }
    found.update(_counted(set(ids) - set(found)))
    return found


def _counted(ids) -> dict[int, Metric]:
    """Measures of papers the last build did not see: degrees counted now."""
    if not ids:
        return {}
    references, citers = degree_counts(ids)
    return {
        pk: Metric(None, citers.get(pk, 0), references.get(pk, 0), "") for pk in ids
    }


def _labels_of(ids, index: LabelIndex) -> dict[int, frozenset[str]]:
    nodes = defaultdict(list)
    labels = Label.objects.filter(paper_id__in=ids).order_by()
    for paper_id, node_id in labels.values_list("paper_id", "node_id"):
        nodes[paper_id].append(node_id)
    return {pk: index.labels(found) for pk, found in nodes.items()}


def papers_with_metrics(ids, index: LabelIndex):
    """Published papers among ids with their labels, and their cached measures:
    (rows, {id: Metric}), the measures read with the papers."""
    labels = _labels_of(ids, index)
    papers = (
        Paper.objects.published()
        .filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "citation_key",
            "title",
            "year",
            "metric__pagerank",
            "metric__cited_by",
            "metric__references",
            "metric__community__name",
        )  # fmt: skip
    )
    rows, metrics, missing = [], {}, []
    for pk, key, title, year, pagerank, cited_by, references, community in papers:
        rows.append(PaperRow(pk, key, title, year, labels.get(pk, frozenset())))
        if cited_by is None:
            missing.append(pk)
        else:
            metrics[pk] = Metric(pagerank, cited_by, references, community or "")
    metrics.update(_counted(missing))
    return rows, metrics


def paper_rows(ids, index: LabelIndex) -> list[PaperRow]:
    """Published papers among ids, with their labels (ancestors included)."""
    labels = _labels_of(ids, index)
    papers = Paper.objects.published().filter(pk__in=ids).order_by()
    return [
        PaperRow(pk, key, title, year, labels.get(pk, frozenset()))
        for pk, key, title, year in papers.values_list(
            "pk", "citation_key", "title", "year"
        )
    ]


def degree_counts(ids) -> tuple[dict[int, int], dict[int, int]]:
    """References and citers per paper among ids, over the whole graph."""
    citations = published_citations()
    out = (
        citations.filter(citing_id__in=ids).values("citing_id").annotate(n=Count("pk"))
    )
    into = citations.filter(cited_id__in=ids).values("cited_id").annotate(n=Count("pk"))
    return (
        {row["citing_id"]: row["n"] for row in out},
        {row["cited_id"]: row["n"] for row in into},
    )


def _quoted(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _unpublished_sql() -> str:
    """The ids of papers not published: few, read once per query through the
    (status, year) index and checked through a hash (cheaper than a lookup of
    each paper's row, about 10 microseconds a row on a large table)."""
    papers = connection.ops.quote_name(Paper._meta.db_table)
    others = ", ".join(f"'{s}'" for s in UNPUBLISHED)
    pk = connection.ops.quote_name(Paper._meta.pk.column)
    return f"SELECT {pk} FROM {papers} WHERE status IN ({others})"


def _lateral_sql(this: str, other: str) -> str:
    """PostgreSQL: for each id, its `per` citations with the highest published
    `other` end, read backwards along the index on (this, other)."""
    table = connection.ops.quote_name(Citation._meta.db_table)
    this, other = _quoted(Citation, this), _quoted(Citation, other)
    citing, cited = _quoted(Citation, "citing"), _quoted(Citation, "cited")
    return (
        f"SELECT c.citing, c.cited FROM unnest(%s::bigint[]) AS m(id) "
        f"CROSS JOIN LATERAL (SELECT x.{citing} AS citing, x.{cited} AS cited "
        f"FROM {table} x WHERE x.{this} = m.id "
        f"AND x.{other} NOT IN ({_unpublished_sql()}) "
        f"ORDER BY x.{other} DESC LIMIT %s) c"
    )


def _capped_citations(this: str, other: str, ids, per: int) -> list[tuple[int, int]]:
    """Any database: the same rows through a window function (the `this` end
    is one of the ids handed in, published by the callers' construction)."""
    rows = (
        Citation.objects.filter(**{f"{this}_id__in": ids})
        .filter(**{f"{other}__status": Status.PUBLISHED})
        .order_by()
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=F(f"{this}_id"),
                order_by=F(f"{other}_id").desc(),
            )
        )
        .filter(place__lte=per)
    )
    return list(rows.values_list("citing_id", "cited_id"))


def citation_rows(*, citers_of=(), references_of=(), per: int) -> list[tuple]:
    """(citing, cited) pairs: up to `per` published citers of each paper in
    citers_of and up to `per` published references of each paper in
    references_of, the highest ids first; one query on PostgreSQL."""
    parts = [
        ("cited", "citing", sorted(set(citers_of))),
        ("citing", "cited", sorted(set(references_of))),
    ]
    parts = [(this, other, ids) for this, other, ids in parts if ids]
    if not parts:
        return []
    if connection.vendor != "postgresql":
        return [
            row
            for this, other, ids in parts
            for row in _capped_citations(this, other, ids, per)
        ]
    sql = " UNION ALL ".join(_lateral_sql(this, other) for this, other, _ in parts)
    params = [value for _, _, ids in parts for value in (ids, per)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _citation_candidates(paper_id: int, own: list[tuple[int, int]]):
    """Papers sharing references or citers with the paper, most shared first,
    and the citation rows that show it (a bounded sample for a classic)."""
    refs = {cited for citing, cited in own if citing == paper_id}
    citers = {citing for citing, cited in own if cited == paper_id}
    rows = citation_rows(citers_of=refs, references_of=citers, per=HOP_LINKS)
    shared = Counter(refs | citers)
    for citing, cited in rows:
        if cited in refs:
            shared[citing] += 1
        if citing in citers:
            shared[cited] += 1
    shared.pop(paper_id, None)
    ranked = sorted(shared, key=lambda pk: (-shared[pk], pk))
    return ranked[:CITATION_CANDIDATES], rows


def label_candidates(paper_id: int, per: int = LABEL_PAPERS) -> list[int]:
    """Published papers sharing the most taxonomy labels with the paper (ties:
    the highest id), counted over the last `per` papers of each of its labels."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Label._meta.db_table)
        node, paper = _quoted(Label, "node"), _quoted(Label, "paper")
        sql = (
            f"SELECT l.paper FROM {table} own "
            f"CROSS JOIN LATERAL (SELECT x.{paper} AS paper FROM {table} x "
            f"WHERE x.{node} = own.{node} AND x.{paper} <> own.{paper} "
            f"AND x.{paper} NOT IN ({_unpublished_sql()}) "
            f"ORDER BY x.{paper} DESC LIMIT %s) l WHERE own.{paper} = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [per, paper_id])
            found = [row[0] for row in cursor.fetchall()]
    else:
        own = Label.objects.filter(paper_id=paper_id).values("node_id")
        place = Window(
            RowNumber(), partition_by=F("node_id"), order_by=F("paper_id").desc()
        )
        rows = (
            Label.objects.filter(node_id__in=own, paper__status=Status.PUBLISHED)
            .exclude(paper_id=paper_id)
            .order_by()
            .annotate(place=place)
            .filter(place__lte=per)
        )
        found = list(rows.values_list("paper_id", flat=True))
    counts = Counter(found)
    ranked = sorted(counts, key=lambda pk: (-counts[pk], -pk))
    return ranked[:LABEL_CANDIDATES]


def title_similarities(paper: PaperRow, rows) -> dict[int, float]:
    """Title similarity (pg_trgm's measure) of the paper to each other row,
    for those from TEXT_REASON_MIN up."""
    own = trigrams(paper.title)
    found = {}
    for row in rows:
        if row.id != paper.id:
            value = title_similarity(own, trigrams(row.title))
            if value >= TEXT_REASON_MIN:
                found[row.id] = round(value, 4)
    return found


def corpus_of(rows, citations, index: LabelIndex, metrics) -> Corpus:
    """A corpus with whole-graph degrees from the cached metrics."""
    return build_corpus(
        rows,
        citations,
        label_names=index.names,
        label_counts=index.counts,
        total=index.total,
        reference_counts={pk: m.references for pk, m in metrics.items()},
        citer_counts={pk: m.cited_by for pk, m in metrics.items()},
    )


@dataclass
class Neighbourhood:
    """A paper's candidate similar papers, with what scoring them needs."""

    corpus: Corpus
    text: dict[int, float]
    metrics: dict[int, Metric]


def neighbourhood(paper: Paper, index: LabelIndex) -> Neighbourhood:
    """The paper and its candidate similar papers, bounded in size: those
    sharing citations (through a sample of its citers and references) or
    labels, with title similarities among them."""
    own = citation_rows(citers_of=[paper.pk], references_of=[paper.pk], per=OWN_LINKS)
    by_citation, second_hop = _citation_candidates(paper.pk, own)
    ids = {paper.pk, *by_citation, *label_candidates(paper.pk)}
    rows, metrics = papers_with_metrics(ids, index)
    origin = next((row for row in rows if row.id == paper.pk), None)
    text = title_similarities(origin, rows) if origin else {}
    corpus = corpus_of(rows, own + second_hop, index, metrics)
    return Neighbourhood(corpus, text, metrics)


def member_corpus(
    ids, index: LabelIndex, metrics=None, rows=None, per: int = MEMBER_LINKS
) -> Corpus:
    """A corpus of these papers with up to `per` citers and references of each
    (the highest ids first); degrees from the cached metrics. `metrics` and
    `rows` may hand in what was read already."""
    ids = set(ids)
    metrics = metrics if metrics is not None else paper_metrics(ids)
    if rows is None:
        rows = paper_rows(ids, index)
    rows = [row for row in rows if row.id in ids]
    links = citation_rows(citers_of=ids, references_of=ids, per=per)
    return corpus_of(rows, links, index, metrics)
