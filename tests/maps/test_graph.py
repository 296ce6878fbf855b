"""The pure graph module on a small graph whose answers are known by hand."""

import io
import json
import math

import networkx as nx
import pytest

from papers.graph import (
    PaperRow,
    build_corpus,
    community_names,
    derivative_works,
    export_graph,
    graph_metrics,
    layout,
    literature_graph,
    prior_works,
    similar_papers,
    similarity,
    to_cytoscape,
    to_gexf,
    to_graphml,
    to_node_link,
)

IMAGE, CAPTION = "modality:image", "application:image-description"
ATTENTION = "method:attention-image"
A, B, C, D, E, F, G, H, X = range(1, 10)
CITATIONS = [
    (A, C), (A, D), (A, E),
    (B, C), (B, D), (B, F),
    (G, A), (G, B),
    (H, A), (H, B), (H, C),
]  # fmt: skip
LABELS = {
    A: {IMAGE, CAPTION, ATTENTION},
    B: {IMAGE, CAPTION},
    X: {IMAGE, ATTENTION},
    C: {IMAGE},
}
NAMES = {IMAGE: "Image", CAPTION: "Image description", ATTENTION: "Attention-based"}


def rows():
    keys = dict(zip(range(1, 10), "abcdefghx", strict=True))
    return [
        PaperRow(pid, f"{key}2020", f"Paper {key.upper()}", 2010 + pid,
                 frozenset(LABELS.get(pid, ())))
        for pid, key in keys.items()
    ]  # fmt: skip


@pytest.fixture
def corpus():
    return build_corpus(rows(), CITATIONS, label_names=NAMES)


def test_similarity_counts_shared_references_citers_and_labels(corpus):
    found = similarity(corpus, A, B)
    assert (found.coupling, found.cocitation) == (2, 2)
    assert set(found.shared_labels) == {"Image", "Image description"}
    assert found.reasons[:2] == [
        "cites 2 of the same papers",
        "cited together by 2 papers",
    ]
    assert found.reasons[2].startswith("both: Image description + Image")


def test_similar_papers_rank_citation_evidence_above_a_shared_label(corpus):
    ranked = similar_papers(corpus, A, limit=20)
    order = [item.paper for item in ranked]
    assert order[0] == B
    assert order.index(X) < order.index(D), "a rare shared method outranks nothing"
    assert E in order and "this paper cites it" in ranked[order.index(E)].reasons
    assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:], strict=False))
    assert A not in order
    assert len(similar_papers(corpus, A, limit=2)) == 2


def test_similar_papers_without_anything_in_common_is_empty():
    lonely = build_corpus([PaperRow(1, "a", "A"), PaperRow(2, "b", "B")], [])
    assert similar_papers(lonely, 1) == []


def test_text_similarity_adds_to_the_score_and_gives_a_reason(corpus):
    plain = similarity(corpus, A, F)
    titled = similarity(corpus, A, F, text=0.8)
    assert titled.score == pytest.approx(plain.score + 0.4)
    assert "similar title" in titled.reasons and "similar title" not in plain.reasons


def test_prior_works_are_most_cited_by_the_members(corpus):
    assert prior_works(corpus, [A, B]) == [(C, 2), (D, 2)]
    assert prior_works(corpus, [A, B], min_links=1)[2:] == [(E, 1), (F, 1)]
    assert prior_works(corpus, [A, B, H], exclude=[C]) == [(D, 2)]


def test_derivative_works_cite_many_of_the_members(corpus):
    assert derivative_works(corpus, [A, B, C]) == [(H, 3), (G, 2)]
    assert derivative_works(corpus, [A, B], exclude=[H]) == [(G, 2)]


def test_literature_graph_has_typed_weighted_edges(corpus):
    graph = literature_graph(corpus, [A, B, C, G, X])
    assert set(graph.nodes) == {A, B, C, G, X}
    assert graph.has_edge(A, C, key="cites") and graph.has_edge(G, A, key="cites")
    assert not graph.has_edge(A, D, key="cites"), "D is not a member"
    # coupling through the members' references, co-citation through their citers
    # (both counted over the whole corpus, not only inside the set)
    assert graph[A][B]["coupling"]["weight"] == pytest.approx(2 / 3, abs=1e-6)
    assert graph[A][B]["cocitation"]["weight"] == pytest.approx(1.0)
    assert graph[A][X]["labels"]["kind"] == "labels"
    assert graph.nodes[C]["citations"] == 2  # A and B cite C inside the set
    assert graph.nodes[A]["modality_labels"] == "Image"
    assert graph.nodes[A]["application"] == "Image description"


