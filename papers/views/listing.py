"""The faceted paper list: filtering, facet counts, paging, links to exports.

Each facet is counted over the selection without that facet's own parameter,
so a value's count is what choosing it (alone, for that parameter) gives: the
other values of a chosen parameter still show how many papers they would add
(repeated values of one parameter are alternatives). A provenance filter
counts only labels of that provenance, so the taxonomy facets do too.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from papers.exports import EXPORT_FORMATS
from papers.filtersets import (
    NODE_PARAMETERS,
    ORDERING_CHOICES,
    PaperFilterSet,
    is_row_id,
    ordered,
)
from papers.models import Paper
from papers.selectors import (
    AmongIds,
    facets_within,
    paper_facets,
    papers_of_rows,
    provenance_counts_within,
    published_count_within,
    published_paper_sets,
)
from papers.views import selectors as pages
from taxonomy.cache import cached_over
from taxonomy.models import Kind, Provenance

PER_PAGE = 25
FACET_KINDS = (
    ("modality", Kind.MODALITY, "Modality"),
    ("application", Kind.APPLICATION, "Application"),
    ("method", Kind.METHOD, "Method family"),
)
PARTIAL_HEADER = "X-Atlas-Partial"


def is_partial(request: HttpRequest) -> bool:
    return request.headers.get(PARTIAL_HEADER) == "1"


def tidy_query(query: QueryDict, drop: tuple[str, ...] = ()) -> str:
    """The query without empty values (and without the names in `drop`)."""
    tidy = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [v for v in values if v.strip()]
        if kept and name not in drop:
            tidy.setlist(name, kept)
    return tidy.urlencode()


@dataclass
class Browse:
    """Everything the paper list and its facets show."""

    filterset: PaperFilterSet
    page: Page | None
    count: int
    query: str
    facets: list[dict] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)
    venues: list[dict] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)
    active: list[dict] = field(default_factory=list)
    exports: list[dict] = field(default_factory=list)
    orderings: list[tuple[str, str]] = field(default_factory=list)
    ordering: str = ""
    #: The query of the fixed parameters alone: the whole set a page is about
    #: (a node's, a dataset's, an author's papers), for its list, map and feed.
    scope: str = ""

    @property
    def errors(self) -> dict:
        return self.filterset.errors

    def year_counts(self) -> list[tuple[int, int]]:
        """Papers per year of the whole set, kept for the current data
        generation; none when the filters were refused."""
        if self.page is None:
            return []
        return published_year_counts(self.filterset)


def browse(
    query: QueryDict, *, base, fixed: dict | None = None, facets: bool = True
) -> Browse:
    """Filter `base`, published papers (paper_list()), by the query (plus
    `fixed` parameters that always apply), with the facet counts unless
    `facets` is false (a page that shows none).

    A set narrowed only by taxonomy nodes and years is counted from the
    published paper sets (papers.paper_sets). Any other set's count and facets
    are kept for the current data generation under its SQL, so a list viewed
    again (by anyone: the set's papers are published ones) is not counted again.
    """
    data = query.copy()
    if data.get("ordering") == "relevance" and not data.get("q", "").strip():
        data.pop("ordering")  # the search text was cleared: fall back to newest
    for name, value in (fixed or {}).items():
        data.setlist(name, [value])
    filterset = PaperFilterSet(data, queryset=base)
    result = Browse(
        filterset,
        None,
        0,
        tidy_query(query, drop=("page",)),
        orderings=ORDERING_CHOICES,
        ordering=query.get("ordering", ""),
        scope=urlencode(fixed or {}),
    )
    if not filterset.is_valid():
        if facets:  # the filters are refused, but the form keeps them
            _add_chosen(result, data, filterset)
        result.active = _active_filters(query, result)
        return result
    papers = filterset.qs
    paginator = PapersPaginator(papers, PER_PAGE, rows=_rows_by_year(filterset, base))
    paginator.count = published_count(filterset)
    result.page = paginator.get_page(query.get("page"))
    result.count = result.page.paginator.count
    if facets:
        _add_facets(result, data, filterset)
    result.active = _active_filters(query, result)
    result.exports = export_links(tidy_query(data, drop=("page",)))
    return result


class PapersPaginator(Paginator):
    """Numbered pages of a filtered list of papers. `rows(first, size)` may
    give a narrower queryset holding a page's rows and how many rows of the
    list come before its own (None: the list itself is sliced)."""

    def __init__(self, object_list, per_page, rows=None):
        super().__init__(object_list, per_page)
        self.rows = rows

    def get_page(self, number) -> Page:
        # A page before the first is the first (Django gives the last).
        digits = number.strip().lstrip("-") if isinstance(number, str) else ""
        if digits.isascii() and digits.isdigit():
            number = max(int(number), 1)
        return super().get_page(number)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        last = min(first + self.per_page, self.count)
        found = None if self.rows is None else self.rows(first, last - first)
        if found is None:
            return super().page(number)
        papers, skipped = found
        return self._get_page(papers[first - skipped : last - skipped], number, self)


def _rows_by_year(filterset: PaperFilterSet, base):
    """For papers of `base` (published ones) narrowed by taxonomy nodes and
    ordered by year: a page's rows read from the ids papers_of_rows finds,
    which spares checking the labels of every paper before the page."""
    found = filterset.year_ordered_narrowing()
    if found is None:
        return None
    narrowing, newest_first = found

    def rows(first: int, size: int):
        of_rows = papers_of_rows(
            narrowing, descending=newest_first, first=first, rows=size
        )
        if of_rows is None:
            return None
        ids, skipped = of_rows
        return ordered(base.filter(AmongIds(ids)), filterset.ordering_in_force), skipped

    return rows


def published_count(filterset: PaperFilterSet) -> int:
    """How many published papers the (valid) filter set selects."""
    narrowing = filterset.nodes_and_years()
    if narrowing is not None:
        return published_count_within(*narrowing)
    return cached_over("browse-count", filterset.qs, lambda set_: set_.count())


def published_node_facets(filterset: PaperFilterSet) -> dict[str, list[dict]]:
    """paper_facets of the published papers the (valid) filter set selects,
    through labels of its chosen provenance only, if any."""
    narrowing = filterset.nodes_and_years()
    if narrowing is not None:
        return facets_within(*narrowing)
    provenance = filterset.form.cleaned_data.get("provenance") or []
    return cached_over(
        f"browse-node-facets:{','.join(provenance)}",
        filterset.qs,
        lambda papers: paper_facets(papers, provenance),
    )


def published_year_counts(filterset: PaperFilterSet) -> list[tuple[int, int]]:
    """pages.year_counts of the published papers the (valid) filter set selects."""
    narrowing = filterset.nodes_and_years()
    if narrowing is not None:
        sets = published_paper_sets()
        return pages.every_year(sets.year_counts(sets.selection(*narrowing)))
    return cached_over("browse-years", filterset.qs, pages.year_counts)


def published_provenance_counts(filterset: PaperFilterSet) -> dict[str, int]:
    """{provenance: published papers} the (valid) filter set, which chooses no
    provenance, selects with that one chosen."""
    narrowing = filterset.nodes_and_years()
    if narrowing is not None:
        return provenance_counts_within(*narrowing)
    groups = filterset.label_groups()
    return cached_over(
        "browse-provenance",
        filterset.qs,
        lambda papers: pages.provenance_facets(papers, groups),
    )


def _other_facets(papers, narrowing: tuple | None, chosen=None) -> dict:
    """Papers per dataset and per venue, the chosen ones ({"dataset": slugs,
    "venue": ids}) listed wherever they rank: counted in the published paper
    sets for a set narrowed by nodes and years, else one query each."""
    chosen = chosen or {}
    datasets, venues = chosen.get("dataset", ()), chosen.get("venue", ())
    if narrowing is not None:
        sets = published_paper_sets()
        venue_counts, dataset_counts, _ = sets.link_counts(sets.selection(*narrowing))
        return {
            "datasets": pages.ranked_datasets(dataset_counts, chosen=datasets),
            "venues": pages.ranked_venues(venue_counts, chosen=venues),
        }
    return {
        "datasets": pages.dataset_facets(papers, chosen=datasets),
        "venues": pages.venue_facets(papers, chosen=venues),
    }


def published_other_facets(filterset: PaperFilterSet, chosen: dict) -> dict:
    """_other_facets of the published papers the (valid) filter set selects,
    kept for the current data generation."""
    narrowing = filterset.nodes_and_years()
    # The chosen values are the visitor's own text: kept as a digest, so any
    # length makes a key the cache takes.
    chosen_digest = hashlib.sha256(urlencode(chosen, doseq=True).encode()).hexdigest()
    return cached_over(
        f"browse-facets:{chosen_digest[:32]}",
        filterset.qs,
        lambda papers: _other_facets(papers, narrowing, chosen),
    )


def _without(filterset: PaperFilterSet, data: QueryDict, name: str):
    """The (valid) filter set less parameter `name`: the selection a facet of
    that parameter is counted in (the filter set itself if it is not given)."""
    if name not in data:
        return filterset
    others = data.copy()
    others.pop(name)
    rest = PaperFilterSet(others, queryset=Paper.objects.published())
    rest.is_valid()  # the same values, less one: valid as the whole was
    return rest


def _add_facets(result: Browse, data: QueryDict, filterset: PaperFilterSet) -> None:
    for name, kind, label in FACET_KINDS:
        chosen = data.getlist(name)
        counts = published_node_facets(_without(filterset, data, name))[kind]
        items = _tree_items(counts, chosen)
        is_open = bool(chosen) or kind != Kind.METHOD or len(items) < 12
        result.facets.append(
            {"name": name, "label": label, "items": items, "open": is_open}
        )
    # Each counted without its own parameter: when neither is chosen, both come
    # from one (cached) count of the filter set.
    chosen = {"dataset": data.getlist("dataset"), "venue": _chosen_venues(data)}
    in_datasets = _without(filterset, data, "dataset")
    in_venues = _without(filterset, data, "venue")
    datasets = published_other_facets(in_datasets, chosen)["datasets"]
    venues = published_other_facets(in_venues, chosen)["venues"]
    result.datasets = _checked(datasets, data, "dataset", "slug")
    result.venues = _checked(venues, data, "venue", "id")
    counts = published_provenance_counts(_without(filterset, data, "provenance"))
    result.provenance = _provenance_items(data, counts)


def _add_chosen(result: Browse, data: QueryDict, filterset: PaperFilterSet) -> None:
    """The chosen values of each facet, checked and without counts: the
    filters were refused, so nothing is counted, yet the form must hold every
    chosen value or sending it again (or the next change of it) drops them.
    Values that name nothing are left to the error and the active filters."""
    taxonomy = filterset.taxonomy()
    for name, kind, label in FACET_KINDS:
        slugs = dict.fromkeys(data.getlist(name))
        nodes = [taxonomy.by_slug.get((kind, slug)) for slug in slugs]
        items = _uncounted(
            [{"slug": n.slug, "name": n.name, "depth": 0} for n in nodes if n]
        )
        result.facets.append(
            {"name": name, "label": label, "items": items, "open": bool(items)}
        )
    datasets = pages.ranked_datasets({}, chosen=data.getlist("dataset"))
    result.datasets = _uncounted(datasets)
    result.venues = _uncounted(pages.ranked_venues({}, chosen=_chosen_venues(data)))
    result.provenance = _provenance_items(data, None)


def _uncounted(items: list[dict]) -> list[dict]:
    return [{**item, "count": None, "checked": True} for item in items]


def _chosen_venues(data: QueryDict) -> list[int]:
    """The chosen venue ids that are ids at all (the filter refuses others)."""
    values = data.getlist("venue")
    return [int(v) for v in values if is_row_id(v)]


def _provenance_items(data: QueryDict, counts: dict[str, int] | None) -> list[dict]:
    """Every label provenance, with its count (none when `counts` is None)."""
    return [
        {
            "value": value,
            "name": label,
            "count": None if counts is None else counts.get(value, 0),
            "checked": value in data.getlist("provenance"),
        }
        for value, label in Provenance.choices
    ]


def _tree_items(counts: list[dict], chosen: list[str]) -> list[dict]:
    """Facet values in tree order with their depth; empty ones are left out
    unless chosen."""
    children: dict[str | None, list[dict]] = {}
    for item in counts:
        children.setdefault(item["parent"], []).append(item)
    items: list[dict] = []

    def walk(parent: str | None, depth: int) -> None:
        for item in children.get(parent, []):
            checked = item["slug"] in chosen
            if item["count"] or checked:
                items.append({**item, "depth": depth, "checked": checked})
            walk(item["slug"], depth + 1)

    walk(None, 0)
    return items


def _checked(items: list[dict], data: QueryDict, name: str, key: str) -> list[dict]:
    chosen = set(data.getlist(name))
    for item in items:
        item["checked"] = str(item[key]) in chosen
    return items


def _active_filters(query: QueryDict, result: Browse) -> list[dict]:
    """Each chosen filter value with a link that removes just that value."""
    names = {}
    for facet in result.facets:
        names.update({(facet["name"], i["slug"]): i["name"] for i in facet["items"]})
    names.update({("dataset", d["slug"]): d["name"] for d in result.datasets})
    names.update({("venue", str(v["id"])): v["name"] for v in result.venues})
    active = []
    for name, values in query.lists():
        if name in ("page", "ordering"):
            continue
        for value in values:
            if not value.strip():
                continue
            rest = query.copy()
            rest.setlist(name, [v for v in values if v != value])
            label = names.get((name, value), value)
            active.append(
                {
                    "param": _param_label(name),
                    "value": label,
                    "remove": "?" + tidy_query(rest, drop=("page",)),
                }
            )
    return active


def _param_label(name: str) -> str:
    if name in NODE_PARAMETERS:
        return NODE_PARAMETERS[name].label
    return {
        "q": "Text",
        "year_min": "From",
        "year_max": "Until",
        "dataset": "Dataset",
        "venue": "Venue",
        "author": "Author",
        "provenance": "Label provenance",
    }.get(name, name)


def export_links(query: str) -> list[dict]:
    """Download links of the same set in every export format (the API's)."""
    url = reverse("api:paper-list")
    join = f"{query}&" if query else ""
    return [
        {"format": fmt, "description": info[2], "url": f"{url}?{join}format={fmt}"}
        for fmt, info in EXPORT_FORMATS.items()
    ]
