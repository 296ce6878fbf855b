"""Filters of the API's other lists: authors, venues, results, citations, labels."""

import django_filters
from django.db.models import Q

from papers.models import Author, Citation, Label, LabelSource, Result, Venue, VenueKind
from taxonomy.models import Kind, Provenance


class AuthorFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(
        method="filter_name",
        max_length=200,
        help_text="Words that all occur in the author's name.",
    )

    class Meta:
        model = Author
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(family__icontains=word)
                | Q(given__icontains=word)
                | Q(von__icontains=word)
            )
        return queryset


class VenueFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(
        method="filter_name", max_length=200, help_text="Part of the name."
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=VenueKind.choices, help_text="Kind of venue; repeatable."
    )

    class Meta:
        model = Venue
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value)
        )


class ResultFilterSet(django_filters.FilterSet):
    paper = django_filters.CharFilter(
        field_name="paper__citation_key", max_length=100, help_text="Citation key."
    )
    dataset = django_filters.CharFilter(
        field_name="dataset__slug", max_length=100, help_text="Dataset slug."
    )
    metric = django_filters.CharFilter(
        field_name="metric__slug", max_length=100, help_text="Metric slug."
    )

    class Meta:
        model = Result
        fields: list[str] = []


class CitationFilterSet(django_filters.FilterSet):
    citing = django_filters.CharFilter(
        field_name="citing__citation_key",
        max_length=100,
        help_text="Citation key of the citing paper.",
    )
    cited = django_filters.CharFilter(
        field_name="cited__citation_key",
        max_length=100,
        help_text="Citation key of the cited paper.",
    )

    class Meta:
        model = Citation
        fields: list[str] = []


class LabelFilterSet(django_filters.FilterSet):
    paper = django_filters.CharFilter(
        field_name="paper__citation_key", max_length=100, help_text="Citation key."
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="node__kind", choices=Kind.choices, help_text="Node kind."
    )
    node = django_filters.CharFilter(
        method="filter_node", max_length=120, help_text='Node as "kind:slug".'
    )
    provenance = django_filters.MultipleChoiceFilter(
        choices=Provenance.choices, help_text="Provenance; repeatable."
    )
    source = django_filters.MultipleChoiceFilter(
        choices=LabelSource.choices, help_text="Who labelled; repeatable."
    )

    class Meta:
        model = Label
        fields: list[str] = []

    def filter_node(self, queryset, name, value):
        kind, _, slug = value.partition(":")
        return queryset.filter(node__kind=kind, node__slug=slug)
