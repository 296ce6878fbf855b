"""Pages for browsing the taxonomy."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from papers.selectors import node_paper_counts, papers_under
from taxonomy.models import Dataset, Kind, Node
from taxonomy.selectors import (
    application_methods,
    node_get,
    taxonomy_tree,
    unattached_methods,
)


class TaxonomyView(TemplateView):
    template_name = "taxonomy/index.html"

    def get_context_data(self, **kwargs):
        forests = taxonomy_tree(node_paper_counts())
        return super().get_context_data(
            forests=forests,
            applications=application_methods(forests),
            architectures=unattached_methods(forests),
            **kwargs,
        )


class NodeView(DetailView):
    template_name = "taxonomy/node.html"
    context_object_name = "node"

    def get_object(self, queryset=None) -> Node:
        if self.kwargs["kind"] not in Kind.values:
            raise Http404("No such kind of taxonomy node.")
        try:
            return node_get(kind=self.kwargs["kind"], slug=self.kwargs["slug"])
        except Node.DoesNotExist as error:
            raise Http404("No such taxonomy node.") from error

    def get_context_data(self, **kwargs):
        node = self.object
        return super().get_context_data(
            papers=papers_under(node).order_by("-year", "title"),
            datasets=node.datasets.all() if node.kind == Kind.APPLICATION else [],
            metrics=node.metrics.all() if node.kind == Kind.APPLICATION else [],
            **kwargs,
        )


class DatasetView(DetailView):
    template_name = "taxonomy/dataset.html"
    context_object_name = "dataset"

    def get_object(self, queryset=None) -> Dataset:
        return get_object_or_404(
            Dataset.objects.prefetch_related("modalities", "applications", "papers"),
            slug=self.kwargs["slug"],
        )
