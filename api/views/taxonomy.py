"""Taxonomy nodes, the whole tree, datasets and metrics."""

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.pagination import KeysetPagination
from api.permissions import AdminWritesOrReadOnly
from api.selectors import dataset_list, metric_list, node_list
from api.serializers.taxonomy import (
    DatasetSerializer,
    MetricSerializer,
    NodeSerializer,
    NodeWriteSerializer,
    TaxonomySerializer,
    taxonomy_data,
)
from api.views.base import StrictQueryMixin
from papers.selectors import node_paper_counts
from taxonomy.cache import one_generation
from taxonomy.filtersets import DatasetFilterSet, MetricFilterSet, NodeFilterSet
from taxonomy.models import Node
from taxonomy.selectors import taxonomy_tree
from taxonomy.services import node_create, node_delete, node_update

NODE_KEY = r"[a-z_]+:[-a-zA-Z0-9_]+"


@extend_schema_view(
    create=extend_schema(request=NodeWriteSerializer, responses={201: NodeSerializer}),
    update=extend_schema(request=NodeWriteSerializer, responses={200: NodeSerializer}),
    partial_update=extend_schema(
        request=NodeWriteSerializer, responses={200: NodeSerializer}
    ),
)
class NodeViewSet(StrictQueryMixin, viewsets.ModelViewSet):
    """Taxonomy nodes, addressed as <kind>:<slug>; admins may change them."""

    lookup_url_kwarg = "key"
    lookup_value_regex = NODE_KEY
    permission_classes = [AdminWritesOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = NodeFilterSet
    pagination_class = KeysetPagination
    serializer_class = NodeSerializer

    def get_queryset(self) -> QuerySet[Node]:
        return node_list()

    def keyset_ordering(self):
        return (("kind", False), ("position", False), ("name", False), ("id", False))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.method in ("GET", "HEAD"):
            context["paper_counts"] = node_paper_counts()
        return context

    def get_object(self) -> Node:
        kind, _, slug = self.kwargs["key"].partition(":")
        node = self.get_queryset().filter(kind=kind, slug=slug).first()
        if node is None:
            raise NotFound("No taxonomy node with this kind and slug.")
        self.check_object_permissions(self.request, node)
        return node

    def _answer(self, node: Node, code: int = status.HTTP_200_OK) -> Response:
        node = self.get_queryset().get(pk=node.pk)
        context = {**self.get_serializer_context(), "paper_counts": node_paper_counts()}
        return Response(NodeSerializer(node, context=context).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = NodeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        node = node_create(actor=request.user, data=dict(serializer.validated_data))
        return self._answer(node, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        node = self.get_object()
        serializer = NodeWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        node = node_update(actor=request.user, node=node, data=data)
        return self._answer(node)

    def destroy(self, request, *args, **kwargs):
        node_delete(actor=request.user, node=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaxonomyViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """The whole taxonomy in one answer."""

    serializer_class = TaxonomySerializer
    pagination_class = None
    answers_one_object = True  # one object of forests, not a list (api.schema)
    queryset = Node.objects.none()  # tells the schema generator the model

    @extend_schema(
        summary="The whole taxonomy tree",
        description="One forest per kind of node; paper_count counts published "
        "papers labelled with a node or any node below it.",
    )
    def list(self, request, *args, **kwargs):
        with one_generation():  # counts and nodes of the same generation, read once
            forests = taxonomy_tree(node_paper_counts())
        return Response(taxonomy_data(forests, request, self.format_kwarg))


class DatasetViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Benchmark datasets, by slug."""

    lookup_field = "slug"
    serializer_class = DatasetSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DatasetFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        return dataset_list()

    def keyset_ordering(self):
        return (("name", False), ("id", False))


class MetricViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation metrics, by slug."""

    lookup_field = "slug"
    serializer_class = MetricSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MetricFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        return metric_list()

    def keyset_ordering(self):
        return (("name", False), ("id", False))


__all__ = [
    "DatasetViewSet",
    "MetricViewSet",
    "NodeViewSet",
    "TaxonomyViewSet",
]
