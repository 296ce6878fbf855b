"""A graph as GraphML, GEXF, Cytoscape JSON and node-link JSON, with citation
keys as node ids and the taxonomy labels as node attributes."""

import json

import networkx as nx

#: format -> (media type, file extension)
EXPORT_FORMATS = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "cytoscape": ("application/json", "cyjs"),
    "json": ("application/json", "json"),
}


def export_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy keyed by citation key, with `label` for viewers and without empty
    values (GraphML and GEXF have no null)."""
    out = nx.MultiDiGraph(**{k: v for k, v in graph.graph.items() if v is not None})
    keys = {node: data["key"] for node, data in graph.nodes(data=True)}
    for node, data in graph.nodes(data=True):
        attributes = {k: v for k, v in data.items() if v is not None and k != "key"}
        out.add_node(keys[node], label=keys[node], **attributes)
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(keys[u], keys[v], key=key, **data)
    return out


def to_graphml(graph: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(export_graph(graph))) + "\n"


def to_gexf(graph: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_gexf(export_graph(graph))) + "\n"


def to_cytoscape(graph: nx.MultiDiGraph) -> dict:
    return nx.cytoscape_data(export_graph(graph))


def to_node_link(graph: nx.MultiDiGraph) -> dict:
    return nx.node_link_data(export_graph(graph), edges="edges")


def export_text(graph: nx.MultiDiGraph, fmt: str) -> str:
    """The graph written in one of EXPORT_FORMATS."""
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "gexf":
        return to_gexf(graph)
    if fmt == "cytoscape":
        return json.dumps(to_cytoscape(graph), ensure_ascii=False)
    if fmt == "json":
        return json.dumps(to_node_link(graph), ensure_ascii=False)
    raise ValueError(f"unknown graph format {fmt!r}")
