"""The paper filters, shared by the HTML paper list and the API.

Taxonomy filters (modality, application, method, open_issue) take node slugs and
may repeat: a node matches itself and every node below it, repeated values of one
parameter are alternatives (OR) and different parameters must all hold (AND).
`provenance` narrows which labels count for those filters (and, alone, keeps the
papers that have any label of that provenance).
"""

import re

import django_filters
from django import forms
from django.db.models import Func, IntegerField, Q, QuerySet
from django.db.models.functions import Upper
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.choices import BaseChoiceIterator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from papers.models import Authorship, Label, Paper, Venue, sort_cites, sort_year
from papers.selectors import paper_search
from taxonomy.models import Dataset, Kind, Node, Provenance
from taxonomy.selectors import TaxonomyMap, taxonomy_map

NODE_PARAMETERS = {
    "modality": Kind.MODALITY,
    "application": Kind.APPLICATION,
    "method": Kind.METHOD,
    "open_issue": Kind.OPEN_ISSUE,
}

#: Ordering name -> sort keys (annotation or field, descending?); the last key
#: is unique, so every ordering is total (needed for keyset pagination).
ORDERINGS: dict[str, tuple[tuple[str, bool], ...]] = {
    "year": (("sort_year", False), ("title", False), ("id", False)),
    "-year": (("sort_newest", False), ("title", False), ("id", False)),
    "title": (("title", False), ("id", False)),
    "-title": (("title", True), ("id", True)),
    "cite_count": (("sort_cites", False), ("id", False)),
    "-cite_count": (("sort_cites", True), ("id", False)),
    "relevance": (("relevance", True), ("id", False)),
}
#: The orderings led by the year: name -> newest first?
YEAR_ORDERINGS = {"-year": True, "year": False}
ORDERING_CHOICES = [
    ("-year", "Newest first"),
    ("year", "Oldest first"),
    ("title", "Title A-Z"),
    ("-title", "Title Z-A"),
    ("-cite_count", "Most cited first"),
    ("cite_count", "Least cited first"),
    ("relevance", "Relevance (with q)"),
]
#: Relevance ranks at most this many matches: the newest ones when more match
#: (ranking every match of a common word would read tens of thousands of rows).
MAX_RANKED = 1_000


def ordering_name(*, requested: str | None, searching: bool) -> str:
    """The ordering in force: the requested one, else relevance when searching."""
    return requested or ("relevance" if searching else "-year")


class Negated(Func):
    """Minus an expression (the unary operator: no parameter in the SQL)."""

    template = "(-%(expressions)s)"
    arity = 1
    output_field = IntegerField()


def sort_newest() -> Negated:
    """The newest-first key: minus the sort year. It sorts ascending like the
    title and id after it, so a keyset bound is one row comparison that
    papers/migrations/0009's index reads as a range; year bounds use it too."""
    return Negated(sort_year())


def ordered(papers: QuerySet[Paper], name: str) -> QuerySet[Paper]:
    """Papers sorted by the named ordering; nulls sort as the lowest value."""
    papers = papers.annotate(
        sort_year=sort_year(),
        sort_newest=sort_newest(),
        sort_cites=sort_cites(),
    )
    if name == "relevance":
        newest = sort_keys(ORDERINGS["-year"])
        papers = papers.filter(
            pk__in=papers.order_by(*newest).values("pk")[:MAX_RANKED]
        )
    return papers.order_by(*sort_keys(ORDERINGS[name]))


def sort_keys(keys: tuple[tuple[str, bool], ...]) -> list[str]:
    return [f"-{key}" if desc else key for key, desc in keys]


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable slugs of the objects in queryset; unknown ones are invalid."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="slug", **kwargs)


def whole_word(word: str) -> str:
    """A pattern matching `word` as a whole word of a name part ("Li" is not
    "Liu" or "Lingjun"); it reads the same to PostgreSQL, where the trigram
    indexes of the name parts serve it, and to Python's re (SQLite's REGEXP in
    Django)."""
    return rf"(^|[ .'-]){re.escape(word)}($|[ .'-])"


class NodeChoices(BaseChoiceIterator):
    """The nodes of one kind as a select's (slug, name) options, in tree order
    with children indented under their parent; read when the select renders
    (a BaseChoiceIterator, which Django leaves unread until then)."""

    def __init__(self, kind: str, taxonomy) -> None:
        self.kind, self.taxonomy = kind, taxonomy

    def __iter__(self):
        taxonomy = self.taxonomy()
        roots = [
            pk
            for pk, node in taxonomy.nodes.items()
            if node.kind == self.kind and node.parent_id is None
        ]
        stack = [(pk, 0) for pk in reversed(roots)]
        while stack:
            pk, depth = stack.pop()
            node = taxonomy.nodes[pk]
            yield node.slug, "\u2003" * depth + node.name  # em spaces indent
            children = [c for c in taxonomy.children.get(pk, ()) if c in taxonomy.nodes]
            stack += [(child, depth + 1) for child in reversed(children)]


