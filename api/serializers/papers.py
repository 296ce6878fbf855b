"""Paper shapes: list rows, the full record, and the input of writes."""

from urllib.parse import quote

from django.urls import reverse as django_reverse
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from api.serializers.briefs import (
    AuthorshipBriefSerializer,
    DatasetBriefSerializer,
    PaperLabelSerializer,
    VenueBriefSerializer,
    paper_url,
)
from api.serializers.fields import (
    CalendarDateField,
    JSONTypedInput,
    OptionalURLField,
    no_null_characters,
)
from papers.models import MAX_AUTHORS, Confidence, Paper, Status, SurveyInclusion


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


#: What Django's reverse() leaves unquoted in a URL argument.
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"
MARK, NUMBER = "zzmarkzz", "9081726354"


class PaperListRows:
    """Rows of the paper list in PaperListSerializer's shape, built from plain
    values (api.selectors.paper_list_relations) and links formatted from one
    reverse() per kind of link: about ten times faster than the serializer on
    a page of 50 papers, with the same output (tests/api/test_list_rows.py)."""

    def __init__(self, request, format: str | None = None):
        def link(view_name: str, key: str = "pk", value: str = NUMBER) -> str:
            kwargs = {key: value}
            return reverse(view_name, kwargs=kwargs, request=request, format=format)

        self.paper = link("api:paper-detail", "key", MARK)
        self.author = link("api:author-detail")
        self.venue = link("api:venue-detail")
        self.label = link("api:label-detail")
        self.node = link("api:node-detail", "key", f"{MARK}:{MARK.upper()}")

    def rows(self, papers: list[dict], authors: dict, labels: dict) -> list[dict]:
        """papers: dicts of api.selectors.LIST_COLUMNS."""
        return [
            self.row(paper, authors[paper["id"]], labels[paper["id"]])
            for paper in papers
        ]

    def row(self, paper: dict, authors: list[tuple], labels: list[tuple]) -> dict:
        venue = paper["venue_id"]
        return {
            "url": self.paper.replace(MARK, quote(paper["citation_key"], URL_SAFE)),
            "citation_key": paper["citation_key"],
            "entry_type": paper["entry_type"],
            "title": paper["title"],
            "year": paper["year"],
            "month": paper["month"],
            "authors": [self._author(*author) for author in authors],
            "et_al": paper["et_al"],
            "venue": None
            if venue is None
            else {
                "url": self.venue.replace(NUMBER, str(venue)),
                "id": venue,
                "name": paper["venue__name"],
                "short_name": paper["venue__short_name"],
            },
            "doi": paper["doi"],
            "arxiv_id": paper["arxiv_id"],
            "cite_count": paper["cite_count"],
            "status": paper["status"],
            "labels": [self._label(*label) for label in labels],
        }

    def _author(self, pk, given, von, family, suffix) -> dict:
        name = " ".join(part for part in (given, von, family) if part)
        return {
            "url": self.author.replace(NUMBER, str(pk)),
            "id": pk,
            "name": f"{name}, {suffix}" if suffix else name,
        }

    def _label(self, pk, source, provenance, evidence, *node) -> dict:
        kind, slug, name, node_provenance = node
        node_url = self.node.replace(MARK, kind).replace(MARK.upper(), slug)
        return {
            "url": self.label.replace(NUMBER, str(pk)),
            "node": {
                "url": node_url,
                "kind": kind,
                "slug": slug,
                "name": name,
                "provenance": node_provenance,
            },
            "source": source,
            "provenance": provenance,
            "evidence": evidence,
        }


class PaperDetailSerializer(PaperListSerializer):
    external_url = OptionalURLField(source="url", read_only=True)
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


class PaperDetailRows(PaperListRows):
    """A paper's detail in PaperDetailSerializer's shape, built from plain values
    (api.selectors.paper_detail_values) like the list's rows, with the same
    output (tests/api/test_list_rows.py)."""

    _date = serializers.DateField()
    _moment = serializers.DateTimeField()

    def __init__(self, request, format: str | None = None):
        super().__init__(request, format)
        self.request = request
        self.dataset = reverse(
            "api:dataset-detail", kwargs={"slug": MARK}, request=request, format=format
        )
        self.page = django_reverse("papers:detail", kwargs={"key": MARK})

    def detail(self, paper: dict) -> dict:
        relations = paper["relations"]
        key = quote(paper["citation_key"], URL_SAFE)
        page = self.page.replace(MARK, key)
        return {
            **self.row(paper, relations["authors"], relations["labels"]),
            "title_protected": paper["title_protected"],
            "abstract": paper["abstract"],
            "published_on": self._date.to_representation(paper["published_on"]),
            "volume": paper["volume"],
            "number": paper["number"],
            "pages": paper["pages"],
            "publisher": paper["publisher"],
            "external_url": paper["url"],
            "html_url": self.request.build_absolute_uri(page) if self.request else page,
            "extra": paper["extra"],
            "confidence": paper["confidence"],
            "survey_inclusion": paper["survey_inclusion"],
            "metadata_provenance": paper["provenance"],
            "datasets": [
                {"url": self.dataset.replace(MARK, slug), "slug": slug, "name": name}
                for slug, name in relations["datasets"]
            ],
            "reference_count": paper["reference_count"],
            "cited_by_count": paper["cited_by_count"],
            "former_keys": relations["former_keys"],
            "version": paper["version"],
            "created": self._moment.to_representation(paper["created"]),
            "updated": self._moment.to_representation(paper["updated"]),
        }


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
        if not isinstance(data, str | dict):
            raise serializers.ValidationError("An author is a string or an object.")
        if isinstance(data, dict) and not all(
            isinstance(v, str) for v in data.values()
        ):
            raise serializers.ValidationError("Each part of a name is a string.")
        no_null_characters(data)
        return data if isinstance(data, str) else dict(data)

    def to_representation(self, value):
        return value


class PaperWriteSerializer(JSONTypedInput, serializers.Serializer):
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
    published_on = CalendarDateField(required=False, allow_null=True)
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
    external_url = OptionalURLField(
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
    metadata_provenance = serializers.DictField(
        source="provenance", required=False, validators=[no_null_characters]
    )
    authors = serializers.ListField(
        child=AuthorNameField(), required=False, max_length=MAX_AUTHORS
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
