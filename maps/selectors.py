"""Reads for the literature map: similar papers, maps of one paper or of a
filtered set, cached metrics, and the statistics pages.

For other pages: `similar_papers(paper)` and `paper_standing(paper)` feed
templates/maps/_similar.html on the paper page; `top_papers_for_node(node)`
feeds templates/maps/_top_papers.html on a node page; `coverage_matrix(...)`
gives the modality x application gap matrix.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F, QuerySet
from django.urls import reverse

from maps.corpus import label_index, member_corpus, neighbourhood_corpus
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
    graph: object
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


def similar_papers(paper: Paper, limit: int = 10) -> list[BriefPaper]:
    """The papers most like this one, best first, each with its reasons."""
    corpus, text = neighbourhood_corpus(paper, label_index())
    found = literature.similar_papers(corpus, paper.pk, text_scores=text, limit=limit)
    return [_brief(corpus, item) for item in found]


def _linked(pairs: list[tuple[int, int]]) -> list[BriefPaper]:
    rows = Paper.objects.published().filter(pk__in=[pk for pk, _ in pairs])
    found = {
        r[0]: r[1:] for r in rows.values_list("pk", "citation_key", "title", "year")
    }
    return [BriefPaper(*found[pk], count=n) for pk, n in pairs if pk in found]


def paper_map(paper: Paper, size: int = PAPER_MAP_SIZE) -> PaperMap:
    """The paper and its `size` most similar papers, with the citations and
    similarities among them, and the works most linked to them."""
    index = label_index()
    corpus, text = neighbourhood_corpus(paper, index)
    found = literature.similar_papers(corpus, paper.pk, text_scores=text, limit=size)
    members = [paper.pk] + [item.paper for item in found]
    around = member_corpus(members, index)
    graph = literature.literature_graph(around, members, neighbours=4)
    _add_metrics(graph)
    prior = literature.prior_works(around, members, exclude=[paper.pk], limit=10)
    derivative = literature.derivative_works(
        around, members, exclude=[paper.pk], limit=10
    )
    similar = [_brief(corpus, item) for item in found]
    return PaperMap(paper, graph, similar, _linked(prior), _linked(derivative))


def set_map_ids(papers: QuerySet[Paper], limit: int = SET_MAP_LIMIT) -> list[int]:
    """Up to `limit` of the papers, the most cited in the whole graph first."""
    ordered = papers.order_by(
        F("metric__cited_by").desc(nulls_last=True),
        F("cite_count").desc(nulls_last=True),
        "pk",
    )
    return list(ordered.values_list("pk", flat=True)[:limit])


def set_map(papers: QuerySet[Paper], limit: int = SET_MAP_LIMIT):
    """The graph of (the most cited `limit` of) these papers, with metrics."""
    ids = set_map_ids(papers, limit)
    graph = literature.literature_graph(member_corpus(ids, label_index()), ids)
    _add_metrics(graph)
    return graph


def _add_metrics(graph) -> None:
    """Cached PageRank and community as node attributes (when built)."""
    metrics = PaperMetric.objects.filter(paper_id__in=list(graph.nodes)).values_list(
        "paper_id", "pagerank", "community__name"
    )
    for pk, pagerank, community in metrics:
        graph.nodes[pk]["pagerank"] = round(pagerank, 8)
        graph.nodes[pk]["community"] = community or ""


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


def top_papers_for_node(node: Node, limit: int = 10) -> QuerySet[Paper]:
    """The most important papers under a node (highest PageRank first)."""
    labelled = Label.objects.filter(node__in=descendant_ids([node.pk]))
    return (
        paper_list()
        .filter(pk__in=labelled.values("paper_id"))
        .annotate(pagerank=F("metric__pagerank"))
        .order_by(F("pagerank").desc(nulls_last=True), "-year", "pk")[:limit]
    )
