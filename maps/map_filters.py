"""The filters of the set map page: each one in words with a link that removes
it, and those its form has no control for, which the form carries unchanged.

The page takes every parameter of the paper filters (papers.filtersets), as the
"Map it" links of node, dataset and author pages send them, but its form shows
only the taxonomy and year controls.
"""

from dataclasses import dataclass

from django.http import QueryDict

from papers.filtersets import NODE_PARAMETERS, PaperFilterSet, is_row_id
from papers.selectors import public_authors, public_venues
from taxonomy.models import Dataset, Kind, Provenance

#: Parameters the map form has a control for (templates/maps/map.html).
FORM_FIELDS = ("modality", "application", "method", "year_min", "year_max")
#: Parameters of the paper filters that do not narrow the papers (the map is
#: not a list: it has no order of its own).
NOT_FILTERS = ("ordering",)
#: What each parameter is called on the page, beside its value.
NAMES = {
    **{name: Kind(kind).label for name, kind in NODE_PARAMETERS.items()},
    "dataset": "Dataset",
    "year_min": "From",
    "year_max": "To",
    "venue": "Venue",
    "author": "Author",
    "q": "Search",
    "provenance": "Label provenance",
}


@dataclass(frozen=True)
class ActiveFilter:
    """One value of one filter the page applies, in words."""

    param: str
    name: str
    value: str
    remove: str  # the query without this value ("" when nothing is left)


def filter_names() -> list[str]:
    """The parameters that narrow the papers, in the filter set's order."""
    return [name for name in PaperFilterSet.base_filters if name not in NOT_FILTERS]


def chosen(query: QueryDict) -> list[tuple[str, str]]:
    """(parameter, value) of every non-blank filter value of the query."""
    return [
        (name, value)
        for name in filter_names()
        for value in query.getlist(name)
        if value.strip()
    ]


def carried_parameters(query: QueryDict) -> list[tuple[str, str]]:
    """The filter values the map form has no control for: its hidden inputs,
    so that drawing again keeps them."""
    return [(name, value) for name, value in chosen(query) if name not in FORM_FIELDS]


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if is_row_id(v)]


def value_names(filterset: PaperFilterSet, pairs) -> dict[tuple[str, str], str]:
    """Readable names of the values: nodes from the taxonomy map, datasets,
    venues and authors (given by id) in one query each, only when given."""
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        given.setdefault(name, []).append(value)
    names = {
        (param, slug): node.name
        for param, kind in NODE_PARAMETERS.items()
        for slug in given.get(param, ())
        if (node := filterset.taxonomy().by_slug.get((kind, slug))) is not None
    }
    names.update(
        (("provenance", v), Provenance(v).label)
        for v in given.get("provenance", ())
        if v in Provenance.values
    )
    if "dataset" in given:
        rows = Dataset.objects.filter(slug__in=given["dataset"])
        names.update((("dataset", s), n) for s, n in rows.values_list("slug", "name"))
    # Venues and authors are named only when they have a published paper: one
    # known from drafts alone is not public (the map shows published papers).
    if ids := _ids(given.get("venue", [])):
        rows = public_venues().filter(pk__in=ids).values_list("pk", "name")
        names.update((("venue", str(pk)), name) for pk, name in rows)
    if ids := _ids(given.get("author", [])):
        for author in public_authors().filter(pk__in=ids):
            names[("author", str(author.pk))] = author.display_name
    return names


def _without(query: QueryDict, name: str, value: str) -> str:
    rest = query.copy()
    for dropped in ("page", *NOT_FILTERS):
        rest.pop(dropped, None)
    rest.setlist(name, [v for v in query.getlist(name) if v != value])
    return rest.urlencode()


def active_filters(filterset: PaperFilterSet, query: QueryDict) -> list[ActiveFilter]:
    """Every filter value the page applies, named in words, each with the
    query that removes just that value."""
    pairs = chosen(query)
    names = value_names(filterset, pairs)
    return [
        ActiveFilter(
            param=name,
            name=NAMES.get(name, name),
            value=names.get((name, value), value.strip()),
            remove=_without(query, name, value),
        )
        for name, value in pairs
    ]
