"""Writes to the taxonomy: loading the survey's fixture and curators' node edits."""

from django.core.exceptions import ValidationError
from django.db import transaction

from history.models import Action
from history.services import change_record, field_changes
from taxonomy.loading import LoadReport, add_missing, upsert
from taxonomy.models import Dataset, Metric, Node, Provenance

NODE_FIELDS = (
    "name",
    "abbreviation",
    "description",
    "position",
    "provenance",
    "provenance_detail",
    "note",
)


@transaction.atomic
def taxonomy_load(*, document: dict, report: LoadReport) -> dict[str, Node]:
    """Load the taxonomy fixture; returns the nodes by "kind:slug"."""
    nodes: dict[str, Node] = {}
    for item in document["nodes"]:
        parent = nodes[f"{item['kind']}:{item['parent']}"] if item["parent"] else None
        values = {name: item[name] for name in NODE_FIELDS}
        nodes[f"{item['kind']}:{item['slug']}"] = upsert(
            Node,
            {"kind": item["kind"], "slug": item["slug"]},
            {**values, "parent": parent},
            report,
            "nodes",
        )
    for item in document["nodes"]:
        node = nodes[f"{item['kind']}:{item['slug']}"]
        add_missing(
            node.related, [nodes[ref] for ref in item["related"]], report, "node links"
        )
    for item in document["datasets"]:
        dataset = upsert(
            Dataset,
            {"slug": item["slug"]},
            {
                k: item[k]
                for k in (
                    "name",
                    "year",
                    "description",
                    "provenance",
                    "provenance_detail",
                    "note",
                )
            },
            report,
            "datasets",
        )
        add_missing(
            dataset.modalities,
            [nodes[f"modality:{s}"] for s in item["modalities"]],
            report,
            "dataset links",
        )
        add_missing(
            dataset.applications,
            [nodes[f"application:{s}"] for s in item["applications"]],
            report,
            "dataset links",
        )
    for item in document["metrics"]:
        metric = upsert(
            Metric,
            {"slug": item["slug"]},
            {
                k: item[k]
                for k in (
                    "name",
                    "description",
                    "higher_is_better",
                    "provenance",
                    "provenance_detail",
                )
            },
            report,
            "metrics",
        )
        add_missing(
            metric.applications,
            [nodes[f"application:{s}"] for s in item["applications"]],
            report,
            "metric links",
        )
    return nodes


NODE_WRITABLE = frozenset({"kind", "slug", "parent", "related", *NODE_FIELDS})


def _node_parent(kind: str, parent) -> Node | None:
    if parent is None or parent == "":
        return None
    if isinstance(parent, Node):
        return parent
    node = Node.objects.filter(kind=kind, slug=str(parent)).first()
    if node is None:
        raise ValidationError({"parent": f"No {kind} node with slug {parent!r}."})
    return node


def _node_related(references) -> list[Node]:
    if not isinstance(references, list | tuple) or not all(
        isinstance(r, str) for r in references
    ):
        raise ValidationError({"related": "Expected a list of kind:slug strings."})
    wanted = {tuple(r.partition(":")[::2]) for r in references}
    found = [
        n
        for n in Node.objects.filter(slug__in={slug for _, slug in wanted})
        if (n.kind, n.slug) in wanted
    ]
    missing = wanted - {(n.kind, n.slug) for n in found}
    if missing:
        names = ", ".join(sorted(f"{k}:{s}" for k, s in missing))
        raise ValidationError({"related": f"Unknown nodes: {names}."})
    return found


def _node_values(node: Node) -> dict:
    values = {name: getattr(node, name) for name in ("kind", "slug", *NODE_FIELDS)}
    values["parent"] = node.parent.slug if node.parent_id else None
    values["related"] = sorted(f"{n.kind}:{n.slug}" for n in node.related.all())
    return values


def _node_apply(*, node: Node, data: dict) -> list[Node] | None:
    """Set the node's fields from data; returns its related nodes if data has them."""
    unknown = sorted(set(data) - NODE_WRITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set."))
    for name in ("kind", "slug", *NODE_FIELDS):
        if name in data:
            setattr(node, name, data[name])
    if "parent" in data:
        node.parent = _node_parent(node.kind, data["parent"])
    if "related" not in data:
        return None
    related = _node_related(data["related"])
    same_kind = sorted(f"{n.kind}:{n.slug}" for n in related if n.kind == node.kind)
    if same_kind:
        raise ValidationError(
            {
                "related": "Related nodes are of other kinds (a node of the same "
                f"kind is a parent or a child): {', '.join(same_kind)}."
            }
        )
    return related


@transaction.atomic
def node_create(*, actor, data: dict) -> Node:
    """Add a taxonomy node (a curated one unless data says otherwise)."""
    node = Node(provenance=Provenance.CURATED)
    related = _node_apply(node=node, data=data)
    node.full_clean()
    node.save()
    if related is not None:
        node.related.set(related)
    empty = dict.fromkeys(_node_values(node))
    change_record(
        actor=actor,
        action=Action.CREATE,
        target=node,
        changes=field_changes(empty, _node_values(node)),
    )
    return node


@transaction.atomic
def node_update(*, actor, node: Node, data: dict) -> Node:
    """Change a node's fields, parent or links; its kind never changes."""
    if "kind" in data and data["kind"] != node.kind:
        raise ValidationError({"kind": "A node's kind cannot change."})
    node = Node.objects.select_for_update().get(pk=node.pk)
    before = _node_values(node)
    related = _node_apply(node=node, data=data)
    node.full_clean()
    node.save()
    if related is not None:
        node.related.set(related)
    change_record(
        actor=actor,
        action=Action.UPDATE,
        target=node,
        changes=field_changes(before, _node_values(node)),
    )
    return node


@transaction.atomic
def node_delete(*, actor, node: Node) -> None:
    """Delete a node that has no children and labels no paper."""
    if node.children.exists():
        raise ValidationError("This node has children; move or delete them first.")
    if node.labels.exists():
        raise ValidationError(
            "Papers are labelled with this node; remove the labels first."
        )
    change_record(
        actor=actor, action=Action.DELETE, target=node, changes=_node_values(node)
    )
    node.delete()
