"""Shapes of authors, venues, results, citations and labels."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.briefs import (
    DatasetBriefSerializer,
    MetricBriefSerializer,
    NodeBriefSerializer,
    PaperBriefSerializer,
)
from api.serializers.fields import JSONTypedInput
from papers.models import Author, Citation, Label, Result, Venue
from taxonomy.models import Provenance


def papers_link(context: dict, **params) -> str:
    path = reverse("api:paper-list") + "?" + urlencode(params)
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class AuthorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail")
    name = serializers.CharField(source="display_name", read_only=True)
    paper_count = serializers.IntegerField(read_only=True)
    papers = serializers.SerializerMethodField(help_text="This author's papers.")

    class Meta:
        model = Author
        fields = [
            "url", "id", "given", "von", "family", "suffix", "name",
            "paper_count", "papers",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_papers(self, author: Author) -> str:
        return papers_link(self.context, author=author.pk)


class VenueSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail")
    paper_count = serializers.IntegerField(read_only=True)
    papers = serializers.SerializerMethodField(help_text="Papers at this venue.")

    class Meta:
        model = Venue
        fields = ["url", "id", "name", "short_name", "kind", "paper_count", "papers"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_papers(self, venue: Venue) -> str:
        return papers_link(self.context, venue=venue.pk)


class ResultSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:result-detail")
    paper = PaperBriefSerializer(read_only=True)
    dataset = DatasetBriefSerializer(read_only=True)
    metric = MetricBriefSerializer(read_only=True)

    class Meta:
        model = Result
        fields = ["url", "id", "paper", "dataset", "metric", "value", "note"]


class CitationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:citation-detail")
    citing = PaperBriefSerializer(read_only=True)
    cited = PaperBriefSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = ["url", "id", "citing", "cited"]


class CitationWriteSerializer(JSONTypedInput, serializers.Serializer):
    citing = serializers.CharField(
        max_length=100, help_text="Citation key of the citing paper."
    )
    cited = serializers.CharField(
        max_length=100, help_text="Citation key of the cited paper."
    )


class LabelSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:label-detail")
    paper = PaperBriefSerializer(read_only=True)
    node = NodeBriefSerializer(read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Label
        fields = [
            "url", "id", "paper", "node", "source", "provenance", "evidence",
            "created_by", "created",
        ]  # fmt: skip


class LabelWriteSerializer(JSONTypedInput, serializers.Serializer):
    paper = serializers.CharField(max_length=100, help_text="The paper's citation key.")
    node = serializers.CharField(max_length=120, help_text='"kind:slug" of the node.')
    provenance = serializers.ChoiceField(
        choices=Provenance.choices, default=Provenance.CURATED
    )
    evidence = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
