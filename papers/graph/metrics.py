"""Whole-graph measures: PageRank, citation degree and communities (Louvain)."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from papers.graph.corpus import SEED

#: How strongly a shared taxonomy label ties papers into one community, against
#: 1 for a citation: enough to group papers no citation links, not enough to
#: override the citations.
TOPIC_WEIGHT = 0.3


@dataclass(frozen=True)
class GraphMetrics:
    """Per-paper PageRank and degrees, and the communities (biggest first)."""

    pagerank: dict[int, float]
    cited_by: dict[int, int]
    references: dict[int, int]
    community: dict[int, int]
    communities: list[list[int]]


def _pagerank(papers: list[int], citations: list[tuple[int, int]]):
    graph = nx.DiGraph()
    graph.add_nodes_from(papers)
    graph.add_edges_from(citations)
    if len(graph) == 0:
        return {}, {}, {}
    pagerank = nx.pagerank(graph, alpha=0.85, tol=1e-8)
    return (
        {n: float(v) for n, v in pagerank.items()},
        dict(graph.in_degree()),
        dict(graph.out_degree()),
    )


def _communities(papers, citations, topic_links, seed) -> list[list[int]]:
    """Louvain over citations plus paper-topic ties (a topic is a negative id
    node, so that a label links its papers in linear, not quadratic, edges)."""
    graph = nx.Graph()
    graph.add_nodes_from(papers)
    graph.add_edges_from(citations, weight=1.0)
    topics: dict[str, int] = {}
    for paper, topic in topic_links:
        node = topics.setdefault(topic, -1 - len(topics))
        graph.add_edge(paper, node, weight=TOPIC_WEIGHT)
    if len(graph) == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = [sorted(n for n in group if n >= 0) for group in found]
    groups = [group for group in groups if group]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return groups


def graph_metrics(
    papers: Iterable[int],
    citations: Iterable[tuple[int, int]],
    topic_links: Iterable[tuple[int, str]] = (),
    *,
    seed: int = SEED,
) -> GraphMetrics:
    """Measures over the whole graph. Paper ids must be non-negative integers;
    citations to papers not listed are ignored."""
    papers = sorted(set(papers))
    known = set(papers)
    citations = [(a, b) for a, b in citations if a != b and a in known and b in known]
    pagerank, cited_by, references = _pagerank(papers, citations)
    topic_links = [(p, t) for p, t in topic_links if p in known]
    communities = _communities(papers, citations, topic_links, seed)
    membership = {p: index for index, group in enumerate(communities) for p in group}
    return GraphMetrics(pagerank, cited_by, references, membership, communities)


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
