"""Pages for the overview, the paper list, paper detail and authors."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from papers import selectors
from papers.models import Author, Paper
from taxonomy.models import Kind, Provenance
from taxonomy.selectors import taxonomy_tree


class OverviewView(TemplateView):
    template_name = "papers/overview.html"

    def get_context_data(self, **kwargs):
        forests = taxonomy_tree(selectors.node_paper_counts())
        applications = forests[Kind.APPLICATION]
        return super().get_context_data(
            survey=selectors.survey_paper(),
            categories=[
                a for a in applications if a.node.provenance != Provenance.CURATED
            ],
            domains=[
                a for a in applications if a.node.provenance == Provenance.CURATED
            ],
            modalities=forests[Kind.MODALITY],
            recent=selectors.recent_papers(),
            **kwargs,
        )


class PaperListView(ListView):
    template_name = "papers/list.html"
    context_object_name = "papers"
    paginate_by = 50

    def get_queryset(self):
        return selectors.paper_list().order_by("-year", "title")


class PaperDetailView(DetailView):
    template_name = "papers/detail.html"
    context_object_name = "paper"

    def get_object(self, queryset=None) -> Paper:
        try:
            return selectors.paper_detail(key=self.kwargs["key"])
        except Paper.DoesNotExist as error:
            raise Http404("No paper with this citation key.") from error

    def get_context_data(self, **kwargs):
        paper = self.object
        return super().get_context_data(
            references=selectors.paper_references(paper),
            citers=selectors.paper_citers(paper),
            **kwargs,
        )


class AuthorView(DetailView):
    template_name = "papers/author.html"
    context_object_name = "author"

    def get_object(self, queryset=None) -> Author:
        return get_object_or_404(Author, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        papers = selectors.paper_list().filter(authorships__author=self.object)
        return super().get_context_data(papers=papers, **kwargs)
