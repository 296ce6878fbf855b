"""The paper list's facet counts agree with the lists they lead to, and a
refused query keeps every chosen filter in the form."""

import random
import re

import pytest
from django.db.models import Count
from django.http import QueryDict

from papers.filtersets import NODE_PARAMETERS, PaperFilterSet
from papers.models import Paper
from papers.selectors import paper_list, provenance_counts_within
from papers.views import selectors as pages
from taxonomy.models import Kind, Node, Provenance
from tests.web.test_browse import count_heading, html_of

pytestmark = pytest.mark.django_db

#: One facet checkbox: parameter, value, checked?, the count shown (if any).
CHECKBOX = re.compile(
    r'<input type="checkbox" id="[^"]*" name="(\w+)" value="([^"]*)"( checked)?>'
    r' <span class="facet-name">[^<]*</span>'
    r'(?: <span class="count"[^>]*>(\d+)</span>)?'
)
SHOWN_KINDS = {
    "modality": Kind.MODALITY,
    "application": Kind.APPLICATION,
    "method": Kind.METHOD,
}


def checkboxes(html: str) -> list[tuple[str, str, bool, int | None]]:
    return [
        (name, value, bool(checked), None if count == "" else int(count))
        for name, value, checked, count in CHECKBOX.findall(html)
    ]


def list_count(query: QueryDict) -> int:
    return PaperFilterSet(query, queryset=paper_list()).qs.count()


def choosing(query: QueryDict, name: str, value: str) -> QueryDict:
    """The query with `value` as the only value of parameter `name`: what a
    facet value's count counts (its checkbox adds it to the others chosen)."""
    chosen = query.copy()
    chosen.setlist(name, [value])
    return chosen


def busiest_venue() -> int:
    papers = Paper.objects.published().exclude(venue=None)
    counts = papers.values("venue").annotate(n=Count("pk")).order_by("-n", "venue")
    return counts[0]["venue"]


def queries() -> list[str]:
    """Queries over both counting paths: narrowed by nodes and years only
    (the published paper sets), and by anything else (SQL)."""
    venue = busiest_venue()
    return [
        "",
        "modality=image",
        "modality=image&modality=audio&year_min=2016",
        "dataset=mscoco",
        "dataset=mscoco&dataset=msvd",
        f"venue={venue}",
        f"venue={venue}&modality=video",
        "provenance=survey",
        "provenance=inferred&modality=image",
        "provenance=survey&provenance=curated&application=image-description",
        "modality=image&q=image",
        "provenance=inferred&q=attention",
    ]


def test_every_facet_count_is_the_count_of_the_list_it_leads_to(client, survey):
    hidden_when_empty = {
        name: set(Node.objects.filter(kind=kind).values_list("slug", flat=True))
        for name, kind in SHOWN_KINDS.items()
    }
    checked_counts = 0
    for url in queries():
        query = QueryDict(url)
        html = html_of(client.get(f"/papers/?{url}"))
        assert count_heading(html) == list_count(query), url
        shown = checkboxes(html)
        assert {"dataset", "venue", "provenance"} <= {s[0] for s in shown}, url
        for name, value, checked, count in shown:
            assert checked == (value in query.getlist(name)), (url, name, value)
            expected = list_count(choosing(query, name, value))
            assert count == expected, (url, name, value)
            checked_counts += 1
        # A taxonomy value left out of its facet would give an empty list.
        for name, slugs in hidden_when_empty.items():
            listed = {value for found, value, _, _ in shown if found == name}
            for slug in slugs - listed:
                assert list_count(choosing(query, name, slug)) == 0, (url, name, slug)
    assert checked_counts > 500


def test_a_checkbox_leads_to_a_list_of_the_count_it_shows(client, survey):
    """The page a value's checkbox gives (it adds the value to the query)."""
    rng = random.Random(5)
    for url in queries():
        query = QueryDict(url)
        shown = checkboxes(html_of(client.get(f"/papers/?{url}")))
        addable = [item for item in shown if item[0] not in query and item[3]]
        for name, value, _, count in rng.sample(addable, min(4, len(addable))):
            more = query.copy()
            more.appendlist(name, value)
            html = html_of(client.get(f"/papers/?{more.urlencode()}"))
            assert count_heading(html) == count, (url, name, value)


