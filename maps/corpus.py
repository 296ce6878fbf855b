"""Rows for the pure graph module (papers.graph), read with values_list.

Every loader here is bounded by the papers it is given, so that the map of one
paper reads only that paper's neighbourhood, whatever the size of the database.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, Q
from django.db.models.functions import Upper

from maps.models import MapBuild
from papers.graph import Corpus, PaperRow, build_corpus
from papers.models import Citation, Label, Paper, Status
from taxonomy.models import Node

#: Candidates for similar papers: most by citations in common, then by labels.
CITATION_CANDIDATES = 150
LABEL_CANDIDATES = 100
TEXT_CANDIDATES = 20
#: Rows read through one very popular reference or citer are capped, so that a
#: classic cited by everything cannot make one request read the whole table.
SECOND_HOP_ROWS = 20000


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


def paper_rows(ids, index: LabelIndex) -> list[PaperRow]:
    """Published papers among ids, with their labels (ancestors included)."""
    nodes = defaultdict(list)
    for paper_id, node_id in Label.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "node_id"
    ):
        nodes[paper_id].append(node_id)
    papers = Paper.objects.published().filter(pk__in=ids).order_by()
    return [
        PaperRow(pk, key, title, year, index.labels(nodes[pk]))
        for pk, key, title, year in papers.values_list(
            "pk", "citation_key", "title", "year"
        )
    ]


def citations_touching(ids) -> list[tuple[int, int]]:
    """Every published citation from or to one of ids."""
    rows = published_citations().filter(Q(citing_id__in=ids) | Q(cited_id__in=ids))
    return list(rows.values_list("citing_id", "cited_id"))


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


def member_corpus(ids, index: LabelIndex) -> Corpus:
    """A corpus of these papers with every citation from or to them, so that
    their references and citers are complete."""
    return build_corpus(
        paper_rows(set(ids), index),
        citations_touching(set(ids)),
        label_names=index.names,
        label_counts=index.counts,
        total=index.total,
    )


def _citation_candidates(paper_id: int, own: list[tuple[int, int]]):
    """Papers sharing references or citers with the paper, most shared first,
    and the citation rows that show it."""
    refs = {cited for citing, cited in own if citing == paper_id}
    citers = {citing for citing, cited in own if cited == paper_id}
    rows = list(
        published_citations()
        .filter(Q(cited_id__in=refs) | Q(citing_id__in=citers))
        .order_by("pk")
        .values_list("citing_id", "cited_id")[:SECOND_HOP_ROWS]
    )
    shared = Counter(refs | citers)
    for citing, cited in rows:
        if cited in refs:
            shared[citing] += 1
        if citing in citers:
            shared[cited] += 1
    shared.pop(paper_id, None)
    ranked = sorted(shared, key=lambda pk: (-shared[pk], pk))
    return ranked[:CITATION_CANDIDATES], rows


def _label_candidates(paper_id: int) -> list[int]:
    own = Label.objects.filter(paper_id=paper_id).values("node_id")
    rows = (
        Label.objects.filter(node_id__in=own, paper__status=Status.PUBLISHED)
        .exclude(paper_id=paper_id)
        .values("paper_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "-paper_id")[:LABEL_CANDIDATES]
    )
    return [row["paper_id"] for row in rows]


def title_similarities(paper: Paper) -> dict[int, float]:
    """Papers with similar titles (PostgreSQL trigrams; nothing on SQLite)."""
    if not settings.IS_POSTGRES or not paper.title:
        return {}
    title = paper.title.upper()
    rows = (
        Paper.objects.published()
        .annotate(upper_title=Upper("title"))
        .filter(upper_title__trigram_similar=title)
        .exclude(pk=paper.pk)
        .annotate(similarity=TrigramSimilarity(Upper("title"), title))
        .order_by("-similarity", "pk")
        .values_list("pk", "similarity")[:TEXT_CANDIDATES]
    )
    return {pk: float(value) for pk, value in rows}


def neighbourhood_corpus(paper: Paper, index: LabelIndex):
    """The paper and its candidate similar papers, bounded in size; and the
    title similarities found on the way."""
    own = citations_touching({paper.pk})
    by_citation, second_hop = _citation_candidates(paper.pk, own)
    text = title_similarities(paper)
    ids = {paper.pk, *by_citation, *_label_candidates(paper.pk), *text}
    references, citers = degree_counts(ids)
    corpus = build_corpus(
        paper_rows(ids, index),
        own + second_hop,
        label_names=index.names,
        label_counts=index.counts,
        total=index.total,
        reference_counts=references,
        citer_counts=citers,
    )
    return corpus, text
