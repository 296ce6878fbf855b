"""JSON endpoints of the literature map: similar papers, maps (with graph
exports), coverage and trends. Thin: selectors compute, papers.graph writes."""

from dataclasses import dataclass

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import is_curator
from api.views.base import refuse_odd_parameters
from maps import selectors
from maps.stats import TREND_KINDS
from papers import graph as literature
from papers.exports import attachment
from papers.filtersets import PaperFilterSet, repeatable_parameters
from papers.models import Paper
from taxonomy.models import Kind


class DownloadRenderer(BaseRenderer):
    """Marks a download format; the view answers with the file itself."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for error bodies, which are JSON whatever was asked for.
        return JSONRenderer().render(data, "application/json", renderer_context)


def _renderer(fmt: str, media_type: str) -> type[BaseRenderer]:
    return type(
        f"{fmt.title()}Renderer",
        (DownloadRenderer,),
        {"format": fmt, "media_type": media_type},
    )


GRAPH_RENDERERS = [
    _renderer(fmt, media)
    for fmt, (media, _) in literature.EXPORT_FORMATS.items()
    if fmt != "json"
]
CSV_RENDERER = _renderer("csv", "text/csv")
GRAPH_FORMATS = list(literature.EXPORT_FORMATS)


@dataclass(frozen=True)
class WholeNumberParameter:
    """A bounded whole-number query parameter, read and documented from one place."""

    name: str
    default: int
    low: int
    high: int
    description: str

    def read(self, request) -> int:
        raw = request.query_params.get(self.name)
        if raw is None:
            return self.default
        if not (raw.isascii() and raw.isdigit() and self.low <= int(raw) <= self.high):
            raise ValidationError(
                {self.name: [f"A whole number from {self.low} to {self.high}."]}
            )
        return int(raw)

    @property
    def documented(self) -> OpenApiParameter:
        schema = {"type": "integer", "minimum": self.low, "maximum": self.high}
        return OpenApiParameter(
            self.name, {**schema, "default": self.default}, description=self.description
        )


def _choice_param(request, name: str, choices, default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in choices:
        raise ValidationError({name: [f"One of: {', '.join(choices)}."]})
    return value


class MapAPIView(APIView):
    """Unknown query parameters are a 400 naming them."""

    allowed_params: tuple[str, ...] = ()
    #: Parameters that take several values; any other given twice is a 400.
    repeatable_params: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_odd_parameters(
            request.query_params,
            allowed={"format", *self.allowed_params},
            repeatable=self.repeatable_params,
        )

    def _not_found_message(self, key: str) -> str:
        # A curator may ask about a draft: say why it has no map (to anyone
        # else a draft does not exist).
        if (
            is_curator(self.request.user)
            and Paper.objects.filter(citation_key=key).exists()
        ):
            return (
                "This paper is a draft: maps and similar papers cover published "
                "papers only."
            )
        return "No paper with this citation key."

    def paper(self, key: str, url_name: str):
        """The published paper, or a redirect to it when key is a former key."""
        try:
            return selectors.published_paper(key), None
        except Paper.DoesNotExist as error:
            current = selectors.current_key(key)
            if current is None:
                raise NotFound(self._not_found_message(key)) from error
            url = reverse(url_name, kwargs={"key": current})
            query = self.request.META.get("QUERY_STRING", "")
            return None, HttpResponsePermanentRedirect(
                f"{url}?{query}" if query else url
            )


def _brief(item: selectors.BriefPaper, request) -> dict:
    body = {"key": item.key, "title": item.title, "year": item.year}
    body["url"] = request.build_absolute_uri(item.url)
    if item.reasons or item.score:
        body.update(score=item.score, reasons=list(item.reasons))
    if item.count:
        body["links"] = item.count
    return body


def graph_body(graph) -> dict:
    """Nodes with their layout position, and typed weighted edges."""
    positions = selectors.map_layout(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        nodes.append({**data, "x": x, "y": y})
    keys = dict(graph.nodes(data="key"))
    edges = [
        {"source": keys[u], "target": keys[v], "kind": kind, "weight": weight}
        for u, v, kind, weight in graph.edges(keys=True, data="weight")
    ]
    return {"nodes": nodes, "edges": edges}


def graph_download(graph, fmt: str, name: str) -> HttpResponse:
    media, extension = literature.EXPORT_FORMATS[fmt]
    response = HttpResponse(
        literature.export_text(graph, fmt), content_type=f"{media}; charset=utf-8"
    )
    response["Content-Disposition"] = attachment(name, extension)
    return response


FORMAT = OpenApiParameter(
    "format",
    str,
    enum=GRAPH_FORMATS,
    description="Download the graph: graphml, gexf, cytoscape (Cytoscape.js "
    "JSON) or json (node-link JSON); taxonomy labels are node attributes.",
)
SIMILAR_LIMIT = WholeNumberParameter("limit", 10, 1, 50, "How many similar papers.")
MAP_SIZE = WholeNumberParameter(
    "size", selectors.PAPER_MAP_SIZE, 1, 40, "Similar papers shown."
)
SET_MAP_LIMIT = WholeNumberParameter(
    "limit", selectors.SET_MAP_LIMIT, 1, 500, "Most cited papers kept."
)
KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description="Citation key.")
GRAPH_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "application/graphml+xml"): OpenApiTypes.STR,
    (200, "application/gexf+xml"): OpenApiTypes.STR,
}


@extend_schema(
    summary="Papers similar to one paper",
    parameters=[
        KEY,
        SIMILAR_LIMIT.documented,
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class SimilarPapersView(MapAPIView):
    """Similar papers with reasons; prior works (most cited by the paper's
    neighbourhood) and derivative works (citing much of it)."""

    allowed_params = ("limit",)

    def get(self, request, key: str):
        limit = SIMILAR_LIMIT.read(request)
        paper, redirect = self.paper(key, "api-paper-similar")
        if redirect:
            return redirect
        found = selectors.paper_neighbourhood(
            paper, size=max(limit, selectors.PAPER_MAP_SIZE)
        )
        return Response(
            {
                "paper": paper.citation_key,
                "similar": [_brief(item, request) for item in found.similar[:limit]],
                "prior_works": [_brief(item, request) for item in found.prior],
                "derivative_works": [
                    _brief(item, request) for item in found.derivative
                ],
            }
        )


@extend_schema(
    summary="Map of one paper",
    parameters=[
        KEY,
        FORMAT,
        MAP_SIZE.documented,
    ],
    responses=GRAPH_RESPONSES,
)
class PaperMapView(MapAPIView):
    """The paper and its most similar papers: nodes with positions, edges."""

    allowed_params = ("size",)
    renderer_classes = [JSONRenderer, *GRAPH_RENDERERS]

    def get(self, request, key: str):
        size = MAP_SIZE.read(request)
        paper, redirect = self.paper(key, "api-paper-map")
        if redirect:
            return redirect
        found = selectors.paper_map(paper, size=size)
        fmt = request.query_params.get("format")
        if fmt in GRAPH_FORMATS:
            return graph_download(found.graph, fmt, f"{paper.citation_key}-map")
        body = {"paper": paper.citation_key, **graph_body(found.graph)}
        body["prior_works"] = [_brief(item, request) for item in found.prior]
        body["derivative_works"] = [_brief(item, request) for item in found.derivative]
        return Response(body)


FILTER_PARAMETERS = [
    OpenApiParameter(name, str, many=name in repeatable_parameters(PaperFilterSet))
    for name in PaperFilterSet.base_filters
    if name != "ordering"
]


@extend_schema(
    summary="Map of a filtered set of papers",
    parameters=[
        *FILTER_PARAMETERS,
        FORMAT,
        SET_MAP_LIMIT.documented,
    ],
    responses=GRAPH_RESPONSES,
)
class SetMapView(MapAPIView):
    """The papers the filters select (most cited first, up to `limit`), with the
    citations and similarities among them; downloadable for Gephi or Cytoscape."""

    allowed_params = (*(p.name for p in FILTER_PARAMETERS), "limit")
    repeatable_params = frozenset(repeatable_parameters(PaperFilterSet))
    renderer_classes = [JSONRenderer, *GRAPH_RENDERERS]

    def get(self, request):
        limit = SET_MAP_LIMIT.read(request)
        params = request.query_params.copy()
        for name in ("format", "limit"):
            params.pop(name, None)
        filterset = PaperFilterSet(params, queryset=Paper.objects.published())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        graph = selectors.set_map(filterset.qs, limit=limit)
        fmt = request.query_params.get("format")
        if fmt in GRAPH_FORMATS:
            return graph_download(graph, fmt, "literature-map")
        return Response(graph_body(graph))


KIND_NAMES = list(Kind.values)


@extend_schema(
    summary="Coverage matrix (e.g. modality x application)",
    parameters=[
        OpenApiParameter("rows", str, enum=KIND_NAMES, description="Row kind."),
        OpenApiParameter("cols", str, enum=KIND_NAMES, description="Column kind."),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class CoverageView(MapAPIView):
    """Papers per pair of taxonomy roots; an empty cell is a gap."""

    allowed_params = ("rows", "cols")

    def get(self, request):
        rows = _choice_param(request, "rows", KIND_NAMES, Kind.MODALITY)
        cols = _choice_param(request, "cols", KIND_NAMES, Kind.APPLICATION)
        return Response(selectors.coverage_matrix(rows, cols))


@extend_schema(
    summary="Papers per year per application, modality or method family",
    parameters=[
        OpenApiParameter("by", str, enum=list(TREND_KINDS), description="Kind."),
        OpenApiParameter("format", str, enum=["json", "csv"]),
    ],
    responses={
        (200, "application/json"): OpenApiTypes.OBJECT,
        (200, "text/csv"): OpenApiTypes.STR,
    },
)
class TrendsView(MapAPIView):
    """Counts per year and taxonomy root, as JSON or CSV."""

    allowed_params = ("by",)
    renderer_classes = [JSONRenderer, CSV_RENDERER]

    def get(self, request):
        kind = _choice_param(request, "by", list(TREND_KINDS), Kind.APPLICATION)
        table = selectors.trend_table(kind)
        if request.query_params.get("format") == "csv":
            response = HttpResponse(
                table.to_csv(), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = attachment(
                f"papers-per-year-by-{kind}", "csv"
            )
            return response
        return Response(
            {
                "by": kind,
                "years": [int(year) for year in table.index],
                "series": [
                    {"slug": slug, "counts": [int(n) for n in table[slug]]}
                    for slug in table.columns
                ],
            }
        )