def test_a_second_value_of_a_chosen_parameter_can_be_added(client, survey):
    venue = busiest_venue()
    html = html_of(client.get(f"/papers/?venue={venue}"))
    venues = [item for item in checkboxes(html) if item[0] == "venue"]
    assert (str(venue), True) in {(value, checked) for _, value, checked, _ in venues}
    assert len(venues) > 5
    datasets = checkboxes(html_of(client.get("/papers/?dataset=mscoco")))
    msvd = next(item for item in datasets if item[:2] == ("dataset", "msvd"))
    assert msvd[3] == list_count(QueryDict("dataset=msvd")) > 1


def test_provenance_facets_count_only_labels_of_that_provenance(client, survey):
    html = html_of(client.get("/papers/?modality=image"))
    survey_count = list_count(QueryDict("modality=image&provenance=survey"))
    shown = {value: count for name, value, _, count in checkboxes(html)}
    assert shown[Provenance.SURVEY] == survey_count
    html = html_of(client.get("/papers/?provenance=survey"))
    modalities = {v: n for name, v, _, n in checkboxes(html) if name == "modality"}
    assert modalities.get("image", 0) == survey_count


def test_provenance_counts_of_the_sets_and_of_sql_equal_the_filtered_lists(survey):
    slugs = {
        name: list(Node.objects.filter(kind=kind).values_list("slug", flat=True))
        for name, kind in NODE_PARAMETERS.items()
    }
    rng = random.Random(11)
    nonzero = 0
    for _ in range(25):
        query = QueryDict(mutable=True)
        for name in rng.sample(list(NODE_PARAMETERS), rng.randint(0, 2)):
            query.setlist(name, rng.sample(slugs[name], rng.randint(1, 2)))
        if rng.random() < 0.5:
            query["year_min"] = str(rng.choice([2012, 2016, 2019]))
        papers = PaperFilterSet(query, queryset=paper_list())
        assert papers.is_valid(), papers.errors
        from_sets = provenance_counts_within(*papers.nodes_and_years())
        from_sql = pages.provenance_facets(papers.qs, papers.label_groups())
        for value in Provenance.values:
            expected = list_count(choosing(query, "provenance", value))
            assert from_sets.get(value, 0) == expected, (query, value)
            assert from_sql.get(value, 0) == expected, (query, value)
            nonzero += expected > 0
    assert nonzero > 10


def test_chosen_datasets_and_venues_are_listed_beyond_the_limit(survey):
    datasets = pages.dataset_facets(Paper.objects.published(), limit=40)
    rare = datasets[-1]["slug"]
    found = pages.dataset_facets(Paper.objects.published(), limit=2, chosen=[rare])
    assert [d["slug"] for d in found][2:] == [rare]
    assert found[-1] == next(d for d in datasets if d["slug"] == rare)
    venues = pages.venue_facets(Paper.objects.published(), limit=40)
    rare_venue = venues[-1]["id"]
    found = pages.venue_facets(Paper.objects.published(), limit=1, chosen=[rare_venue])
    assert [v["id"] for v in found][1:] == [rare_venue]


def test_a_refused_query_keeps_the_other_chosen_filters_in_the_form(client, survey):
    venue = busiest_venue()
    url = (
        f"/papers/?modality=audio&application=image-description&dataset=mscoco"
        f"&venue={venue}&provenance=inferred&year_min=2019&year_max=2010"
        "&ordering=title"
    )
    html = html_of(client.get(url))
    assert "year_max is before year_min" in html
    shown = checkboxes(html)
    chosen = {(name, value) for name, value, checked, _ in shown if checked}
    assert chosen == {
        ("modality", "audio"),
        ("application", "image-description"),
        ("dataset", "mscoco"),
        ("venue", str(venue)),
        ("provenance", Provenance.INFERRED),
    }
    # Nothing was counted: no numbers beside the values.
    assert {count for *_, count in shown} == {None}
    assert 'value="title" selected' in html
    active = html.split('class="active-filters"')[1].split("</ul>")[0]
    for label in ("Modality", "Dataset", "Venue", "Label provenance", "Until"):
        assert f"{label}:" in active, label
    # No link to an export, map or feed of a query that is refused.
    tools = html.split('class="result-tools"')[1].split("</div>")[0]
    assert "/api/v1/papers/" not in tools and "/map/" not in tools
    assert "/feeds/" not in tools


def test_an_unknown_value_is_left_out_of_the_form_but_can_be_removed(client, survey):
    html = html_of(client.get("/papers/?modality=no-such-modality&modality=audio"))
    assert "Some filters could not be used" in html
    checked = {(n, v) for n, v, c, _ in checkboxes(html) if c}
    assert checked == {("modality", "audio")}
    assert 'href="/papers/?modality=audio"' in html  # removes the unknown one