def test_layout_is_deterministic_and_in_the_unit_square(corpus):
    graph = literature_graph(corpus, range(1, 10))
    first, second = layout(graph), layout(graph)
    assert first == second
    assert set(first) == set(range(1, 10))
    xs = [x for x, _ in first.values()] + [y for _, y in first.values()]
    assert min(xs) == 0 and max(xs) == 1
    assert layout(literature_graph(corpus, [A])) == {A: (0.5, 0.5)}


def test_pagerank_order_and_degrees(corpus):
    metrics = graph_metrics(range(1, 10), CITATIONS)
    order = sorted(metrics.pagerank, key=lambda n: -metrics.pagerank[n])
    assert order[0] == C
    assert metrics.pagerank[C] > metrics.pagerank[D] > metrics.pagerank[E]
    assert metrics.pagerank[A] == pytest.approx(metrics.pagerank[B])
    assert math.isclose(sum(metrics.pagerank.values()), 1.0, rel_tol=1e-6)
    assert (metrics.cited_by[C], metrics.references[H]) == (3, 3)


def test_pagerank_agrees_with_networkx(corpus):
    graph = nx.DiGraph(CITATIONS)
    graph.add_nodes_from(range(1, 10))
    expected = nx.pagerank(graph, alpha=0.85, tol=1e-10)
    metrics = graph_metrics(range(1, 10), CITATIONS + [(A, A), (A, C)])
    assert metrics.pagerank == pytest.approx(expected, abs=1e-6)
    assert metrics.cited_by[C] == 3, "a repeated citation and a self-citation count 0"


def test_communities_split_two_cliques_joined_by_one_citation():
    left, right = range(0, 6), range(10, 16)
    cites = [(a, b) for group in (left, right) for a in group for b in group if a < b]
    metrics = graph_metrics([*left, *right, 20], [*cites, (5, 10)])
    assert metrics.communities == [list(left), list(right), [20]]
    assert metrics.community[3] == 0 and metrics.community[20] == 2


def test_communities_are_stable_and_cover_every_paper(corpus):
    topics = [(p, label) for p, labels in LABELS.items() for label in labels]
    first = graph_metrics(range(1, 10), CITATIONS, topics)
    second = graph_metrics(range(1, 10), CITATIONS, topics)
    assert first.communities == second.communities
    assert sorted(p for group in first.communities for p in group) == list(range(1, 10))
    assert all(
        first.community[p] == i for i, g in enumerate(first.communities) for p in g
    )


def test_communities_are_named_after_their_most_common_application():
    applications = {1: ["app:video"], 2: ["app:video"], 3: ["app:image"], 4: []}
    names = {"app:video": "Video description", "app:image": "Image description"}
    named = community_names([[1, 2, 3], [4], [3]], applications, names)
    assert named == [
        ("app:video", "Video description"),
        (None, "unlabelled papers"),
        ("app:image", "Image description"),
    ]
    twice = community_names([[1], [2]], applications, names)
    assert [name for _, name in twice] == ["Video description", "Video description (2)"]


def test_graphml_read_back_by_networkx_is_the_same_graph(corpus):
    graph = literature_graph(corpus, range(1, 10))
    expected = export_graph(graph)
    again = nx.read_graphml(io.StringIO(to_graphml(graph)))
    assert set(again.nodes) == set(expected.nodes) == {row.key for row in rows()}
    assert dict(again.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(again.edges(keys=True, data=True)) == sorted(
        expected.edges(keys=True, data=True)
    )
    assert again.nodes["a2020"]["method_labels"] == "Attention-based"


def test_gexf_cytoscape_and_node_link_keep_nodes_edges_and_labels(corpus):
    graph = literature_graph(corpus, range(1, 10))
    expected = export_graph(graph)
    gexf = nx.read_gexf(io.BytesIO(to_gexf(graph).encode()))
    assert set(gexf.edges(keys=True)) == set(expected.edges(keys=True))
    assert gexf.nodes["a2020"]["application"] == "Image description"
    cyto = nx.cytoscape_graph(json.loads(json.dumps(to_cytoscape(graph))))
    assert set(cyto.nodes) == set(expected.nodes)
    assert cyto.number_of_edges() == expected.number_of_edges()
    linked = nx.node_link_graph(to_node_link(graph), edges="edges")
    assert dict(linked.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(linked.edges(keys=True, data=True)) == sorted(
        expected.edges(keys=True, data=True)
    )
