"""Pages: the map of one paper, the map of a filtered set, and statistics."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from maps import map_filters, selectors
from maps.charts import stacked_bars
from maps.drawing import COLOUR_MODES, draw, list_markup, svg_markup
from maps.stats import TREND_KINDS, root_names
from papers.filtersets import PaperFilterSet
from papers.models import Paper
from taxonomy.cache import OneGenerationMixin, cached_over
from taxonomy.models import Kind


def colour_mode(request) -> str:
    colour = request.GET.get("colour", "application")
    return colour if colour in COLOUR_MODES else "application"


def map_figure(graph, *, colour_by: str, title: str, selected=None) -> dict:
    """What templates/maps/_figure.html draws for a graph."""
    drawing = draw(
        graph,
        selectors.map_layout(graph),
        colour_by=colour_by,
        applications=selectors.application_order(),
        url_for=lambda key: reverse("papers:detail", kwargs={"key": key}),
        selected=selected,
    )
    drawing.title = title
    return {
        "drawing": drawing,
        "svg": svg_markup(drawing),
        "rows": list_markup(drawing),
    }


class PaperMapView(TemplateView):
    """The paper among its most similar papers, with prior and derivative works."""

    template_name = "maps/paper_map.html"

    def get(self, request, *args, **kwargs):
        try:
            self.paper = selectors.published_paper(kwargs["key"])
        except Paper.DoesNotExist as error:
            current = selectors.current_key(kwargs["key"])
            if current is None:
                raise Http404("No paper with this citation key.") from error
            url = reverse("maps:paper-map", kwargs={"key": current})
            query = request.GET.urlencode()
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        found = selectors.paper_map(self.paper)
        title = f"Literature map of {self.paper.title}"
        return super().get_context_data(
            paper=self.paper,
            map=found,
            similar=found.similar,
            standing=selectors.paper_standing(self.paper),
            figure=map_figure(
                found.graph,
                colour_by=colour_mode(self.request),
                title=title,
                selected=self.paper.pk,
            ),
            **kwargs,
        )


class SetMapView(OneGenerationMixin, TemplateView):
    """The map of the papers a filter selects (the most cited, up to a cap)."""

    template_name = "maps/map.html"

    def get(self, request, *args, **kwargs):
        self.filterset = PaperFilterSet(
            request.GET or None, queryset=Paper.objects.published()
        )
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        figure, total = None, 0
        if not self.filterset.is_bound or self.filterset.is_valid():
            papers = self.filterset.qs
            total = cached_over("set-map-total", papers, lambda set_: set_.count())
            graph = selectors.set_map(papers)
            figure = map_figure(
                graph, colour_by=colour_mode(self.request), title="Literature map"
            )
        return super().get_context_data(
            filterset=self.filterset,
            active=map_filters.active_filters(self.filterset, self.request.GET),
            carried=map_filters.carried_parameters(self.request.GET),
            figure=figure,
            total=total,
            limit=selectors.SET_MAP_LIMIT,
            build=selectors.latest_build(),
            **kwargs,
        )


class StatsView(OneGenerationMixin, TemplateView):
    """Papers per year per application, modality and method family; coverage."""

    template_name = "maps/stats.html"

    def get_context_data(self, **kwargs):
        charts = []
        for kind in TREND_KINDS:
            label = Kind(kind).label
            table = selectors.trend_table(kind)
            chart = stacked_bars(table, root_names(kind), f"Papers per year by {label}")
            charts.append({"kind": kind, "label": label, "table": table, **chart})
        coverage = selectors.coverage_matrix(Kind.MODALITY, Kind.APPLICATION)
        return super().get_context_data(
            charts=charts,
            coverage=coverage,
            coverage_rows=list(zip(coverage["rows"], coverage["cells"], strict=True)),
            **kwargs,
        )
