"""Brief shapes for nesting one object inside another; each carries its `url`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from papers.models import Authorship, Label, Paper, Venue
from taxonomy.models import Dataset, Metric, Node


@extend_schema_field(OpenApiTypes.URI)
class NodeUrlField(serializers.HyperlinkedIdentityField):
    """The API address of a node: /api/v1/nodes/<kind>:<slug>/."""

    def __init__(self, **kwargs):
        kwargs.setdefault("view_name", "api:node-detail")
        super().__init__(**kwargs)

    def get_url(self, obj, view_name, request, format):
        node = getattr(obj, "node", obj)  # a taxonomy TreeNode wraps its node
        key = f"{node.kind}:{node.slug}"
        return self.reverse(view_name, kwargs={"key": key}, request=request)


def paper_url(**kwargs) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(
        view_name="api:paper-detail",
        lookup_field="citation_key",
        lookup_url_kwarg="key",
        **kwargs,
    )


class NodeBriefSerializer(serializers.ModelSerializer):
    url = NodeUrlField()

    class Meta:
        model = Node
        fields = ["url", "kind", "slug", "name", "provenance"]


class AuthorshipBriefSerializer(serializers.ModelSerializer):
    """An author of a paper, in the paper's order."""

    url = serializers.HyperlinkedRelatedField(
        source="author", view_name="api:author-detail", read_only=True
    )
    id = serializers.IntegerField(source="author_id", read_only=True)
    name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = Authorship
        fields = ["url", "id", "name"]


class VenueBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail")

    class Meta:
        model = Venue
        fields = ["url", "id", "name", "short_name"]


class DatasetBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:dataset-detail", lookup_field="slug"
    )

    class Meta:
        model = Dataset
        fields = ["url", "slug", "name"]


class MetricBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:metric-detail", lookup_field="slug"
    )

    class Meta:
        model = Metric
        fields = ["url", "slug", "name"]


class PaperBriefSerializer(serializers.ModelSerializer):
    url = paper_url()

    class Meta:
        model = Paper
        fields = ["url", "citation_key", "title", "year"]


class PaperLabelSerializer(serializers.ModelSerializer):
    """A label as shown inside a paper: the node and who said so."""

    url = serializers.HyperlinkedIdentityField(view_name="api:label-detail")
    node = NodeBriefSerializer(read_only=True)

    class Meta:
        model = Label
        fields = ["url", "node", "source", "provenance", "evidence"]
