"""Authors, venues and results (read only); citations and labels (curated)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.filtersets import (
    AuthorFilterSet,
    CitationFilterSet,
    LabelFilterSet,
    ResultFilterSet,
    VenueFilterSet,
)
from api.pagination import KeysetPagination
from api.permissions import CuratorWritesOrReadOnly
from api.selectors import (
    api_papers,
    author_list,
    citation_list,
    label_list,
    result_list,
    venue_list,
)
from api.serializers.links import (
    AuthorSerializer,
    CitationSerializer,
    CitationWriteSerializer,
    LabelSerializer,
    LabelWriteSerializer,
    ResultSerializer,
    VenueSerializer,
)
from api.views.base import StrictQueryMixin
from papers.models import Paper
from papers.services.papers import (
    citation_add,
    citation_remove,
    label_add,
    label_remove,
    nodes_by_reference,
)

BY_ID = (("id", False),)


class ReadOnlyListViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]+"

    def keyset_ordering(self):
        return BY_ID


class AuthorViewSet(ReadOnlyListViewSet):
    """Authors with their published paper counts."""

    serializer_class = AuthorSerializer
    filterset_class = AuthorFilterSet

    def get_queryset(self):
        return author_list(include_drafts=self.sees_drafts())

    def keyset_ordering(self):
        return (("family", False), ("given", False), ("id", False))


class VenueViewSet(ReadOnlyListViewSet):
    """Journals, conferences and other venues."""

    serializer_class = VenueSerializer
    filterset_class = VenueFilterSet

    def get_queryset(self):
        return venue_list(include_drafts=self.sees_drafts())

    def keyset_ordering(self):
        return (("name", False), ("id", False))


class ResultViewSet(ReadOnlyListViewSet):
    """Scores papers report on datasets, per metric."""

    serializer_class = ResultSerializer
    filterset_class = ResultFilterSet

    def get_queryset(self):
        return result_list(include_drafts=self.sees_drafts())


def paper_by_key(key: str, field: str, *, include_drafts: bool) -> Paper:
    """The paper with this key, or a 400 on field (a body value, not the URL)."""
    paper = (
        api_papers(include_drafts=include_drafts)
        .prefetch_related(None)
        .filter(citation_key=key)
        .first()
    )
    if paper is None:
        raise ValidationError({field: [f"No paper with citation key {key!r}."]})
    return paper


class CuratedLinkViewSet(
    StrictQueryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    permission_classes = [CuratorWritesOrReadOnly]
    lookup_value_regex = r"[0-9]+"

    def keyset_ordering(self):
        return BY_ID

    def answer(self, instance, code: int) -> Response:
        instance = self.get_queryset().get(pk=instance.pk)
        context = self.get_serializer_context()
        return Response(self.serializer_class(instance, context=context).data, code)


@extend_schema_view(
    create=extend_schema(
        request=CitationWriteSerializer, responses={201: CitationSerializer}
    )
)
class CitationViewSet(CuratedLinkViewSet):
    """Who cites whom; curators add and remove links."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet

    def get_queryset(self):
        return citation_list(include_drafts=self.sees_drafts())

    def create(self, request, *args, **kwargs):
        serializer = CitationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        citing, cited = (
            paper_by_key(serializer.validated_data[f], f, include_drafts=True)
            for f in ("citing", "cited")
        )
        try:
            citation = citation_add(actor=request.user, citing=citing, cited=cited)
        except DjangoValidationError as error:
            raise ValidationError({"cited": error.messages}) from error
        return self.answer(citation, status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        citation_remove(actor=self.request.user, citation=instance)


@extend_schema_view(
    create=extend_schema(request=LabelWriteSerializer, responses={201: LabelSerializer})
)
class LabelViewSet(CuratedLinkViewSet):
    """Labels tie papers to taxonomy nodes, with provenance and evidence."""

    serializer_class = LabelSerializer
    filterset_class = LabelFilterSet

    def get_queryset(self):
        return label_list(include_drafts=self.sees_drafts())

    def create(self, request, *args, **kwargs):
        serializer = LabelWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        paper = paper_by_key(data["paper"], "paper", include_drafts=True)
        (node,) = nodes_by_reference([data["node"]], "node")
        try:
            label = label_add(
                actor=request.user,
                paper=paper,
                node=node,
                evidence=data["evidence"],
                provenance=data["provenance"],
            )
        except DjangoValidationError as error:
            raise ValidationError({"node": error.messages}) from error
        return self.answer(label, status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        label_remove(actor=self.request.user, label=instance)
