"""Papers: query, read, export and curate."""

from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.answers import shared_answer
from api.pagination import PaperPagination
from api.permissions import CuratorWritesOrReadOnly
from api.renderers import EXPORT_RENDERERS, export_format
from api.schema import CSL_JSON
from api.selectors import (
    api_paper_rows,
    paper_detail_values,
    paper_list_relations,
    paper_page_columns,
)
from api.serializers.papers import (
    PaperDetailRows,
    PaperDetailSerializer,
    PaperListRows,
    PaperListSerializer,
    PaperWriteSerializer,
)
from api.views.base import StrictQueryMixin, flag, flag_parameter
from papers.exports import (
    EXPORT_FORMATS,
    export_attachment,
    export_content_type,
    export_stream,
)
from papers.filtersets import (
    ORDERINGS,
    PaperFilterSet,
    ordered,
    ordering_name,
)
from papers.models import CitationKeyAlias, Paper, Status
from papers.selectors import (
    AmongIds,
    facets_within,
    paper_facets,
    papers_in_reach,
    published_count_within,
)
from papers.services.papers import paper_create, paper_delete, paper_update
from taxonomy.cache import one_generation

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=list(EXPORT_FORMATS),
    description="Export instead of the JSON answer: "
    + "; ".join(f"{k}: {v[2]}" for k, v in EXPORT_FORMATS.items())
    + ". Accept headers with these media types work too (json excepted).",
)
EXPORT_RESPONSES = {
    (200, media.split(";")[0]): CSL_JSON if fmt == "csljson" else OpenApiTypes.STR
    for fmt, (media, _, _) in EXPORT_FORMATS.items()
    if fmt != "json"  # documented beside the ordinary answer (api.schema)
}
VERSION_PARAMETER = OpenApiParameter(
    "version",
    {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    description="The version the deletion is based on (or send If-Match: <version>).",
)


def _expected_version(request) -> int:
    raw = request.query_params.get("version") or request.headers.get("If-Match", "")
    raw = raw.strip().strip('"').removeprefix("W/").strip('"')
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) < 2**31:
        raise ValidationError(
            {"version": ["Send the version you read (?version= or If-Match)."]}
        )
    return int(raw)


