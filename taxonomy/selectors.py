"""Reads of the taxonomy: trees, descendants and paper counts."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from taxonomy.models import Kind, Node


@dataclass
class TreeNode:
    """A node, its children and the number of papers under it (descendants too)."""

    node: Node
    paper_count: int = 0
    children: list["TreeNode"] = field(default_factory=list)


def node_get(*, kind: str, slug: str) -> Node:
    return (
        Node.objects.select_related("parent")
        .prefetch_related("children", "related")
        .get(kind=kind, slug=slug)
    )


def descendant_ids(node_ids: list[int]) -> set[int]:
    """The given nodes and every node below them."""
    children = defaultdict(list)
    for pk, parent_id in Node.objects.filter(parent__isnull=False).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)
    found, stack = set(), list(node_ids)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children[pk])
    return found


def paper_counts(label_pairs: QuerySet | list[tuple[int, int]]) -> dict[int, int]:
    """Distinct papers per node, each paper counted at its node and every ancestor.

    label_pairs yields (node_id, paper_id) for the papers to count.
    """
    parents = dict(Node.objects.values_list("pk", "parent_id"))
    papers_under: dict[int, set[int]] = defaultdict(set)
    for node_id, paper_id in label_pairs:
        while node_id is not None:
            papers_under[node_id].add(paper_id)
            node_id = parents.get(node_id)
    return {pk: len(papers) for pk, papers in papers_under.items()}


def taxonomy_tree(counts: dict[int, int]) -> dict[str, list[TreeNode]]:
    """All nodes as forests per kind, with paper counts from `counts`."""
    by_id = {n.pk: TreeNode(n, counts.get(n.pk, 0)) for n in Node.objects.all()}
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
