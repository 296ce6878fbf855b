"""Pages for browsing the taxonomy: the whole tree with gap matrices, one node,
one dataset."""

from django.http import Http404
from django.views.generic import DetailView, TemplateView

from maps.selectors import coverage_matrix, top_papers_for_node
from papers.filtersets import NODE_PARAMETERS
from papers.selectors import node_paper_counts, paper_list
from papers.views import listing
from papers.views import selectors as pages
from taxonomy.cache import OneGenerationMixin
from taxonomy.models import Dataset, Kind, Node
from taxonomy.selectors import (
    application_methods,
    taxonomy_tree,
    unattached_methods,
)

#: Shades of a gap-matrix cell: 0 is a gap, HEAT_LEVELS the fullest cell.
HEAT_LEVELS = 5
#: (row kind, column kind, heading) of the matrices on the taxonomy page.
MATRICES = (
    (Kind.MODALITY, Kind.APPLICATION, "Modality × application"),
    (Kind.METHOD, Kind.MODALITY, "Method family × modality"),
)
RELATED_HEADINGS = {
    Kind.MODALITY: "Related modalities",
    Kind.APPLICATION: "Applications",
    Kind.METHOD: "Method families",
    Kind.OPEN_ISSUE: "Open issues",
}
KIND_PARAMETER = {kind: name for name, kind in NODE_PARAMETERS.items()}


def matrix_table(row_kind: str, col_kind: str, heading: str) -> dict:
    """A coverage matrix ready to draw: every cell with its count, heat level
    and the query of the filtered paper list; empty rows of methods dropped."""
    matrix = coverage_matrix(row_kind, col_kind)
    row_param, col_param = KIND_PARAMETER[row_kind], KIND_PARAMETER[col_kind]
    top = matrix["max"] or 1
    rows = []
    for row, counts in zip(matrix["rows"], matrix["cells"], strict=True):
        if row_kind == Kind.METHOD and not row["total"]:
            continue
        cells = [
            {
                "count": n,
                "heat": 0 if not n else 1 + (HEAT_LEVELS - 1) * n // top,
                "col": col,
                "query": f"{row_param}={row['slug']}&{col_param}={col['slug']}",
            }
            for col, n in zip(matrix["cols"], counts, strict=True)
        ]
        rows.append({"row": row, "cells": cells, "param": row_param})
    gaps = sum(1 for r in rows for c in r["cells"] if not c["count"])
    return {
        "heading": heading,
        "id": f"matrix-{row_kind}-{col_kind}",
        "row_label": Kind(row_kind).label,
        "cols": matrix["cols"],
        "col_param": col_param,
        "rows": rows,
        "gaps": gaps,
    }


class TaxonomyView(OneGenerationMixin, TemplateView):
    """The whole taxonomy per kind, with counts, and the gap matrices."""

    template_name = "taxonomy/index.html"

    def get_context_data(self, **kwargs):
        forests = taxonomy_tree(node_paper_counts())
        return super().get_context_data(
            forests=forests,
            applications=application_methods(forests),
            architectures=unattached_methods(forests),
            matrices=[matrix_table(*spec) for spec in MATRICES],
            **kwargs,
        )


class NodeView(OneGenerationMixin, DetailView):
    """One node: what it is, where it sits, and the papers under it."""

    template_name = "taxonomy/node.html"
    context_object_name = "node"

    def get_object(self, queryset=None) -> Node:
        if self.kwargs["kind"] not in Kind.values:
            raise Http404("No such kind of taxonomy node.")
        try:
            return pages.node_page(kind=self.kwargs["kind"], slug=self.kwargs["slug"])
        except Node.DoesNotExist as error:
            raise Http404("No such taxonomy node.") from error

    def get_context_data(self, **kwargs):
        node = self.object
        param = KIND_PARAMETER[node.kind]
        browse = listing.browse(
            self.request.GET,
            base=paper_list(),
            fixed={param: node.slug},
            facets=False,
        )
        related = {kind: [] for kind in Kind.values}
        for other in node.related.all():
            related[other.kind].append(other)
        return super().get_context_data(
            browse=browse,
            related=[
                (RELATED_HEADINGS[kind], nodes)
                for kind, nodes in related.items()
                if nodes and kind != Kind.OPEN_ISSUE
            ],
            open_issues=related[Kind.OPEN_ISSUE],
            datasets=pages.node_datasets(node),
            metrics=pages.node_metrics(node),
            years=browse.year_counts(),
            top_papers=top_papers_for_node(node, 5),
            **kwargs,
        )


class DatasetView(DetailView):
    """A dataset, what it covers, and the papers that use it."""

    template_name = "taxonomy/dataset.html"
    context_object_name = "dataset"

    def get_object(self, queryset=None) -> Dataset:
        try:
            return pages.dataset_page(self.kwargs["slug"])
        except Dataset.DoesNotExist as error:
            raise Http404("No such dataset.") from error

    def get_context_data(self, **kwargs):
        browse = listing.browse(
            self.request.GET,
            base=paper_list(),
            fixed={"dataset": self.object.slug},
            facets=False,
        )
        return super().get_context_data(browse=browse, **kwargs)