@extend_schema_view(
    list=extend_schema(
        summary="Query papers",
        parameters=[
            FORMAT_PARAMETER,
            flag_parameter(
                "facets", "1: add paper counts per node and year (`facets`)."
            ),
        ],
        responses={(200, "application/json"): PaperListSerializer(many=True)}
        | EXPORT_RESPONSES,
    ),
    retrieve=extend_schema(
        summary="One paper",
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): PaperDetailSerializer,
            **EXPORT_RESPONSES,
            301: OpenApiResponse(description="A former key: redirects to the paper."),
        },
    ),
    create=extend_schema(
        summary="Add a paper",
        request=PaperWriteSerializer,
        responses={201: PaperDetailSerializer},
    ),
    update=extend_schema(
        summary="Change a paper (send the version you read)",
        request=PaperWriteSerializer,
        responses={200: PaperDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a paper (send the version you read)",
        request=PaperWriteSerializer,
        responses={200: PaperDetailSerializer},
    ),
    destroy=extend_schema(summary="Delete a paper", parameters=[VERSION_PARAMETER]),
)
class PaperViewSet(StrictQueryMixin, viewsets.ModelViewSet):
    """Papers, looked up by citation key; former keys redirect."""

    lookup_field = "citation_key"
    lookup_url_kwarg = "key"
    lookup_value_regex = r"[^/]+"
    permission_classes = [CuratorWritesOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PaperFilterSet
    pagination_class = PaperPagination
    extra_query_params = {"list": ("facets",), "destroy": ("version",)}
    versioned_writes = True

    def get_renderers(self):
        if self.action in ("list", "retrieve"):
            return [JSONRenderer(), *(r() for r in EXPORT_RENDERERS)]
        return [JSONRenderer()]

    @property
    def default_response_headers(self) -> dict:
        # Reads answer by the Accept header (an export or JSON), so a cache
        # between must keep one answer per Accept. DRF says so only for views
        # whose renderer_classes list several; these are chosen per action.
        headers = super().default_response_headers
        if self.action in ("list", "retrieve"):
            headers["Vary"] = "Accept"
        return headers

    def get_queryset(self):
        # Reads of one paper go through paper_detail_values.
        return api_paper_rows(include_drafts=self.sees_drafts())

    def get_serializer_class(self):
        return {
            "list": PaperListSerializer,
            "retrieve": PaperDetailSerializer,
        }.get(self.action, PaperWriteSerializer)

    def ordering_in_force(self) -> str:
        params = self.request.query_params
        return ordering_name(
            requested=params.get("ordering") or None,
            searching=bool(params.get("q", "").strip()),
        )

    def keyset_ordering(self):
        return ORDERINGS[self.ordering_in_force()]

    def list(self, request, *args, **kwargs):
        with one_generation():  # cached reads share one look at the generation
            if self.sees_drafts() or export_format(request) is not None:
                return self._list(request)
            return shared_answer(self, lambda: self._list(request))

    def _list(self, request):
        # The filter backend's own steps, keeping the filter set for the facets.
        filterset = DjangoFilterBackend().get_filterset(
            request, self.get_queryset(), self
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        papers = filterset.qs
        fmt = export_format(request)
        if fmt is not None:
            return self._export(papers, fmt, "papers")
        facets = flag(request, "facets")
        narrowing = None if self.sees_drafts() else filterset.nodes_and_years()
        page = self.paginator.paginate_queryset(
            paper_page_columns(papers),
            request,
            view=self,
            reach=self._reach(filterset),
            total=None if narrowing is None else published_count_within(*narrowing),
        )
        authors, labels = paper_list_relations([paper["id"] for paper in page])
        rows = PaperListRows(request, self.format_kwarg)
        data = rows.rows(page, authors, labels)
        extra = {"facets": self._facets(filterset)} if facets else None
        return self.paginator.get_paginated_response(data, extra)

    def _reach(self, filterset: PaperFilterSet):
        """For published papers narrowed by taxonomy nodes and ordered by year:
        the rows a page can show, read from the ids papers_in_reach finds (see
        KeysetPagination.paginate_queryset)."""
        found = None if self.sees_drafts() else filterset.year_ordered_narrowing()
        if found is None:
            return None
        narrowing, newest_first = found

        def rows(start_key: int | None, reverse: bool, size: int):
            start = start_key
            if start is not None and newest_first:
                start = -start  # the newest-first key is minus the sort year
            ids = papers_in_reach(
                narrowing, descending=newest_first != reverse, start=start, rows=size
            )
            if ids is None:
                return None
            papers = api_paper_rows(include_drafts=False).filter(AmongIds(ids))
            return paper_page_columns(ordered(papers, filterset.ordering_in_force))

        return rows

    def _facets(self, filterset: PaperFilterSet) -> dict:
        """Counts for the filtered papers: those of published papers narrowed
        by nodes and years at most come from the published paper sets, any other
        set (drafts included, or other filters) is counted by a query."""
        narrowing = None if self.sees_drafts() else filterset.nodes_and_years()
        if narrowing is not None:
            return facets_within(*narrowing)
        # Under a provenance filter a paper counts at a node through labels of
        # that provenance only, as the filter selects it.
        provenance = filterset.form.cleaned_data.get("provenance") or []
        return paper_facets(filterset.qs, provenance)

    def retrieve(self, request, *args, **kwargs):
        paper = paper_detail_values(
            include_drafts=self.sees_drafts(), key=self.kwargs["key"]
        )
        if paper is None:
            return self._former_key(redirect=True)
        fmt = export_format(request)
        if fmt is not None:
            return self._export(
                Paper.objects.filter(pk=paper["id"]), fmt, paper["citation_key"]
            )
        return Response(PaperDetailRows(request, self.format_kwarg).detail(paper))

    def create(self, request, *args, **kwargs):
        serializer = PaperWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        paper = paper_create(actor=request.user, data=serializer.service_data())
        body = self._detail(paper)
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])}
        )

    def update(self, request, *args, partial=False, **kwargs):
        paper = self._paper()
        serializer = PaperWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        if version is None:
            raise ValidationError({"version": ["Send the version you read."]})
        paper = paper_update(
            actor=request.user,
            paper=paper,
            expected_version=version,
            data=serializer.service_data(),
        )
        return Response(self._detail(paper))

    def destroy(self, request, *args, **kwargs):
        paper = self._paper()
        paper_delete(
            actor=request.user, paper=paper, expected_version=_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _detail(self, paper: Paper) -> dict:
        """The detail of a paper just written, as it now stands."""
        fresh = paper_detail_values(include_drafts=True, key=paper.citation_key)
        return PaperDetailRows(self.request, self.format_kwarg).detail(fresh)

    def _paper(self):
        """The paper named in the URL, for a change; a former key 404s."""
        paper = self.get_queryset().filter(citation_key=self.kwargs["key"]).first()
        if paper is None:
            self._former_key(redirect=False)  # raises NotFound
        self.check_object_permissions(self.request, paper)
        return paper

    def _former_key(self, redirect: bool) -> HttpResponsePermanentRedirect:
        """For a key that is no paper's: the redirect from a former key to the
        paper's current address (reads), or NotFound naming the current key
        (changes) or saying that there is no such paper."""
        key = self.kwargs["key"]
        alias = CitationKeyAlias.objects.filter(key=key).select_related("paper").first()
        visible = alias is not None and (
            self.sees_drafts() or alias.paper.status == Status.PUBLISHED
        )
        if not visible:
            raise NotFound("No paper with this citation key.")
        current = alias.paper.citation_key
        if not redirect:
            raise NotFound(f"{key!r} is a former key; the paper is now {current!r}.")
        url = reverse("api:paper-detail", kwargs={"key": current})
        query = self.request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(url + (f"?{query}" if query else ""))

    def _export(self, papers, fmt: str, stem: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            export_stream(papers, fmt), content_type=export_content_type(fmt)
        )
        response["Content-Disposition"] = export_attachment(fmt, stem)
        return response
