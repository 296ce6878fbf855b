"""Pages for reading: the overview, the paper list, a paper and an author."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from api.permissions import is_curator
from maps.selectors import paper_standing, similar_papers
from papers import selectors
from papers.bibtex import format_entry
from papers.exports import EXPORT_FORMATS, paper_record
from papers.models import Author, Paper, Status
from papers.templatetags.paper_pages import search_terms
from papers.views import listing
from papers.views import selectors as pages
from papers.views.provenance import provenance_rows
from taxonomy.cache import OneGenerationMixin
from taxonomy.models import Dataset, Kind, Provenance
from taxonomy.selectors import taxonomy_tree

#: Similar papers shown on a paper page.
SIMILAR_COUNT = 8


class OverviewView(OneGenerationMixin, TemplateView):
    """The review, its application categories and modalities, and a search box."""

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
            totals={
                "papers": selectors.status_counts()[Status.PUBLISHED],
                "methods": _count_tree(forests[Kind.METHOD]),
                "open_issues": _count_tree(forests[Kind.OPEN_ISSUE]),
                "datasets": Dataset.objects.count(),
            },
            recent=selectors.recent_papers(6),
            **kwargs,
        )


def _count_tree(forest) -> int:
    return sum(1 + _count_tree(item.children) for item in forest)


class PaperListView(OneGenerationMixin, TemplateView):
    """Faceted, searchable, sortable list; with the X-Atlas-Partial header only
    the results region is sent (the page's script swaps it in place)."""

    template_name = "papers/list.html"

    def get(self, request, *args, **kwargs):
        tidy = listing.tidy_query(request.GET)
        if tidy != request.GET.urlencode() and not listing.is_partial(request):
            url = reverse("papers:list")
            return HttpResponseRedirect(f"{url}?{tidy}" if tidy else url)
        response = super().get(request, *args, **kwargs)
        response["Vary"] = "X-Atlas-Partial"
        return response

    def get_template_names(self):
        if listing.is_partial(self.request):
            return ["papers/_browser.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        browse = listing.browse(self.request.GET, base=selectors.paper_list())
        return super().get_context_data(
            browse=browse,
            terms=search_terms(self.request.GET.get("q", "")),
            **kwargs,
        )


class PaperDetailView(DetailView):
    """Everything about one paper; a former citation key redirects here (301)."""

    template_name = "papers/detail.html"
    context_object_name = "paper"

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Paper.DoesNotExist as error:
            current = pages.current_key(kwargs["key"])
            if current is None:
                raise Http404("No paper with this citation key.") from error
            url = reverse("papers:detail", kwargs={"key": current})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None) -> Paper:
        return pages.paper_page(
            key=self.kwargs["key"], include_drafts=is_curator(self.request.user)
        )

    def get_context_data(self, **kwargs):
        paper = self.object
        published = paper.status == Status.PUBLISHED
        return super().get_context_data(
            references=selectors.paper_references(paper),
            citers=selectors.paper_citers(paper),
            bibtex=format_entry(paper_record(paper)),
            provenance=provenance_rows(paper.provenance),
            formats=EXPORT_FORMATS,
            similar=similar_papers(paper, SIMILAR_COUNT) if published else [],
            standing=paper_standing(paper) if published else None,
            is_survey=paper.citation_key == settings.SURVEY_CITATION_KEY,
            can_curate=is_curator(self.request.user),
            **kwargs,
        )


class AuthorView(DetailView):
    """An author and the papers they wrote."""

    template_name = "papers/author.html"
    context_object_name = "author"

    def get_object(self, queryset=None) -> Author:
        # Someone with no published paper (a draft's new author) is not in the
        # atlas yet, except to curators.
        curator = is_curator(self.request.user)
        authors = Author.objects.all() if curator else selectors.public_authors()
        return get_object_or_404(authors, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        browse = listing.browse(
            self.request.GET,
            base=selectors.paper_list(),
            fixed={"author": str(self.object.pk)},
            facets=False,
        )
        return super().get_context_data(
            browse=browse, years=browse.year_counts(), **kwargs
        )
