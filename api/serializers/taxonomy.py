"""Shapes of nodes, the taxonomy tree, datasets and metrics."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from api.serializers.briefs import NodeBriefSerializer, NodeUrlField
from api.serializers.fields import JSONTypedInput, OptionalURLField
from taxonomy.models import Dataset, Kind, Metric, Node, Provenance


class PaperCountMixin:
    """paper_count from context["paper_counts"] (node id -> papers, descendants
    included), computed once per request."""

    @extend_schema_field(OpenApiTypes.INT)
    def get_paper_count(self, node: Node) -> int:
        return self.context.get("paper_counts", {}).get(node.pk, 0)


class NodeSerializer(PaperCountMixin, serializers.ModelSerializer):
    url = NodeUrlField()
    parent = NodeBriefSerializer(read_only=True, allow_null=True)
    children = NodeBriefSerializer(many=True, read_only=True)
    related = NodeBriefSerializer(many=True, read_only=True)
    paper_count = serializers.SerializerMethodField(
        help_text="Published papers labelled with this node or any node below it."
    )
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Node
        fields = [
            "url", "kind", "slug", "name", "abbreviation", "description",
            "parent", "children", "related", "position", "provenance",
            "provenance_detail", "note", "paper_count", "html_url",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, node: Node) -> str:
        request = self.context.get("request")
        path = node.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class NodeWriteSerializer(JSONTypedInput, serializers.Serializer):
    """What an admin sends to create or change a node (types only)."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    slug = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    abbreviation = serializers.CharField(
        max_length=20, required=False, allow_blank=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    parent = serializers.SlugField(
        required=False, allow_null=True, help_text="Slug of a node of the same kind."
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1
    )
    provenance = serializers.ChoiceField(choices=Provenance.choices, required=False)
    provenance_detail = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    related = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        max_length=200,
        help_text='Nodes of other kinds, as "kind:slug".',
    )


class TreeNodeSerializer(serializers.Serializer):
    """One node of the taxonomy tree with its children, nested."""

    url = NodeUrlField()
    kind = serializers.CharField(source="node.kind")
    slug = serializers.CharField(source="node.slug")
    name = serializers.CharField(source="node.name")
    abbreviation = serializers.CharField(source="node.abbreviation")
    provenance = serializers.CharField(source="node.provenance")
    paper_count = serializers.IntegerField(
        help_text="Published papers labelled with this node or any node below it."
    )


TreeNodeSerializer._declared_fields["children"] = TreeNodeSerializer(many=True)


class TaxonomySerializer(serializers.Serializer):
    """The whole taxonomy: one forest per kind of node."""

    modality = TreeNodeSerializer(many=True)
    application = TreeNodeSerializer(many=True)
    method = TreeNodeSerializer(many=True)
    open_issue = TreeNodeSerializer(many=True)


def taxonomy_data(forests: dict, request, format: str | None = None) -> dict:
    """TaxonomySerializer's output, built directly: node links formatted from
    one reverse() (the same answer, tests/api/test_list_rows.py)."""
    mark = "zzmarkzz"
    key = {"key": f"{mark}:a"}
    link = reverse("api:node-detail", kwargs=key, request=request, format=format)
    prefix, suffix = link.split(f"{mark}:a")

    def tree(item) -> dict:
        node = item.node
        return {
            "url": f"{prefix}{node.kind}:{node.slug}{suffix}",
            "kind": node.kind,
            "slug": node.slug,
            "name": node.name,
            "abbreviation": node.abbreviation,
            "provenance": node.provenance,
            "paper_count": item.paper_count,
            "children": [tree(child) for child in item.children],
        }

    return {kind: [tree(item) for item in forests[kind]] for kind in Kind.values}


class DatasetSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:dataset-detail", lookup_field="slug"
    )
    homepage = OptionalURLField(source="url", read_only=True)
    modalities = NodeBriefSerializer(many=True, read_only=True)
    applications = NodeBriefSerializer(many=True, read_only=True)
    paper_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "url", "slug", "name", "year", "homepage", "description",
            "modalities", "applications", "provenance", "provenance_detail",
            "note", "paper_count",
        ]  # fmt: skip


class MetricSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:metric-detail", lookup_field="slug"
    )
    applications = NodeBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Metric
        fields = [
            "url", "slug", "name", "description", "higher_is_better",
            "applications", "provenance", "provenance_detail",
        ]  # fmt: skip
