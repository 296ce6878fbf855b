"""Typed, weighted graphs of a set of papers, and their force-directed layout."""

import math
from collections import defaultdict
from itertools import combinations

import networkx as nx
import numpy as np
from scipy.spatial.distance import cdist

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
    pairs: dict[tuple, list] = {}
    for (kind, shared), group in groups.items():
        if not 1 < len(group) <= HUB_CAP:
            continue
        amount = corpus.label_weight(shared) if kind == 2 else 1
        for pair in combinations(sorted(group), 2):
            counts = pairs.get(pair)
            if counts is None:
                counts = pairs[pair] = [0, 0, 0.0]
            counts[kind] += amount
    return pairs


def _similarity_edges(corpus: Corpus, members: list[int]) -> dict[tuple, tuple]:
    """(score, {kind: weight}) per member pair with anything in common."""
    label_weight = {m: sum(map(corpus.label_weight, corpus.labels(m))) for m in members}
    references = {m: corpus.reference_count(m) for m in members}
    citers = {m: corpus.citer_count(m) for m in members}
    scored = {}
    for (a, b), (refs, cits, shared) in _pair_counts(corpus, members).items():
        union = label_weight[a] + label_weight[b] - shared
        parts = {
            "coupling": cosine(refs, references[a], references[b]),
            "cocitation": cosine(cits, citers[a], citers[b]),
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


def _forces(pos, rows, cols, weights, k2):
    """Fruchterman-Reingold displacement: every pair repels (k^2/d), every
    edge attracts (weight * d^2/k). The pairwise sums use sum_j p_ij (x_i - x_j)
    = x_i sum_j p_ij - sum_j p_ij x_j, over squared distances from scipy."""
    push = cdist(pos, pos, "sqeuclidean")
    np.maximum(push, 1e-4, out=push)
    np.divide(k2, push, out=push)
    np.fill_diagonal(push, 0.0)
    total = push.sum(axis=1)
    x, y = pos[:, 0], pos[:, 1]
    fx, fy = x * total - push.dot(x), y * total - push.dot(y)
    ex, ey = x[rows] - x[cols], y[rows] - y[cols]
    pull = weights * np.sqrt(ex * ex + ey * ey) / math.sqrt(k2)
    fx -= np.bincount(rows, ex * pull, minlength=len(pos))
    fy -= np.bincount(rows, ey * pull, minlength=len(pos))
    return fx, fy


def layout(
    graph: nx.MultiDiGraph, *, seed: int = SEED, iterations: int = 50
) -> dict[int, tuple[float, float]]:
    """Force-directed positions (Fruchterman-Reingold, vectorised with numpy
    and scipy) in the unit square. The same graph always gets the same
    positions; the fixed number of iterations bounds the cost (under 1 ms an
    iteration at 500 nodes)."""
    nodes = sorted(graph.nodes)
    if len(nodes) <= 1:
        return dict.fromkeys(nodes, (0.5, 0.5))
    index = {node: i for i, node in enumerate(nodes)}
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, weight in graph.edges(data="weight"):
        if u != v:
            pairs[min(index[u], index[v]), max(index[u], index[v])] += weight or 0.0
    ends = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([ends[:, 0], ends[:, 1]])
    cols = np.concatenate([ends[:, 1], ends[:, 0]])
    weights = np.tile(np.array(list(pairs.values()), dtype=float), 2)
    pos = np.random.default_rng(seed).random((len(nodes), 2))
    k2, step = 1.0 / len(nodes), 0.1
    for _ in range(iterations):
        fx, fy = _forces(pos, rows, cols, weights, k2)
        scale = step / np.maximum(np.sqrt(fx * fx + fy * fy), 0.01)
        pos[:, 0] += fx * scale
        pos[:, 1] += fy * scale
        step -= 0.1 / (iterations + 1)
    low, span = pos.min(axis=0), pos.max(axis=0) - pos.min(axis=0)
    span[span == 0] = 1.0
    scaled = (pos - low) / span
    return {
        node: (round(float(x), 5), round(float(y), 5))
        for node, (x, y) in zip(nodes, scaled, strict=True)
    }
