"""Reads of the taxonomy: trees, descendants and paper counts."""

from collections import defaultdict
from dataclasses import dataclass, field

from taxonomy.cache import kept_in_process
from taxonomy.models import Kind, Node


@dataclass
class TreeNode:
    """A node, its children and the number of papers under it (descendants too)."""

    node: Node
    paper_count: int = 0
    children: list["TreeNode"] = field(default_factory=list)


@dataclass
class TaxonomyMap:
    """Every node (in tree order: kind, position, name) with lookups by slug
    and the links between parents and children; read once per data generation."""

    nodes: dict[int, Node]
    by_slug: dict[tuple[str, str], Node]
    children: dict[int, list[int]]

    @classmethod
    def from_nodes(cls, nodes: list[Node]) -> "TaxonomyMap":
        children: dict[int, list[int]] = defaultdict(list)
        for node in nodes:
            if node.parent_id is not None:
                children[node.parent_id].append(node.pk)
        return cls(
            nodes={node.pk: node for node in nodes},
            by_slug={(node.kind, node.slug): node for node in nodes},
            children=dict(children),
        )

    def descendants(self, node_ids) -> set[int]:
        """The given nodes and every node below them."""
        found, stack = set(), list(node_ids)
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, ()))
        return found

    def ancestry(self, node_id: int) -> list[int]:
        """The node itself, its parent, and so on up to its root."""
        chain = []
        while node_id is not None and node_id not in chain:
            chain.append(node_id)
            node_id = self.nodes[node_id].parent_id
        return chain


def taxonomy_map() -> TaxonomyMap:
    """The taxonomy as it is now (read once per data generation and process:
    every list request resolves its filters with it)."""
    return kept_in_process(
        "taxonomy-map",
        lambda using: TaxonomyMap.from_nodes(list(Node.objects.using(using))),
    )


def node_get(*, kind: str, slug: str) -> Node:
    return (
        Node.objects.select_related("parent")
        .prefetch_related("children", "related")
        .get(kind=kind, slug=slug)
    )


def descendant_ids(node_ids: list[int]) -> set[int]:
    """The given nodes and every node below them."""
    return taxonomy_map().descendants(node_ids)


def taxonomy_tree(
    counts: dict[int, int], taxonomy: TaxonomyMap | None = None
) -> dict[str, list[TreeNode]]:
    """All nodes as forests per kind, with paper counts from `counts`."""
    taxonomy = taxonomy or taxonomy_map()
    by_id = {pk: TreeNode(n, counts.get(pk, 0)) for pk, n in taxonomy.nodes.items()}
    forests: dict[str, list[TreeNode]] = {kind: [] for kind in Kind.values}
    for tree_node in by_id.values():
        parent_id = tree_node.node.parent_id
        if parent_id is None:
            forests[tree_node.node.kind].append(tree_node)
        else:
            by_id[parent_id].children.append(tree_node)
    return forests


def application_methods(
    forests: dict[str, list[TreeNode]],
) -> list[tuple[TreeNode, list]]:
    """Each application root with the method roots related to it."""
    related = defaultdict(set)
    for from_id, to_id in Node.related.through.objects.values_list(
        "from_node_id", "to_node_id"
    ):
        related[from_id].add(to_id)
    return [
        (app, [m for m in forests[Kind.METHOD] if m.node.pk in related[app.node.pk]])
        for app in forests[Kind.APPLICATION]
    ]


def unattached_methods(forests: dict[str, list[TreeNode]]) -> list[TreeNode]:
    """Method roots tied to no application (the review's architecture groups)."""
    attached = set(
        Node.related.through.objects.filter(
            from_node__kind=Kind.METHOD, to_node__kind=Kind.APPLICATION
        ).values_list("from_node_id", flat=True)
    )
    return [m for m in forests[Kind.METHOD] if m.node.pk not in attached]
