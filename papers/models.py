"""Papers of the survey and the links between them and the taxonomy."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, IntegerField
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from papers.bibtex import is_field_name, normalise_title
from papers.bibtex.identifiers import (
    ARXIV_FORM,
    DOI_FORM,
    DOI_PATTERN,
    normalise_arxiv_id,
    normalise_doi,
)
from taxonomy.models import Dataset, Metric, Node, Provenance


class VenueKind(models.TextChoices):
    JOURNAL = "journal", "Journal"
    CONFERENCE = "conference", "Conference"
    PREPRINT = "preprint", "Preprint"
    THESIS = "thesis", "Thesis"
    OTHER = "other", "Other"


class Venue(models.Model):
    """Where papers appear: a journal, conference, preprint server or institution."""

    name = models.CharField(max_length=300, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(
        max_length=12, choices=VenueKind.choices, default=VenueKind.OTHER
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Author(models.Model):
    """A person (or corporate body) who wrote papers, with BibTeX name parts."""

    given = models.CharField(max_length=150, blank=True)
    von = models.CharField(max_length=60, blank=True)
    family = models.CharField(max_length=200)
    suffix = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["family", "given"]
        constraints = [
            models.UniqueConstraint(
                fields=["given", "von", "family", "suffix"],
                name="%(app_label)s_%(class)s_unique_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("papers:author", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.given, self.von, self.family) if part)
        return f"{name}, {self.suffix}" if self.suffix else name


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


#: Every status but published, listed (an IN list reads the status index; a
#: negation would read every paper).
UNPUBLISHED = tuple(s for s in Status.values if s != Status.PUBLISHED)


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class SurveyInclusion(models.TextChoices):
    VERIFIED = "verified", "Cited by the review (checked)"
    PROBABLE = "probable", "Probably cited by the review"
    NOT_VERIFIED = "not_verified", "In the review's scope; citation not checked"
    OUTSIDE = "outside", "Not part of the review"


class PaperQuerySet(models.QuerySet):
    def published(self) -> "PaperQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def unpublished(self) -> "PaperQuerySet":
        """Drafts and the like: few, found through the status index."""
        return self.filter(status__in=UNPUBLISHED)


def sort_year() -> Coalesce:
    """The year papers sort on (none sorts as 0)."""
    # Signed output fields: -1 is outside a positive field's range, and Django
    # turns lookups with out-of-range values into "matches nothing".
    return Coalesce("year", 0, output_field=IntegerField())


def sort_cites() -> Coalesce:
    """The citation count papers sort on (none sorts below 0)."""
    return Coalesce("cite_count", -1, output_field=IntegerField())


class Paper(models.Model):
    """One work, with its BibTeX metadata; `extra` keeps every other BibTeX field."""

    citation_key = models.CharField(max_length=100, unique=True)
    entry_type = models.CharField(max_length=30, default="article")
    title = models.CharField(max_length=600)
    normalised_title = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The title as duplicate matching compares it "
        "(papers.bibtex.normalise_title); kept by save().",
    )
    title_protected = models.CharField(
        max_length=700, blank=True, help_text="The title with its protective braces."
    )
    abstract = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="papers"
    )
    volume = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    # NULL, not "", stands for "no identifier" so that uniqueness applies only when set.
    doi = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    arxiv_id = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    url = models.URLField(max_length=500, blank=True)
    cite_count = models.PositiveIntegerField(null=True, blank=True)
    et_al = models.BooleanField(
        default=False, help_text="The author list is incomplete ('and others')."
    )
    extra = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    confidence = models.CharField(
        max_length=8, choices=Confidence.choices, default=Confidence.HIGH
    )
    survey_inclusion = models.CharField(
        max_length=14, choices=SurveyInclusion.choices, default=SurveyInclusion.OUTSIDE
    )
    provenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where the metadata comes from and how it was checked.",
    )
    authors_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Author names in reading order, for full-text search; kept by "
        "the services that write authorships.",
    )
    authors = models.ManyToManyField(
        Author, through="Authorship", related_name="papers"
    )
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="papers")
    references = models.ManyToManyField(
        "self", through="Citation", symmetrical=False, related_name="cited_by"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"],
                condition=models.Q(doi__isnull=False),
                name="%(app_label)s_%(class)s_unique_doi",
                violation_error_message="A paper with this DOI already exists.",
            ),
            models.UniqueConstraint(
                fields=["arxiv_id"],
                condition=models.Q(arxiv_id__isnull=False),
                name="%(app_label)s_%(class)s_unique_arxiv",
                violation_error_message="A paper with this arXiv id already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(doi__isnull=True) | models.Q(doi=Lower("doi")),
                name="%(app_label)s_%(class)s_doi_lower_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(doi="") & ~models.Q(arxiv_id=""),
                name="%(app_label)s_%(class)s_identifiers_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__range=(1, 12)),
                name="%(app_label)s_%(class)s_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["year"], name="papers_paper_year_idx"),
            # An import looks up the papers that share an entry's title.
            models.Index(
                fields=["normalised_title"],
                include=["year", "id"],
                name="papers_paper_norm_title_idx",
            ),
            # Covers the published papers' part of papers.paper_sets' one
            # query (an index-only scan instead of reading every wide row).
            models.Index(
                fields=["status", "year"],
                include=["venue", "id"],
                name="papers_paper_status_year_idx",
            ),
            # The overview's newest additions: the first rows of this index.
            models.Index(
                fields=["-created", "-id"],
                condition=models.Q(status="published"),
                name="papers_paper_recent_idx",
            ),
            # The other orderings of the paper lists (papers.filtersets.ORDERINGS;
            # newest first has papers/migrations/0009's index): a page is the
            # first rows of an index range, not a sort of every published paper.
            models.Index(
                sort_year(), F("title"), F("id"),
                condition=models.Q(status="published"),
                name="papers_paper_oldest_row_idx",
            ),
            models.Index(  # read backwards for Z-A
                fields=["title", "id"],
                condition=models.Q(status="published"),
                name="papers_paper_title_row_idx",
            ),
            models.Index(
                sort_cites(), F("id"),
                condition=models.Q(status="published"),
                name="papers_paper_least_cited_idx",
            ),
            models.Index(
                sort_cites().desc(), F("id"),
                condition=models.Q(status="published"),
                name="papers_paper_most_cited_idx",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs) -> None:
        self.normalised_title = normalise_title(self.title)
        fields = kwargs.get("update_fields")
        if fields is not None and "title" in fields:
            kwargs["update_fields"] = {*fields, "normalised_title"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("papers:detail", kwargs={"key": self.citation_key})

    def clean(self) -> None:
        # Every check runs, so one answer names every field that is wrong.
        errors: dict[str, list] = {}
        for check in (self._normalise_identifiers, self._check_extra):
            try:
                check()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _normalise_identifiers(self) -> None:
        """The DOI and arXiv id in the one form an import matches on (so a
        resolver address or an arXiv version cannot pass for another work)."""
        if self.doi is not None:
            doi = normalise_doi(self.doi)
            if doi and not DOI_PATTERN.match(doi):
                raise ValidationError(
                    {"doi": f"{self.doi!r} is not a DOI: {DOI_FORM}."}
                )
            self.doi = doi or None
        if self.arxiv_id is not None:
            given = self.arxiv_id.strip()
            arxiv_id = normalise_arxiv_id(given) if given else ""
            if given and not arxiv_id:
                raise ValidationError(
                    {"arxiv_id": f"{given!r} is not an arXiv id: {ARXIV_FORM}."}
                )
            self.arxiv_id = arxiv_id or None
        self._check_identifiers_free()

    def _check_identifiers_free(self) -> None:
        """A DOI or arXiv id names one work: say which paper already has it."""
        others = Paper.objects.exclude(pk=self.pk)
        for field, value, name in (
            ("doi", self.doi, "DOI"),
            ("arxiv_id", self.arxiv_id, "arXiv id"),
        ):
            holder = value and others.filter(**{field: value}).first()
            if holder:
                message = f"The paper {holder.citation_key!r} already has this {name}."
                raise ValidationError({field: message})

    def _check_extra(self) -> None:
        """Other BibTeX fields: names BibTeX can write, text values."""
        if not isinstance(self.extra, dict):
            raise ValidationError({"extra": "Other fields must be name: text pairs."})
        for name, value in self.extra.items():
            if not is_field_name(name):
                raise ValidationError(
                    {
                        "extra": f"{name!r} is not a BibTeX field name (a letter, "
                        "then letters, digits or _ : . + -)."
                    }
                )
            if not isinstance(value, str):
                raise ValidationError({"extra": f"The value of {name!r} must be text."})
            if "\x00" in value:
                raise ValidationError(
                    {"extra": f"The value of {name!r} has a null character."}
                )


#: The longest author list a paper may have, whichever way it comes in (large
#: collaborations list a few thousand).
MAX_AUTHORS = 3000


class Authorship(models.Model):
    """The position of an author in a paper's author list."""

    # No index of its own: the unique constraints below lead with the paper.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="authorships"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"],
                name="%(app_label)s_%(class)s_unique_position",
            ),
            models.UniqueConstraint(
                fields=["paper", "author"], name="%(app_label)s_%(class)s_unique_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} (#{self.position + 1}) on {self.paper.citation_key}"


class Citation(models.Model):
    """`citing` lists `cited` among its references."""

    citing = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="citations_out"
    )
    cited = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="citations_in"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citing", "cited"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(citing=models.F("cited")),
                name="%(app_label)s_%(class)s_no_self_citation",
            ),
        ]
        indexes = [
            models.Index(fields=["cited", "citing"], name="papers_citation_cited_idx")
        ]

    def __str__(self) -> str:
        return f"{self.citing.citation_key} cites {self.cited.citation_key}"

    def clean(self) -> None:
        if self.citing_id is not None and self.citing_id == self.cited_id:
            raise ValidationError({"cited": "A paper cannot cite itself."})


