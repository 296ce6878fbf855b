"""Reads for the literature map: similar papers, maps of one paper or of a
filtered set, cached metrics, and the statistics pages.

For other pages: `similar_papers(paper)` and `paper_standing(paper)` feed
templates/maps/_similar.html on the paper page; `top_papers_for_node(node)`
feeds templates/maps/_top_papers.html on a node page (with the order it is
really in); `coverage_matrix(...)` gives the modality x application gap matrix.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.core.cache import cache
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.urls import reverse

from history.models import Action, Change
from maps.corpus import (
    SET_MEMBER_LINKS,
    label_index,
    member_corpus,
    neighbourhood,
    papers_with_metrics,
)
from maps.models import MapBuild, PaperMetric
from maps.stats import coverage_matrix, trend_table  # noqa: F401  (public here)
from papers import graph as literature
from papers.models import CitationKeyAlias, Label, Paper
from papers.selectors import paper_list
from taxonomy.models import Kind, Node
from taxonomy.selectors import descendant_ids

#: Papers on the map of one paper: it and its most similar papers.
PAPER_MAP_SIZE = 20
#: Papers on the map of a set: the most cited first.
SET_MAP_LIMIT = 500


@dataclass(frozen=True)
class BriefPaper:
    """A paper in a list of the map pages, with why it is there."""

    key: str
    title: str
    year: int | None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    count: int = 0

    @property
    def url(self) -> str:
        return reverse("papers:detail", kwargs={"key": self.key})


@dataclass
class PaperMap:
    """The map of one paper: its graph, similar papers, prior and derivative works."""

    paper: Paper
    graph: object  # None when only the lists were asked for
    similar: list[BriefPaper]
    prior: list[BriefPaper] = field(default_factory=list)
    derivative: list[BriefPaper] = field(default_factory=list)


def published_paper(key: str) -> Paper:
    """The published paper with this citation key (Paper.DoesNotExist if none)."""
    return Paper.objects.published().get(citation_key=key)


def current_key(key: str) -> str | None:
    """The current citation key for a former one, if it is a former one."""
    alias = CitationKeyAlias.objects.filter(key=key).select_related("paper").first()
    return alias.paper.citation_key if alias else None


def _brief(corpus, item: literature.Similarity) -> BriefPaper:
    row = corpus.papers[item.paper]
    return BriefPaper(row.key, row.title, row.year, item.score, tuple(item.reasons))


def _similar(paper: Paper, index, limit: int):
    around = neighbourhood(paper, index)
    found = literature.similar_papers(
        around.corpus, paper.pk, text_scores=around.text, limit=limit
    )
    return around, found


def similar_papers(paper: Paper, limit: int = 10) -> list[BriefPaper]:
    """The papers most like this one, best first, each with its reasons."""
    around, found = _similar(paper, label_index(), limit)
    return [_brief(around.corpus, item) for item in found]


def _linked(prior, derivative) -> tuple[list[BriefPaper], list[BriefPaper]]:
    """Prior and derivative works as (paper, count) pairs, read in one query."""
    ids = [pk for pk, _ in prior + derivative]
    rows = Paper.objects.published().filter(pk__in=ids).order_by()
    found = {
        r[0]: r[1:] for r in rows.values_list("pk", "citation_key", "title", "year")
    }
    return tuple(
        [BriefPaper(*found[pk], count=n) for pk, n in pairs if pk in found]
        for pairs in (prior, derivative)
    )


def _paper_map(paper: Paper, size: int, *, with_graph: bool) -> PaperMap:
    index = label_index()
    around, found = _similar(paper, index, size)
    members = [paper.pk] + [item.paper for item in found]
    inside = member_corpus(
        members, index, metrics=around.metrics, rows=around.corpus.papers.values()
    )
    prior = literature.prior_works(inside, members, exclude=[paper.pk], limit=10)
    derivative = literature.derivative_works(
        inside, members, exclude=[paper.pk], limit=10
    )
    graph = None
    if with_graph:
        graph = literature.literature_graph(inside, members, neighbours=4)
        _add_metrics(graph, around.metrics)
    similar = [_brief(around.corpus, item) for item in found]
    return PaperMap(paper, graph, similar, *_linked(prior, derivative))


def paper_neighbourhood(paper: Paper, size: int = PAPER_MAP_SIZE) -> PaperMap:
    """The paper's `size` most similar papers and the works most linked to
    them, without the graph (what the similar-papers answer shows)."""
    return _paper_map(paper, size, with_graph=False)


def paper_map(paper: Paper, size: int = PAPER_MAP_SIZE) -> PaperMap:
    """The paper and its `size` most similar papers, with the citations and
    similarities among them, and the works most linked to them."""
    return _paper_map(paper, size, with_graph=True)


def set_map_ids(papers: QuerySet[Paper], limit: int = SET_MAP_LIMIT) -> list[int]:
    """Up to `limit` of the papers, the most cited in the whole graph first
    (read along the citer-count index), then those the map build did not rank."""
    ranked = papers.filter(metric__isnull=False).order_by(
        "-metric__cited_by", F("cite_count").desc(nulls_last=True), "pk"
    )
    ids = list(ranked.values_list("pk", flat=True)[:limit])
    if len(ids) < limit:
        unranked = papers.filter(metric__isnull=True).order_by(
            F("cite_count").desc(nulls_last=True), "pk"
        )
        ids += unranked.values_list("pk", flat=True)[: limit - len(ids)]
    return ids


def set_map(papers: QuerySet[Paper], limit: int = SET_MAP_LIMIT):
    """The graph of (the most cited `limit` of) these papers, with metrics."""
    ids, index = set_map_ids(papers, limit), label_index()
    rows, metrics = papers_with_metrics(ids, index)
    corpus = member_corpus(ids, index, metrics=metrics, rows=rows, per=SET_MEMBER_LINKS)
    graph = literature.literature_graph(corpus, ids)
    _add_metrics(graph, metrics)
    return graph


def _add_metrics(graph, metrics) -> None:
    """Cached PageRank and community as node attributes (when built)."""
    for pk, data in graph.nodes(data=True):
        metric = metrics.get(pk)
        if metric is not None and metric.pagerank is not None:
            data["pagerank"] = round(metric.pagerank, 8)
            data["community"] = metric.community


#: Layouts are deterministic, so a cached one is the one that would be computed.
LAYOUT_CACHE_SECONDS = 24 * 3600


def layout_cache_key(graph) -> str:
    """Names a graph by what moves its nodes: the nodes, edges and weights."""
    content = (sorted(graph.nodes), sorted(graph.edges(keys=True, data="weight")))
    return "maps:layout:" + hashlib.sha256(repr(content).encode()).hexdigest()


def map_layout(graph) -> dict[int, tuple[float, float]]:
    """The graph's layout (papers.graph.layout), cached by the graph's content."""
    key = layout_cache_key(graph)
    positions = cache.get(key)
    if positions is None:
        positions = literature.layout(graph)
        cache.set(key, positions, LAYOUT_CACHE_SECONDS)
    return positions


def application_order() -> list[tuple[str, str]]:
    """(slug, name) of the application roots, in the taxonomy's order."""
    roots = Node.objects.of_kind(Kind.APPLICATION).roots()
    return list(roots.order_by("position", "name").values_list("slug", "name"))


