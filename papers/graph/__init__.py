"""The literature graph: papers, citations and similarity, computed on plain rows.

Pure (networkx, no Django): selectors hand in rows, these functions return
similarity scores with their reasons, prior and derivative works, typed graphs,
layouts, whole-graph metrics and export text. Nodes are paper ids (integers)
until an export relabels them to citation keys.

Edge kinds: "cites" (directed, citing -> cited) and three symmetric similarity
kinds, stored once from the lower to the higher id: "coupling" (both cite the
same papers), "cocitation" (cited together by the same papers) and "labels"
(share taxonomy labels, each weighted by how rare it is).
"""

from papers.graph.corpus import LABEL_KINDS, SEED, Corpus, PaperRow, build_corpus
from papers.graph.exports import (
    EXPORT_FORMATS,
    export_graph,
    export_text,
    to_cytoscape,
    to_gexf,
    to_graphml,
    to_node_link,
)
from papers.graph.metrics import (
    GraphMetrics,
    community_names,
    graph_metrics,
)
from papers.graph.network import (
    SIMILARITY_KINDS,
    layout,
    literature_graph,
    node_attributes,
)
from papers.graph.similarity import (
    Similarity,
    derivative_works,
    prior_works,
    similar_papers,
    similarity,
    similarity_score,
    title_similarity,
    trigrams,
)

__all__ = [
    "EXPORT_FORMATS",
    "LABEL_KINDS",
    "SEED",
    "SIMILARITY_KINDS",
    "Corpus",
    "GraphMetrics",
    "PaperRow",
    "Similarity",
    "build_corpus",
    "community_names",
    "derivative_works",
    "export_graph",
    "export_text",
    "graph_metrics",
    "layout",
    "literature_graph",
    "node_attributes",
    "prior_works",
    "similar_papers",
    "similarity",
    "similarity_score",
    "to_cytoscape",
    "to_gexf",
    "to_graphml",
    "title_similarity",
    "to_node_link",
    "trigrams",
]
