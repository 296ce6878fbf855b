"""The survey's taxonomy: modalities, applications, method families, open issues."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Kind(models.TextChoices):
    MODALITY = "modality", "Modality"
    APPLICATION = "application", "Application"
    METHOD = "method", "Method family"
    OPEN_ISSUE = "open_issue", "Open issue"


class Provenance(models.TextChoices):
    SURVEY = "survey", "Stated by the review"
    CURATED = "curated", "Added by a curator"
    INFERRED = "inferred", "Inferred, not stated by the review"


class NodeQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> "NodeQuerySet":
        return self.filter(kind=kind)

    def roots(self) -> "NodeQuerySet":
        return self.filter(parent__isnull=True)


class Node(models.Model):
    """One node of the taxonomy tree; its parent is always of the same kind."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    position = models.PositiveIntegerField(default=0)
    provenance = models.CharField(
        max_length=10, choices=Provenance.choices, default=Provenance.CURATED
    )
    provenance_detail = models.TextField(
        blank=True, help_text="Where the node comes from, in the words of its source."
    )
    note = models.TextField(blank=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"], name="%(app_label)s_%(class)s_unique_kind_slug"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(provenance__in=Provenance.values),
                name="%(app_label)s_%(class)s_provenance_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:node", kwargs={"kind": self.kind, "slug": self.slug})

    @property
    def is_stated_by_review(self) -> bool:
        return self.provenance == Provenance.SURVEY

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.kind != self.kind:
            raise ValidationError(
                {
                    "parent": f"A {self.get_kind_display().lower()} cannot sit under "
                    f"a {parent.get_kind_display().lower()}."
                }
            )
        seen = set()
        while parent is not None:
            if parent.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "This parent would make a cycle."})
            if parent.pk in seen:
                break
            seen.add(parent.pk)
            parent = parent.parent


class Dataset(models.Model):
    """A benchmark data set used by papers in the survey."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    modalities = models.ManyToManyField(
        Node,
        blank=True,
        related_name="datasets_as_modality",
        limit_choices_to={"kind": Kind.MODALITY},
    )
    applications = models.ManyToManyField(
        Node,
        blank=True,
        related_name="datasets",
        limit_choices_to={"kind": Kind.APPLICATION},
    )
    provenance = models.CharField(
        max_length=10, choices=Provenance.choices, default=Provenance.CURATED
    )
    provenance_detail = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name if self.year is None else f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:dataset", kwargs={"slug": self.slug})


class Metric(models.Model):
    """An evaluation measure reported by papers."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    higher_is_better = models.BooleanField(default=True)
    applications = models.ManyToManyField(
        Node,
        blank=True,
        related_name="metrics",
        limit_choices_to={"kind": Kind.APPLICATION},
    )
    provenance = models.CharField(
        max_length=10, choices=Provenance.choices, default=Provenance.CURATED
    )
    provenance_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        arrow = "higher is better" if self.higher_is_better else "lower is better"
        return f"{self.name} ({arrow})"
