"""Similar papers, standings, top papers, coverage and trends on the survey."""

import pytest
from django.core.cache import cache
from django.db import connection

from maps import selectors
from maps.corpus import label_index, paper_rows, title_similarities
from maps.models import PaperMetric
from papers.graph import layout
from papers.models import Citation, Label, Paper, Status
from taxonomy.models import Kind, Node


def paper(key: str) -> Paper:
    return Paper.objects.get(citation_key=key)


def test_similar_papers_are_ranked_with_reasons(survey):
    similar = selectors.similar_papers(paper("vinyals2015show"), limit=10)
    assert len(similar) == 10
    assert [s.score for s in similar] == sorted(
        (s.score for s in similar), reverse=True
    )
    assert all(s.reasons for s in similar)
    keys = [s.key for s in similar]
    assert "vinyals2015show" not in keys
    assert "xu2015show" in keys[:3], keys  # the closest follow-up work
    xu = similar[keys.index("xu2015show")]
    assert any(r.startswith("cited together by") for r in xu.reasons)
    assert any(r.startswith("both: ") for r in xu.reasons)


def test_similar_papers_agree_with_the_citation_table(survey):
    origin = paper("vinyals2015show")
    for item in selectors.similar_papers(origin, limit=20):
        other = paper(item.key)
        cited_together = Paper.objects.filter(citations_out__cited=origin).filter(
            citations_out__cited=other
        )
        wanted = f"cited together by {cited_together.count()} paper"
        assert (wanted in "; ".join(item.reasons)) == (cited_together.count() > 0)


def test_similar_papers_leave_out_drafts(survey):
    xu = paper("xu2015show")
    xu.status = Status.DRAFT
    xu.save()
    keys = [s.key for s in selectors.similar_papers(paper("vinyals2015show"), 30)]
    assert keys and "xu2015show" not in keys


def test_paper_map_has_the_paper_its_neighbours_and_linked_works(survey):
    origin = paper("vinyals2015show")
    found = selectors.paper_map(origin, size=12)
    keys = {key for _, key in found.graph.nodes(data="key")}
    assert "vinyals2015show" in keys and len(keys) == 13
    assert {s.key for s in found.similar} == keys - {"vinyals2015show"}
    members = Paper.objects.filter(citation_key__in=keys)
    for work in found.prior:
        citing = Citation.objects.filter(
            cited__citation_key=work.key, citing__in=members
        )
        assert citing.count() == work.count >= 2
    assert [w.count for w in found.derivative] == sorted(
        (w.count for w in found.derivative), reverse=True
    )
    assert "vinyals2015show" not in {w.key for w in found.prior + found.derivative}


def test_paper_map_reads_a_bounded_number_of_queries(
    built, django_assert_max_num_queries
):
    # 9 on PostgreSQL, where each capped citation read is one query
    origin = paper("vinyals2015show")
    with django_assert_max_num_queries(12):
        selectors.paper_map(origin, size=5)
    with django_assert_max_num_queries(12):
        selectors.paper_map(origin, size=30)


def test_set_map_caps_the_most_cited_and_keeps_the_filter(built):
    video = Node.objects.get(kind=Kind.MODALITY, slug="video")
    papers = Paper.objects.published().filter(labels__node=video).distinct()
    graph = selectors.set_map(papers, limit=5)
    assert len(graph) == 5
    kept = set(graph.nodes)
    cited = dict(PaperMetric.objects.values_list("paper_id", "cited_by"))
    rest = set(papers.values_list("pk", flat=True)) - kept
    assert min(cited[p] for p in kept) >= max(cited[p] for p in rest)
    assert all("pagerank" in data for _, data in graph.nodes(data=True))


def test_standing_names_the_cluster(built):
    standing = selectors.paper_standing(paper("vinyals2015show"))
    assert standing.central
    assert standing.text == f"central in the {standing.community.name} cluster"
    assert standing.community.name == "Multimodal Image Description"


@pytest.mark.django_db
def test_no_standing_before_the_map_is_built(survey):
    assert selectors.paper_standing(paper("vinyals2015show")) is None


def test_top_papers_for_a_node_follow_pagerank(built, django_assert_max_num_queries):
    node = Node.objects.get(kind=Kind.APPLICATION, slug="image-description")
    # The cached taxonomy (its generation, then the nodes), the papers, their
    # authors and labels, and whether the change log has writes to the graph
    # after the PageRank was computed
    with django_assert_max_num_queries(6):
        top = list(selectors.top_papers_for_node(node, limit=5))
        assert [t.labels.all()[0].node for t in top]  # prefetched
    ranks = [t.pagerank for t in top]
    assert len(top) == 5 and ranks == sorted(ranks, reverse=True)
    under = Label.objects.filter(node__in=[node, *node.children.all()])
    assert all(under.filter(paper=t).exists() for t in top)


def test_coverage_matrix_counts_papers_per_pair(survey):
    matrix = selectors.coverage_matrix(Kind.MODALITY, Kind.APPLICATION)
    rows = [r["slug"] for r in matrix["rows"]]
    cols = [c["slug"] for c in matrix["cols"]]
    n = matrix["cells"][rows.index("audio")][cols.index("speech-synthesis")]
    audio = Label.objects.filter(node__slug="audio", node__kind=Kind.MODALITY)
    speech = Label.objects.filter(node__slug="speech-synthesis")
    both = set(audio.values_list("paper", flat=True)) & set(
        speech.values_list("paper", flat=True)
    )
    assert n == len(both) > 0
    assert matrix["max"] == max(max(row) for row in matrix["cells"])
    with pytest.raises(ValueError):
        selectors.coverage_matrix("nonsense", Kind.APPLICATION)


