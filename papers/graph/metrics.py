"""Whole-graph measures: PageRank, citation degree and communities (Louvain).

Computed on integer index arrays with numpy and scipy.sparse, so that 100,000
papers and 1,000,000 citations fit in seconds and a few hundred megabytes:
PageRank by power iteration on a sparse matrix, communities by the Louvain
method (local moves in a fixed seeded order, then the communities merged into
nodes, level after level). The same input and seed always give the same result.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from papers.graph.corpus import SEED

#: How strongly a shared taxonomy label ties papers into one community, against
#: 1 for a citation: enough to group papers no citation links, not enough to
#: override the citations.
TOPIC_WEIGHT = 0.3
#: PageRank: damping, and the L1 change per node at which iteration stops.
ALPHA, TOLERANCE, MAX_ITERATIONS = 0.85, 1e-8, 200
#: Louvain: a level that raises modularity by less than this is the last one.
MIN_GAIN = 1e-7
#: Louvain: a pass of local moves that raises modularity by less than this ends
#: the level (the last passes move a few dozen nodes for a gain near zero).
MIN_PASS_GAIN = 1e-4


@dataclass(frozen=True)
class GraphMetrics:
    """Per-paper PageRank and degrees, and the communities (biggest first)."""

    pagerank: dict[int, float]
    cited_by: dict[int, int]
    references: dict[int, int]
    community: dict[int, int]
    communities: list[list[int]]


def _edge_array(pairs) -> np.ndarray:
    """(citing, cited) pairs as an (n, 2) int64 array; any iterable or array."""
    if isinstance(pairs, np.ndarray):
        return pairs.astype(np.int64, copy=False).reshape(-1, 2)
    flat = np.fromiter((x for pair in pairs for x in pair), dtype=np.int64)
    return flat.reshape(-1, 2)


def pagerank_scores(n: int, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """PageRank of nodes 0..n-1 for the edges sources[i] -> targets[i] (no
    duplicates): power iteration, a node without out-links spreading its rank
    evenly over all nodes."""
    if n == 0:
        return np.zeros(0)
    out = np.bincount(sources, minlength=n).astype(float)
    weight = np.divide(1.0, out, out=np.zeros(n), where=out > 0)[sources]
    # transition[t, s] = 1/out(s) for every edge s -> t
    transition = sparse.csr_array((weight, (targets, sources)), shape=(n, n))
    dangling = out == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(MAX_ITERATIONS):
        previous = rank
        spread = rank[dangling].sum() / n
        rank = ALPHA * (transition @ rank + spread) + (1 - ALPHA) / n
        if np.abs(rank - previous).sum() < n * TOLERANCE:
            break
    return rank / rank.sum()


def _local_moves(graph: sparse.csr_array, order: np.ndarray) -> tuple[list, int]:
    """One Louvain level: move nodes (in `order`, pass after pass) to the
    neighbouring community that raises modularity most. After the first pass,
    a pass visits only the nodes next to one that moved in the pass before; the
    level ends when a pass raises modularity by less than MIN_PASS_GAIN.
    Returns the community of each node and the number of moves."""
    n = graph.shape[0]
    degree = np.asarray(graph.sum(axis=1)).ravel().tolist()
    two_m = float(graph.sum())
    links_only = graph.copy()
    links_only.setdiag(0)
    links_only.eliminate_zeros()
    indptr, indices = links_only.indptr.tolist(), links_only.indices.tolist()
    weights = links_only.data.tolist()
    community = list(range(n))
    total = list(degree)
    visit, moves = order, 0
    while len(visit):
        improved, moved = 0.0, np.zeros(n, dtype=bool)
        for node in visit.tolist():
            here, k = community[node], degree[node]
            start, end = indptr[node], indptr[node + 1]
            links: dict[int, float] = defaultdict(float)
            for other, w in zip(indices[start:end], weights[start:end], strict=True):
                links[community[other]] += w
            total[here] -= k
            share = k / two_m
            best, best_gain = here, links.get(here, 0.0) - total[here] * share
            stay = best_gain
            for group, w in links.items():
                gain = w - total[group] * share
                if gain > best_gain + 1e-12:
                    best, best_gain = group, gain
            total[best] += k
            if best != here:
                community[node] = best
                moved[node] = True
                improved += 2 * (best_gain - stay) / two_m
        moves += int(moved.sum())
        if improved < MIN_PASS_GAIN:
            break
        touched = links_only @ moved.astype(float) > 0
        visit = order[touched[order]]
    return community, moves


def _modularity(graph: sparse.csr_array) -> float:
    """Modularity of an aggregated graph whose nodes are the communities."""
    two_m = graph.sum()
    degree = np.asarray(graph.sum(axis=1)).ravel() / two_m
    return float(graph.diagonal().sum() / two_m - (degree**2).sum())


def louvain(adjacency: sparse.csr_array, seed: int = SEED) -> np.ndarray:
    """Community number of each node of a symmetric weighted adjacency matrix
    (Louvain; the seed fixes the order in which nodes are visited)."""
    n = adjacency.shape[0]
    membership = np.arange(n)
    if n == 0 or adjacency.nnz == 0:
        return membership
    rng = np.random.default_rng(seed)
    graph, quality = adjacency.tocsr(), -1.0
    while True:
        community, moves = _local_moves(graph, rng.permutation(graph.shape[0]))
        if not moves:
            break
        _, labels = np.unique(np.asarray(community), return_inverse=True)
        size = int(labels.max()) + 1
        merge = sparse.csr_array(
            (np.ones(len(labels)), (np.arange(len(labels)), labels)),
            shape=(len(labels), size),
        )
        merged = (merge.T @ graph @ merge).tocsr()
        gain = _modularity(merged) - quality
        membership, graph, quality = labels[membership], merged, quality + gain
        if gain <= MIN_GAIN or size == len(labels):
            break
    return membership


def _communities(ids, edges, topic_links, seed) -> list[list[int]]:
    """Louvain over citations plus paper-topic ties (a topic is a node of its
    own, so that a label links its papers in linear, not quadratic, edges)."""
    n = len(ids)
    topics: dict[str, int] = {}
    topic_rows = [
        (paper, topics.setdefault(topic, n + len(topics)))
        for paper, topic in topic_links
    ]
    size = n + len(topics)
    if size == 0:
        return []
    rows, cols = edges[:, 0], edges[:, 1]
    weights = np.ones(len(rows))
    if topic_rows:
        papers, nodes = np.array(topic_rows, dtype=np.int64).T
        rows = np.concatenate([rows, np.searchsorted(ids, papers)])
        cols = np.concatenate([cols, nodes])
        weights = np.concatenate([weights, np.full(len(nodes), TOPIC_WEIGHT)])
    # Symmetric: an edge a-b weighs the same from both ends; duplicates add up.
    adjacency = sparse.csr_array(
        (np.concatenate([weights, weights]),
         (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
        shape=(size, size),
    )  # fmt: skip
    adjacency.sum_duplicates()
    membership = louvain(adjacency, seed)[:n]
    groups: dict[int, list[int]] = defaultdict(list)
    for paper, label in zip(ids.tolist(), membership.tolist(), strict=True):
        groups[label].append(paper)
    return sorted(groups.values(), key=lambda group: (-len(group), group[0]))


def graph_metrics(
    papers: Iterable[int],
    citations,
    topic_links: Iterable[tuple[int, str]] = (),
    *,
    seed: int = SEED,
) -> GraphMetrics:
    """Measures over the whole graph. Paper ids must be non-negative integers;
    citations (pairs, or an (n, 2) array) to papers not listed are ignored."""
    ids = np.unique(np.fromiter(papers, dtype=np.int64))
    pairs = _edge_array(citations)
    known = np.isin(pairs[:, 0], ids) & np.isin(pairs[:, 1], ids)
    pairs = pairs[known & (pairs[:, 0] != pairs[:, 1])]
    edges = np.unique(np.searchsorted(ids, pairs), axis=0).reshape(-1, 2)
    n = len(ids)
    rank = pagerank_scores(n, edges[:, 0], edges[:, 1])
    cited_by = np.bincount(edges[:, 1], minlength=n)
    references = np.bincount(edges[:, 0], minlength=n)
    keys = ids.tolist()
    present = set(keys)
    topic_links = [(p, t) for p, t in topic_links if p in present]
    communities = _communities(ids, edges, topic_links, seed)
    membership = {p: index for index, group in enumerate(communities) for p in group}
    return GraphMetrics(
        dict(zip(keys, rank.tolist(), strict=True)),
        dict(zip(keys, cited_by.tolist(), strict=True)),
        dict(zip(keys, references.tolist(), strict=True)),
        membership,
        communities,
    )


def community_names(
    communities: list[list[int]],
    applications: Mapping[int, Iterable[str]],
    names: Mapping[str, str],
) -> list[tuple[str | None, str]]:
    """(label, name) per community: its members' most common application label
    (ties: the label's name), numbered when two communities share it."""
    result, used = [], Counter()
    for group in communities:
        counts = Counter(label for p in group for label in applications.get(p, ()))
        if counts:
            label = min(counts, key=lambda x: (-counts[x], names.get(x, x)))
            name = names.get(label, label)
        else:
            label, name = None, "unlabelled papers"
        used[name] += 1
        result.append((label, name if used[name] == 1 else f"{name} ({used[name]})"))
    return result