class NodeSlugsField(forms.Field):
    """Node slugs of one kind, looked up in the taxonomy map; unknown ones are
    invalid. Cleans to the nodes."""

    widget = forms.SelectMultiple

    def __init__(self, *, kind: str, taxonomy, **kwargs):
        self.kind, self.taxonomy = kind, taxonomy
        super().__init__(**kwargs)
        self.widget.choices = NodeChoices(kind, taxonomy)

    def clean(self, value) -> list[Node]:
        slugs = [str(slug) for slug in value or []]
        if not slugs:
            return super().clean(slugs) or []
        known = self.taxonomy().by_slug
        for slug in slugs:
            if (self.kind, slug) not in known:
                raise forms.ValidationError(
                    "Select a valid choice. %(value)s is not one of the "
                    "available choices.",
                    code="invalid_choice",
                    params={"value": slug[:100]},
                )
        return [known[(self.kind, slug)] for slug in slugs]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NodeSlugFilter(django_filters.Filter):
    """Repeatable node slugs of one kind; unknown slugs are a validation error.
    Slugs are resolved with the filter set's taxonomy map (no query per slug)."""

    field_class = NodeSlugsField

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(method="filter_nodes", **kwargs)

    @property
    def field(self):
        parent = getattr(self, "parent", None)  # unbound while the schema is built
        taxonomy = parent.taxonomy if parent is not None else taxonomy_map
        self.extra.update(kind=self.kind, taxonomy=taxonomy)
        return super().field


def is_row_id(text: str) -> bool:
    """Whether text is a whole number a database id column can hold."""
    return text.isascii() and text.isdigit() and int(text) < 2**63


