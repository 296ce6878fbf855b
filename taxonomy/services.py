"""Writes to the taxonomy."""

from django.db import transaction

from taxonomy.loading import LoadReport, add_missing, upsert
from taxonomy.models import Dataset, Metric, Node

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