class LabelSource(models.TextChoices):
    SURVEY = "survey", "Survey data"
    CURATOR = "curator", "Curator"
    IMPORT = "import", "Import"


class Label(models.Model):
    """Tags a paper with a taxonomy node, saying who did it and on what evidence."""

    # No indexes of their own: the unique constraint leads with the paper, the
    # index below with the node.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="labels", db_index=False
    )
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="labels", db_index=False
    )
    source = models.CharField(max_length=10, choices=LabelSource.choices)
    provenance = models.CharField(
        max_length=10, choices=Provenance.choices, default=Provenance.CURATED
    )
    evidence = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["node__kind", "node__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "node"],
                name="%(app_label)s_%(class)s_unique_paper_node",
            )
        ]
        indexes = [models.Index(fields=["node", "paper"], name="papers_label_node_idx")]

    def __str__(self) -> str:
        return f"{self.paper.citation_key} -> {self.node}"


class Result(models.Model):
    """A score a paper reports on a dataset under a metric (for leaderboards)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="results")
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="results"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="results")
    value = models.FloatField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dataset", "metric", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "dataset", "metric", "note"],
                name="%(app_label)s_%(class)s_unique_score",
            )
        ]

    def __str__(self) -> str:
        score = f"{self.metric.name} {self.value} on {self.dataset.name}"
        return f"{self.paper.citation_key}: {score}"

    def clean(self) -> None:
        if self.value != self.value:  # NaN is never a score
            raise ValidationError({"value": "A result must be a number."})


class CitationKeyAlias(models.Model):
    """A former citation key of a paper; links and citations using it still resolve."""

    key = models.CharField(max_length=100, unique=True)
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="key_aliases"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} -> {self.paper.citation_key}"
