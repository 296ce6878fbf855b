"""Paper shapes: list rows, the full record, and the input of writes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.briefs import (
    AuthorshipBriefSerializer,
    DatasetBriefSerializer,
    PaperLabelSerializer,
    VenueBriefSerializer,
    paper_url,
)
from papers.models import Confidence, Paper, Status, SurveyInclusion


class PaperListSerializer(serializers.ModelSerializer):
    url = paper_url()
    authors = AuthorshipBriefSerializer(source="authorships", many=True, read_only=True)
    venue = VenueBriefSerializer(read_only=True, allow_null=True)
    labels = PaperLabelSerializer(many=True, read_only=True)

    class Meta:
        model = Paper
        fields = [
            "url", "citation_key", "entry_type", "title", "year", "month",
            "authors", "et_al", "venue", "doi", "arxiv_id", "cite_count",
            "status", "labels",
        ]  # fmt: skip


class PaperDetailSerializer(PaperListSerializer):
    external_url = serializers.URLField(source="url", read_only=True)
    html_url = serializers.SerializerMethodField()
    metadata_provenance = serializers.JSONField(source="provenance", read_only=True)
    datasets = DatasetBriefSerializer(many=True, read_only=True)
    reference_count = serializers.IntegerField(read_only=True)
    cited_by_count = serializers.IntegerField(read_only=True)
    former_keys = serializers.SlugRelatedField(
        source="key_aliases", slug_field="key", many=True, read_only=True
    )

    class Meta(PaperListSerializer.Meta):
        fields = [
            *PaperListSerializer.Meta.fields,
            "title_protected", "abstract", "published_on", "volume", "number",
            "pages", "publisher", "external_url", "html_url", "extra",
            "confidence", "survey_inclusion", "metadata_provenance", "datasets",
            "reference_count", "cited_by_count", "former_keys", "version",
            "created", "updated",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, paper: Paper) -> str:
        request = self.context.get("request")
        path = paper.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "given": {"type": "string"},
                    "von": {"type": "string"},
                    "family": {"type": "string"},
                    "suffix": {"type": "string"},
                },
                "required": ["family"],
                "additionalProperties": False,
            },
        ]
    }
)
class AuthorNameField(serializers.Field):
    """An author as a display string or as BibTeX name parts."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data
        if isinstance(data, dict):
            return dict(data)
        raise serializers.ValidationError("An author is a string or an object.")

    def to_representation(self, value):
        return value


class PaperWriteSerializer(serializers.Serializer):
    """What a curator sends to create or change a paper (types only; the
    service checks the rest). `version` is the version the change is based on."""

    citation_key = serializers.CharField(max_length=100)
    entry_type = serializers.RegexField(r"^[a-z][a-z0-9_-]*$", max_length=30)
    title = serializers.CharField(max_length=600)
    title_protected = serializers.CharField(
        max_length=700, required=False, allow_blank=True
    )
    abstract = serializers.CharField(required=False, allow_blank=True)
    year = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=9999
    )
    month = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=12
    )
    published_on = serializers.DateField(required=False, allow_null=True)
    volume = serializers.CharField(max_length=40, required=False, allow_blank=True)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    pages = serializers.CharField(max_length=40, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    doi = serializers.CharField(
        max_length=200, required=False, allow_null=True, allow_blank=True
    )
    arxiv_id = serializers.CharField(
        max_length=40, required=False, allow_null=True, allow_blank=True
    )
    external_url = serializers.URLField(
        source="url", max_length=500, required=False, allow_blank=True
    )
    cite_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )
    et_al = serializers.BooleanField(required=False)
    extra = serializers.DictField(child=serializers.CharField(), required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    survey_inclusion = serializers.ChoiceField(
        choices=SurveyInclusion.choices, required=False
    )
    metadata_provenance = serializers.DictField(source="provenance", required=False)
    authors = serializers.ListField(
        child=AuthorNameField(), required=False, max_length=500
    )
    venue = serializers.CharField(
        max_length=300, required=False, allow_null=True, allow_blank=True
    )
    datasets = serializers.ListField(
        child=serializers.SlugField(), required=False, max_length=200
    )
    labels = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        max_length=200,
        help_text='Taxonomy nodes as "kind:slug"; replaces the labels a paper has.',
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The version your change is based on; required for updates.",
    )

    def service_data(self) -> dict:
        """The validated input under the model's field names, without version."""
        data = dict(self.validated_data)
        data.pop("version", None)
        for name in ("doi", "arxiv_id"):
            if data.get(name) == "":
                data[name] = None
        return data
