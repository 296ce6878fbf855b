"""Typed, weighted graphs of a set of papers, and their force-directed layout."""

from collections import defaultdict
from itertools import combinations

import networkx as nx

from papers.graph.corpus import LABEL_KINDS, SEED, Corpus
from papers.graph.similarity import cosine, similarity_score

SIMILARITY_KINDS = ("coupling", "cocitation", "labels")
#: A reference, citer or label shared by more members than this links so many
#: pairs that it says little about any one of them, and counting its pairs would
#: cost quadratic time; such hubs make no edges of their own.
HUB_CAP = 40


def node_attributes(corpus: Corpus, paper: int) -> dict:
    """What a node carries: metadata, and taxonomy labels as "; "-joined names
    per kind, plus `application`: the paper's most common application label."""
    row = corpus.papers[paper]
    attributes = {"key": row.key, "title": row.title, "year": row.year}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for label in sorted(row.labels):
        by_kind[label.partition(":")[0]].append(label)
    for kind in LABEL_KINDS:
        names = [corpus.label_name(label) for label in by_kind[kind]]
        attributes[f"{kind}_labels"] = "; ".join(names)
    # Ancestors are among the labels, so the most common application is a root.
    applications = sorted(
        by_kind["application"], key=lambda x: (-corpus.label_counts.get(x, 0), x)
    )
    top = applications[0] if applications else ""
    attributes["application"] = corpus.label_name(top) if top else ""
    attributes["application_slug"] = top.partition(":")[2]
    return attributes


def _pair_counts(corpus: Corpus, members: list[int]) -> dict[tuple, list]:
    """[shared references, shared citers, shared label weight] per member pair."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for member in members:
        for cited in corpus.references.get(member, ()):
            groups[(0, cited)].append(member)
        for citer in corpus.citers.get(member, ()):
            groups[(1, citer)].append(member)
        for label in corpus.labels(member):
            groups[(2, label)].append(member)
    pairs: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0])
    for (kind, shared), group in groups.items():
        if not 1 < len(group) <= HUB_CAP:
            continue
        amount = corpus.label_weight(shared) if kind == 2 else 1
        for pair in combinations(sorted(group), 2):
            pairs[pair][kind] += amount
    return pairs


def _similarity_edges(corpus: Corpus, members: list[int]) -> dict[tuple, tuple]:
    """(score, {kind: weight}) per member pair with anything in common."""
    label_weight = {m: sum(map(corpus.label_weight, corpus.labels(m))) for m in members}
    scored = {}
    for (a, b), (refs, cits, shared) in _pair_counts(corpus, members).items():
        union = label_weight[a] + label_weight[b] - shared
        parts = {
            "coupling": cosine(
                refs, corpus.reference_count(a), corpus.reference_count(b)
            ),
            "cocitation": cosine(cits, corpus.citer_count(a), corpus.citer_count(b)),
            "labels": shared / union if union > 0 else 0.0,
        }
        scored[(a, b)] = (similarity_score(**parts, direct=False, text=0.0), parts)
    return scored


def literature_graph(
    corpus: Corpus, members, *, neighbours: int = 3
) -> nx.MultiDiGraph:
    """Members as nodes; the citations among them, and similarity edges from
    each member to its `neighbours` most similar other members."""
    members = sorted(set(members) & set(corpus.papers))
    inside = set(members)
    graph = nx.MultiDiGraph()
    for member in members:
        graph.add_node(member, **node_attributes(corpus, member))
    for citing in members:
        for cited in sorted(corpus.references.get(citing, set()) & inside):
            graph.add_edge(citing, cited, key="cites", kind="cites", weight=1.0)
    scored = _similarity_edges(corpus, members)
    ranked: dict[int, list] = defaultdict(list)
    for pair, (score, _) in scored.items():
        for end in pair:
            ranked[end].append((-score, pair))
    kept = {pair for best in ranked.values() for _, pair in sorted(best)[:neighbours]}
    for pair in sorted(kept):
        for kind, weight in scored[pair][1].items():
            if weight > 0:
                graph.add_edge(*pair, key=kind, kind=kind, weight=round(weight, 6))
    for member in members:
        graph.nodes[member]["citations"] = sum(
            1 for _, _, kind in graph.in_edges(member, keys=True) if kind == "cites"
        )
    return graph


def layout(
    graph: nx.MultiDiGraph, *, seed: int = SEED, iterations: int = 50
) -> dict[int, tuple[float, float]]:
    """Force-directed positions in the unit square. The same graph always gets
    the same positions; the fixed number of iterations bounds the cost."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v, weight in graph.edges(data="weight"):
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += weight
        else:
            simple.add_edge(u, v, weight=weight)
    if len(simple) <= 1:
        return dict.fromkeys(simple, (0.5, 0.5))
    positions = nx.spring_layout(
        simple, seed=seed, iterations=iterations, weight="weight"
    )
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    low_x, low_y = min(xs), min(ys)
    span_x, span_y = (max(xs) - low_x) or 1.0, (max(ys) - low_y) or 1.0
    return {
        node: (
            round((float(x) - low_x) / span_x, 5),
            round((float(y) - low_y) / span_y, 5),
        )
        for node, (x, y) in positions.items()
    }