class BoundedIdsField(forms.ModelMultipleChoiceField):
    """Ids as whole numbers the database can hold; anything else is invalid."""

    def clean(self, value):
        for item in value or []:
            if not is_row_id(str(item)):
                raise forms.ValidationError(f"{str(item)[:40]!r} is not a valid id.")
        return super().clean(value)


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = BoundedIdsField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(field_name="year", min_value=0, max_value=9999, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        # Bounds on the newest-first key (papers without a year excluded),
        # which its index reads as a range: year >= v alone it cannot use.
        bound = LessThanOrEqual if self.lookup_expr == "gte" else GreaterThanOrEqual
        return qs.filter(bound(sort_newest(), -value), year__isnull=False)


class PaperFilterForm(forms.Form):
    """Checks that need more than one parameter."""

    def clean(self):
        data = super().clean()
        if data.get("ordering") == "relevance" and not data.get("q"):
            self.add_error("ordering", "Ordering by relevance needs a search text (q).")
        low, high = data.get("year_min"), data.get("year_max")
        if low is not None and high is not None and low > high:
            self.add_error("year_max", "year_max is before year_min.")
        return data


class PaperFilterSet(django_filters.FilterSet):
    """Filters over papers.selectors.paper_list(); `.qs` is filtered and ordered."""

    modality = NodeSlugFilter(Kind.MODALITY, help_text="Modality slug; repeatable.")
    application = NodeSlugFilter(
        Kind.APPLICATION, help_text="Application slug; repeatable."
    )
    method = NodeSlugFilter(Kind.METHOD, help_text="Method family slug; repeatable.")
    open_issue = NodeSlugFilter(
        Kind.OPEN_ISSUE, help_text="Open issue slug; repeatable."
    )
    dataset = SlugsFilter(
        queryset=Dataset.objects.all(),
        method="filter_datasets",
        help_text="Dataset slug; repeatable (any of them).",
    )
    year_min = YearFilter(lookup_expr="gte", help_text="Earliest year.")
    year_max = YearFilter(lookup_expr="lte", help_text="Latest year.")
    venue = IdsFilter(
        queryset=Venue.objects.all(),
        field_name="venue",
        help_text="Venue id; repeatable (any of them).",
    )
    author = django_filters.CharFilter(
        method="filter_author",
        max_length=200,
        help_text="Author id, or words that are all whole words of one author's "
        "name (an initial may end in a full stop).",
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=500,
        help_text="Free text over title, abstract and authors (web search syntax: "
        '"quoted phrase", -excluded, or).',
    )
    provenance = django_filters.MultipleChoiceFilter(
        choices=Provenance.choices,
        method="filter_provenance",
        help_text="Label provenance; repeatable.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES,
        method="filter_nothing",
        empty_label="Default (relevance with q, else newest)",
        help_text="Sort order; default is relevance with q, else -year.",
    )

    class Meta:
        model = Paper
        fields: list[str] = []
        form = PaperFilterForm

    def taxonomy(self) -> TaxonomyMap:
        """The taxonomy map, read at most once per filter set."""
        if not hasattr(self, "_taxonomy"):
            self._taxonomy = taxonomy_map()
        return self._taxonomy

    def error_text(self) -> str:
        """The validation errors as one line naming each parameter."""
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in self.errors.items()
        )

    @property
    def filters_nothing(self) -> bool:
        """No parameter narrows the papers (ordering aside); after validation."""
        data = getattr(self.form, "cleaned_data", {})
        return not any(v for name, v in data.items() if name != "ordering")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in self.data:
                # Absent: nothing to filter, and the empty queryset a model
                # choice filter cleans to is never evaluated to find that out.
                continue
            queryset = self.filters[name].filter(queryset, value)
        if data.get("provenance") and not any(data.get(n) for n in NODE_PARAMETERS):
            labelled = Label.objects.filter(provenance__in=data["provenance"])
            queryset = queryset.filter(pk__in=labelled.values("paper_id"))
        name = ordering_name(
            requested=data.get("ordering"), searching=bool(data.get("q"))
        )
        return ordered(queryset, name)

    def nodes_and_years(self) -> tuple[list[list[int]], int | None, int | None] | None:
        """(node id groups, year_min, year_max) when those are all that narrows
        the papers (after validation): each group is one node parameter's nodes,
        any of which a paper must be under. None when any other filter applies."""
        data = getattr(self.form, "cleaned_data", {})
        given = {name for name in data if name in self.data}
        if given - {*NODE_PARAMETERS, "year_min", "year_max", "ordering"}:
            return None
        nodes = [data[name] for name in NODE_PARAMETERS if name in given]
        groups = [[node.pk for node in group] for group in nodes if group]
        return groups, data.get("year_min"), data.get("year_max")

    def label_groups(self) -> list[set[int]]:
        """For each taxonomy parameter given (after validation), the ids of its
        nodes and of every node below them: a paper must have a label at one
        node of each group (of the chosen provenance, if any)."""
        data = getattr(self.form, "cleaned_data", {})
        return [
            self.taxonomy().descendants(node.pk for node in data[name])
            for name in NODE_PARAMETERS
            if data.get(name)
        ]

    def year_ordered_narrowing(self) -> tuple[tuple, bool] | None:
        """(nodes_and_years(), newest first?) when taxonomy nodes (and years
        alone) narrow the papers and they are ordered by year: a list whose
        pages can be read from the ids of the published paper sets (papers.
        selectors.papers_in_reach and papers_of_rows). None otherwise."""
        narrowing = self.nodes_and_years()
        name = self.ordering_in_force
        if narrowing is None or not narrowing[0] or name not in YEAR_ORDERINGS:
            return None
        return narrowing, YEAR_ORDERINGS[name]

    @property
    def ordering_in_force(self) -> str:
        """The ordering `.qs` uses (for pagination); call after validation."""
        data = getattr(self.form, "cleaned_data", {})
        return ordering_name(
            requested=data.get("ordering"), searching=bool(data.get("q"))
        )

    def filter_nodes(self, queryset, name, nodes):
        if not nodes:  # an empty queryset, which django-filter does not skip
            return queryset
        labels = Label.objects.filter(
            node__in=self.taxonomy().descendants(node.pk for node in nodes)
        )
        provenance = self.form.cleaned_data.get("provenance")
        if provenance:
            labels = labels.filter(provenance__in=provenance)
        return queryset.filter(pk__in=labels.values("paper_id"))

    def filter_datasets(self, queryset, name, datasets):
        if not datasets:
            return queryset
        through = Paper.datasets.through.objects.filter(dataset__in=datasets)
        return queryset.filter(pk__in=through.values("paper_id"))

    def filter_author(self, queryset, name, value):
        value = value.strip()
        if value.isascii() and value.isdigit():
            if int(value) >= 2**63:
                return queryset.none()
            authorships = Authorship.objects.filter(author_id=int(value))
        else:
            match = Q()
            for word in [w.strip(".") for w in value.split()[:8]]:
                if not word:
                    continue
                whole = whole_word(word)
                match &= (
                    Q(family_upper__iregex=whole)
                    | Q(author__given__iregex=whole)
                    | Q(author__von__iregex=whole)
                )
            # UPPER(family), as the family name's trigram index is built on.
            authorships = Authorship.objects.annotate(
                family_upper=Upper("author__family")
            ).filter(match)
        return queryset.filter(pk__in=authorships.values("paper_id"))

    def filter_text(self, queryset, name, value):
        return paper_search(queryset, value)

    def filter_provenance(self, queryset, name, value):
        # Applied in filter_queryset, together with the taxonomy filters.
        return queryset

    def filter_nothing(self, queryset, name, value):
        # Ordering is applied last, in filter_queryset.
        return queryset


def repeatable_parameters(filterset_class) -> set[str]:
    """The filters that take several values, each an alternative (documented
    as arrays); every other parameter takes one."""
    return {
        name
        for name, declared in filterset_class.base_filters.items()
        if issubclass(declared.field_class.widget, forms.SelectMultiple)
    }
