"""Filters over taxonomy nodes and datasets, shared by pages and the API."""

import django_filters

from taxonomy.models import Dataset, Kind, Metric, Node, Provenance


class NodeFilterSet(django_filters.FilterSet):
    """Nodes by kind, parent slug and provenance."""

    kind = django_filters.MultipleChoiceFilter(
        choices=Kind.choices, help_text="Kind of node; repeatable."
    )
    parent = django_filters.CharFilter(
        method="filter_parent",
        max_length=100,
        help_text='Slug of the parent node; "none" for the roots.',
    )
    provenance = django_filters.MultipleChoiceFilter(
        choices=Provenance.choices, help_text="Provenance; repeatable."
    )

    class Meta:
        model = Node
        fields: list[str] = []

    def filter_parent(self, queryset, name, value):
        if value == "none":
            return queryset.filter(parent__isnull=True)
        return queryset.filter(parent__slug=value)


class DatasetFilterSet(django_filters.FilterSet):
    """Datasets by the modalities and applications they serve (slugs; any of)."""

    modality = django_filters.ModelMultipleChoiceFilter(
        field_name="modalities",
        to_field_name="slug",
        queryset=Node.objects.filter(kind=Kind.MODALITY),
        distinct=True,
        help_text="Modality slug; repeatable (any of them).",
    )
    application = django_filters.ModelMultipleChoiceFilter(
        field_name="applications",
        to_field_name="slug",
        queryset=Node.objects.filter(kind=Kind.APPLICATION),
        distinct=True,
        help_text="Application slug; repeatable (any of them).",
    )
    provenance = django_filters.MultipleChoiceFilter(
        choices=Provenance.choices, help_text="Provenance; repeatable."
    )

    class Meta:
        model = Dataset
        fields: list[str] = []


class MetricFilterSet(django_filters.FilterSet):
    """Metrics by the applications they are used for."""

    application = django_filters.ModelMultipleChoiceFilter(
        field_name="applications",
        to_field_name="slug",
        queryset=Node.objects.filter(kind=Kind.APPLICATION),
        distinct=True,
        help_text="Application slug; repeatable (any of them).",
    )

    class Meta:
        model = Metric
        fields: list[str] = []
