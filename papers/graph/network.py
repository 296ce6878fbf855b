"""Typed, weighted graphs of a set of papers, and their force-directed layout."""

import math
from collections import defaultdict

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


#: A member pair (a < b) is the integer a << SHIFT | b: counting hundreds of
#: thousands of pairs then leaves only numbers behind, which the garbage
#: collector does not trace (paper ids are below 2**32).
SHIFT, LOW = 32, (1 << 32) - 1


def _pair_counts(corpus: Corpus, members: list[int]):
    """Shared references, shared citers and shared label weight per member
    pair, as three dicts keyed by pair."""
    inside = set(members)
    counts = (defaultdict(int), defaultdict(int), defaultdict(float))

    def add(kind: int, group, amount) -> None:
        if 1 < len(group) <= HUB_CAP:
            ordered, table = sorted(group), counts[kind]
            for i, a in enumerate(ordered):
                high = a << SHIFT
                for b in ordered[i + 1 :]:
                    table[high | b] += amount

    references = set().union(*(corpus.references.get(m, ()) for m in members))
    for cited in sorted(references):
        add(0, corpus.citers.get(cited, set()) & inside, 1)
    citers = set().union(*(corpus.citers.get(m, ()) for m in members))
    for citer in sorted(citers):
        add(1, corpus.references.get(citer, set()) & inside, 1)
    by_label: dict[str, list[int]] = defaultdict(list)
    for member in members:
        for label in corpus.labels(member):
            by_label[label].append(member)
    for label in sorted(by_label):
        add(2, by_label[label], corpus.label_weight(label))
    return counts


class _Similarities:
    """Similarity of member pairs with anything in common: the score of each,
    and its parts ({kind: weight}) on demand."""

    def __init__(self, corpus: Corpus, members: list[int]):
        self.counts = _pair_counts(corpus, members)
        self.label_weight = {
            m: sum(map(corpus.label_weight, corpus.labels(m))) for m in members
        }
        self.references = {m: corpus.reference_count(m) for m in members}
        self.citers = {m: corpus.citer_count(m) for m in members}
        keys = set(self.counts[0]).union(self.counts[1], self.counts[2])
        self.scores = {
            key: similarity_score(**self.parts(key), direct=False, text=0.0)
            for key in keys
        }

    def parts(self, key: int) -> dict[str, float]:
        a, b = key >> SHIFT, key & LOW
        refs, cits = self.counts[0].get(key, 0), self.counts[1].get(key, 0)
        shared = self.counts[2].get(key, 0.0)
        union = self.label_weight[a] + self.label_weight[b] - shared
        return {
            "coupling": cosine(refs, self.references[a], self.references[b]),
            "cocitation": cosine(cits, self.citers[a], self.citers[b]),
            "labels": shared / union if union > 0 else 0.0,
        }

    def best(self, neighbours: int) -> list[int]:
        """The pairs among each member's `neighbours` best, in pair order."""
        ranked: dict[int, list[int]] = defaultdict(list)
        for key in self.scores:
            ranked[key >> SHIFT].append(key)
            ranked[key & LOW].append(key)
        order = lambda key: (-self.scores[key], key)  # noqa: E731
        kept = set()
        for keys in ranked.values():
            kept.update(sorted(keys, key=order)[:neighbours])
        return sorted(kept)


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
    citations = dict.fromkeys(members, 0)
    for citing in members:
        for cited in sorted(corpus.references.get(citing, set()) & inside):
            graph.add_edge(citing, cited, key="cites", kind="cites", weight=1.0)
            citations[cited] += 1
    similar = _Similarities(corpus, members)
    for key in similar.best(neighbours):
        pair = key >> SHIFT, key & LOW
        for kind, weight in similar.parts(key).items():
            if weight > 0:
                graph.add_edge(*pair, key=kind, kind=kind, weight=round(weight, 6))
    for member in members:
        graph.nodes[member]["citations"] = citations[member]
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