def latest_build() -> MapBuild | None:
    return MapBuild.objects.order_by("-computed_at", "-id").first()


@dataclass(frozen=True)
class Standing:
    """Where a paper stands in the whole graph."""

    text: str
    community: object
    rank: int | None
    pagerank: float
    central: bool


def paper_standing(paper: Paper) -> Standing | None:
    """E.g. "central in the Multimodal Video Description cluster"; None before
    the first map build."""
    metric = (
        PaperMetric.objects.filter(paper=paper)
        .select_related("community__application")
        .first()
    )
    if metric is None or metric.community is None:
        return None
    community, rank = metric.community, metric.community_rank
    central = rank is not None and rank <= max(3, community.size // 10)
    where = f"the {community.name} cluster"
    text = f"central in {where}" if central else f"in {where}"
    return Standing(text, community, rank, metric.pagerank, central)


def graph_changed_since(moment: datetime) -> bool:
    """Whether the change log has a write after `moment` that PageRank computed
    then leaves out: a citation added or removed, a paper added, imported,
    deleted, published or withdrawn, or a survey (re)load."""
    paper_set = Q(target_type="papers.paper") & (
        Q(action__in=[Action.CREATE, Action.DELETE]) | Q(changes__has_key="status")
    )
    graph = (
        Q(target_type="papers.citation")
        | paper_set
        | Q(action__in=[Action.IMPORT, Action.LOAD])
    )
    return Change.objects.filter(graph, at__gt=moment).exists()


def map_is_current() -> bool:
    """Whether the last map build covers every published paper and no write
    to the citation graph came after it (what `build_map --if-stale` asks)."""
    build = latest_build()
    if build is None:
        return False
    if Paper.objects.published().filter(metric__isnull=True).exists():
        return False
    return not graph_changed_since(build.computed_at)


#: How a list of top papers is ordered: by PageRank; by PageRank, then the
#: papers the last map build did not rank, newest first; newest first only.
TopOrder = Literal["pagerank", "pagerank-then-newest", "newest"]


@dataclass(frozen=True)
class TopPapers(Sequence):
    """The most important papers under a node, and the order they are really in.

    `computed_at` is when the PageRank used was computed (None if it never
    was); `changed_since` says papers or citations changed after that.
    """

    papers: list[Paper]
    order: TopOrder
    computed_at: datetime | None = None
    changed_since: bool = False

    def __getitem__(self, index):
        return self.papers[index]

    def __len__(self) -> int:
        return len(self.papers)


def top_papers_for_node(node: Node, limit: int = 10) -> TopPapers:
    """The most important papers under a node: highest PageRank first (ties
    newest first), then papers the last map build did not rank, newest first.

    The ranked ones are read along the PageRank index, stopping at `limit`,
    instead of sorting every paper under a broad node.
    """
    labelled = Label.objects.filter(node__in=descendant_ids([node.pk]))
    under = paper_list().filter(pk__in=labelled.values("paper_id"))
    top = list(
        under.filter(metric__isnull=False)
        .annotate(pagerank=F("metric__pagerank"), computed_at=F("metric__computed_at"))
        .order_by("-pagerank", "-year", "pk")[:limit]
    )
    ranked = len(top)
    if ranked < limit:
        top += (
            under.filter(metric__isnull=True)
            .annotate(pagerank=Value(None, output_field=FloatField()))
            .order_by("-year", "pk")[: limit - ranked]
        )
    if not ranked:
        build = latest_build() if top else None
        return TopPapers(top, "newest", build.computed_at if build else None)
    computed_at = top[0].computed_at
    return TopPapers(
        top,
        "pagerank" if ranked == len(top) else "pagerank-then-newest",
        computed_at,
        graph_changed_since(computed_at),
    )