def test_coverage_matrix_of_a_subset(survey):
    subset = Paper.objects.filter(citation_key="vinyals2015show")
    matrix = selectors.coverage_matrix(Kind.MODALITY, Kind.APPLICATION, subset)
    assert sum(map(sum, matrix["cells"])) == 2  # image and text x image description


def test_trend_table_counts_each_paper_once_per_root(survey):
    table = selectors.trend_table(Kind.APPLICATION)
    papers_2015 = Paper.objects.published().filter(
        year=2015, labels__node__kind=Kind.APPLICATION, labels__node__parent=None
    )
    assert table.loc[2015].sum() >= papers_2015.distinct().count() > 0
    assert list(table.index) == list(range(table.index.min(), table.index.max() + 1))
    assert list(table.columns)[0] == "image-description"


def test_similar_titles_give_a_reason(survey):
    similar = selectors.similar_papers(paper("vinyals2015show"), limit=20)
    assert "similar title" in next(s for s in similar if s.key == "xu2015show").reasons


def test_title_similarity_is_postgresql_trigram_similarity(postgres_only, survey):
    origin = paper("vinyals2015show")
    rows = paper_rows(Paper.objects.values_list("pk", flat=True), label_index())
    row = next(r for r in rows if r.id == origin.pk)
    scores = title_similarities(row, rows)
    assert scores[paper("xu2015show").pk] > 0.3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, similarity(%s, title) FROM papers_paper WHERE id <> %s",
            [origin.title, origin.pk],
        )
        expected = {pk: round(v, 4) for pk, v in cursor.fetchall() if v >= 0.3}
    assert scores == pytest.approx(expected, abs=1e-4)


def test_map_layout_is_cached_and_equals_a_fresh_layout(survey):
    graph = selectors.paper_map(paper("vinyals2015show"), size=6).graph
    cache.clear()
    assert selectors.map_layout(graph) == layout(graph)
    key = selectors.layout_cache_key(graph)
    assert cache.get(key) == layout(graph)
    graph.nodes[next(iter(graph))]["title"] = "changed"  # titles do not move nodes
    assert selectors.layout_cache_key(graph) == key
    cache.set(key, {"cached": (0.0, 0.0)})
    assert selectors.map_layout(graph) == {"cached": (0.0, 0.0)}
    cache.clear()


@pytest.mark.parametrize(
    ("row_kind", "col_kind"),
    [(Kind.MODALITY, Kind.APPLICATION), (Kind.METHOD, Kind.MODALITY)],
)
def test_coverage_matrix_equals_counting_each_papers_roots(survey, row_kind, col_kind):
    def root(node):
        while node.parent_id is not None:
            node = node.parent
        return node.slug

    roots_of: dict[str, dict[int, set]] = {row_kind: {}, col_kind: {}}
    labels = Label.objects.filter(paper__status="published").select_related("node")
    for label in labels:
        if label.node.kind in roots_of:
            roots_of[label.node.kind].setdefault(label.paper_id, set()).add(
                root(label.node)
            )
    matrix = selectors.coverage_matrix(row_kind, col_kind)
    for i, row in enumerate(matrix["rows"]):
        with_row = {p for p, r in roots_of[row_kind].items() if row["slug"] in r}
        assert row["total"] == len(with_row)
        for j, col in enumerate(matrix["cols"]):
            both = {p for p in with_row if col["slug"] in roots_of[col_kind].get(p, ())}
            assert matrix["cells"][i][j] == len(both), (row["slug"], col["slug"])
    for col in matrix["cols"]:
        assert col["total"] == sum(
            col["slug"] in r for r in roots_of[col_kind].values()
        )
    assert sum(map(sum, matrix["cells"])) > 0


def test_top_papers_put_ranked_papers_first_then_unranked_ones(built):
    node = Node.objects.get(kind=Kind.APPLICATION, slug="image-description")
    under = Label.objects.filter(node__in=[node, *node.children.all()])
    papers = Paper.objects.published().filter(pk__in=under.values("paper_id"))
    unranked = papers.order_by("-year", "pk").first()
    PaperMetric.objects.filter(paper=unranked).delete()
    everything = selectors.top_papers_for_node(node, limit=papers.count())
    assert len(everything) == papers.count()
    assert everything[-1] == unranked and everything[-1].pagerank is None
    ranks = [t.pagerank for t in everything[:-1]]
    assert None not in ranks and ranks == sorted(ranks, reverse=True)


def test_set_map_takes_the_most_cited_ranked_papers_then_unranked_ones(built):
    papers = Paper.objects.published()
    unranked = papers.order_by("pk").first()
    PaperMetric.objects.filter(paper=unranked).delete()
    ids = selectors.set_map_ids(papers, limit=papers.count())
    assert len(ids) == papers.count() and ids[-1] == unranked.pk
    cited = dict(PaperMetric.objects.values_list("paper_id", "cited_by"))
    counts = [cited[pk] for pk in ids[:-1]]
    assert counts == sorted(counts, reverse=True)
    assert selectors.set_map_ids(papers, limit=3) == ids[:3]
