"""Querying papers: taxonomy filters with descendants, AND/OR rules, the other
filters, free text, ordering, facets and 400s for bad parameters."""

import re
from urllib.parse import urlencode

import pytest
from django.db.models import Q

from papers.models import Authorship, Label, Paper
from taxonomy.models import Node
from tests.api.conftest import all_results, error_of

PAPERS = "/api/v1/papers/"


def keys(client, **params) -> set[str]:
    query = "&".join(
        f"{name}={v}"
        for name, values in params.items()
        for v in (values if isinstance(values, list) else [values])
    )
    return {
        p["citation_key"]
        for p in all_results(client, f"{PAPERS}?page_size=200&{query}")
    }


def labelled(*slugs: str, provenance=None) -> set[str]:
    """Published papers labelled with any of these nodes or their children."""
    nodes = Node.objects.filter(Q(slug__in=slugs) | Q(parent__slug__in=slugs))
    labels = Label.objects.filter(node__in=nodes, paper__status="published")
    if provenance:
        labels = labels.filter(provenance=provenance)
    return set(labels.values_list("paper__citation_key", flat=True))


@pytest.mark.django_db
def test_a_node_matches_papers_labelled_with_its_descendants(anon):
    found = keys(anon, method="attention-based-vqa")
    children_only = set(
        Label.objects.filter(node__parent__slug="attention-based-vqa").values_list(
            "paper__citation_key", flat=True
        )
    )
    assert children_only and children_only <= found
    assert found == labelled("attention-based-vqa")


@pytest.mark.django_db
def test_repeated_values_are_alternatives_and_fields_must_all_hold(anon):
    image, audio = keys(anon, modality="image"), keys(anon, modality="audio")
    assert keys(anon, modality=["image", "audio"]) == image | audio
    vqa = keys(anon, application="visual-question-answering")
    both = keys(anon, modality="image", application="visual-question-answering")
    assert both == image & vqa
    assert both and both < image


@pytest.mark.django_db
def test_dataset_years_venue_and_author_filters(anon):
    coco = keys(anon, dataset="mscoco")
    assert coco == set(
        Paper.objects.filter(datasets__slug="mscoco").values_list(
            "citation_key", flat=True
        )
    )
    years = keys(anon, year_min=2016, year_max=2017)
    assert years == set(
        Paper.objects.filter(year__range=(2016, 2017)).values_list(
            "citation_key", flat=True
        )
    )
    paper = Paper.objects.get(citation_key="vinyals2015show")
    assert "vinyals2015show" in keys(anon, venue=paper.venue_id)
    assert keys(anon, venue=paper.venue_id) == set(
        Paper.objects.filter(venue=paper.venue).values_list("citation_key", flat=True)
    )
    by_name = keys(anon, author="Vinyals")
    assert "vinyals2015show" in by_name
    author_id = paper.authorships.get(position=0).author_id
    assert keys(anon, author=author_id) == by_name


@pytest.mark.django_db
def test_provenance_narrows_which_labels_count(anon):
    stated = keys(anon, modality="image", provenance="survey")
    assert stated == labelled("image", provenance="survey")
    assert stated < keys(anon, modality="image")
    any_curated = keys(anon, provenance="curated")
    assert any_curated == set(
        Label.objects.filter(provenance="curated").values_list(
            "paper__citation_key", flat=True
        )
    )


@pytest.mark.django_db
def test_free_text_matches_title_and_authors_and_ranks_title_hits(anon):
    response = anon.get(PAPERS, {"q": "caption"})
    assert response.status_code == 200
    found = {p["citation_key"] for p in response.json()["results"]}
    assert found
    for key in found:
        paper = Paper.objects.get(citation_key=key)
        text = f"{paper.title} {paper.abstract} {paper.authors_text}".lower()
        assert "caption" in text
    by_author = {
        p["citation_key"] for p in anon.get(PAPERS, {"q": "Vinyals"}).json()["results"]
    }
    assert "vinyals2015show" in by_author
    both = anon.get(PAPERS, {"q": "neural image caption Vinyals"}).json()["results"]
    assert [p["citation_key"] for p in both] == ["vinyals2015show"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ['"unclosed', "a & | ! (b", "-", "':*", "OR OR"])
def test_free_text_with_operator_characters_never_fails(anon, text):
    response = anon.get(PAPERS, {"q": text})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("year", lambda p: (p.year or 0, p.title, p.pk)),
        ("-year", lambda p: (-(p.year or 0), p.title, p.pk)),
        ("title", lambda p: (p.title, p.pk)),
        (
            "-cite_count",
            lambda p: (-(-1 if p.cite_count is None else p.cite_count), p.pk),
        ),
    ],
)
def test_ordering_walks_every_paper_once_in_order(anon, ordering, key):
    rows = all_results(anon, f"{PAPERS}?ordering={ordering}&page_size=7")
    expected = sorted(Paper.objects.published(), key=key)
    if ordering in ("year", "-year", "title"):
        # The database's collation decides ties between titles; compare by year.
        got = [r["year"] for r in rows]
        assert got == [p.year for p in expected]
    else:
        assert [r["citation_key"] for r in rows] == [p.citation_key for p in expected]
    assert len({r["citation_key"] for r in rows}) == len(rows) == len(expected)


@pytest.mark.django_db
def test_facets_count_the_current_filter_per_node_and_year(anon):
    response = anon.get(PAPERS, {"application": "image-description", "facets": "1"})
    body = response.json()
    assert set(body) == {
        "count",
        "count_exact",
        "next",
        "previous",
        "results",
        "facets",
    }
    facets = body["facets"]
    assert set(facets) == {"modality", "application", "method", "year"}
    image = next(f for f in facets["modality"] if f["slug"] == "image")
    assert set(image) == {"slug", "name", "parent", "count"}
    expected = len(labelled("image") & labelled("image-description"))
    assert image["count"] == expected > 0
    vqa = next(f for f in facets["method"] if f["slug"] == "attention-based-vqa")
    assert vqa["count"] == len(
        labelled("attention-based-vqa") & labelled("image-description")
    )
    assert sum(y["count"] for y in facets["year"]) == body["count"]
    assert "facets" not in anon.get(PAPERS).json()


@pytest.mark.django_db
@pytest.mark.parametrize("provenance", ["survey", "inferred"])
def test_a_facet_count_under_a_provenance_filter_is_the_list_it_leads_to(
    anon, provenance
):
    query = {"provenance": provenance, "facets": "1"}
    facets = anon.get(PAPERS, query).json()["facets"]
    for item in facets["modality"]:
        narrowed = anon.get(
            PAPERS, {"provenance": provenance, "modality": item["slug"]}
        )
        assert narrowed.json()["count"] == item["count"], item["slug"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"modality": "no-such-modality"}, "modality"),
        ({"method": "image"}, "method"),  # a modality slug is not a method
        ({"year_min": "twenty"}, "year_min"),
        ({"year_min": "2020", "year_max": "2010"}, "year_max"),
        ({"ordering": "colour"}, "ordering"),
        ({"ordering": "relevance"}, "ordering"),  # relevance needs q
        ({"provenance": "rumour"}, "provenance"),
        ({"venue": "abc"}, "venue"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "forged"}, "cursor"),
        ({"page": "2"}, "page"),
        ({"facets": "maybe"}, "facets"),
        ({"format": "docx"}, "format"),
        ({"colour": "red"}, "colour"),
        ({"q": "x\x00y"}, "q"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(anon, params, name):
    response = anon.get(PAPERS, params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert name in error["fields"]
    assert name in error["message"]


@pytest.mark.django_db
def test_unknown_parameter_on_other_endpoints_is_a_400(anon):
    for path in (
        "/api/v1/authors/",
        "/api/v1/taxonomy/",
        "/api/v1/papers/vinyals2015show/",
    ):
        response = anon.get(path, {"sort": "x"})
        assert response.status_code == 400, path
        assert "sort" in error_of(response)["fields"]


@pytest.mark.django_db
def test_full_text_search_uses_the_gin_index(postgres_only):
    from django.db import connection

    from papers.selectors import paper_search

    query = paper_search(Paper.objects.order_by(), "neural caption").values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # Too few rows for the planner to choose an index on its own.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "papers_paper_search_document_gin" in plan, plan


@pytest.mark.django_db
def test_author_name_matching_uses_the_trigram_index(postgres_only):
    """The family-name part of the author filter, as the filter writes it, can
    be read through the trigram index of UPPER(family)."""
    from django.db import connection
    from django.db.models.functions import Upper

    from papers.filtersets import whole_word
    from papers.models import Author

    query = (
        Author.objects.annotate(family_upper=Upper("family"))
        .filter(family_upper__iregex=whole_word("Vinyals"))
        .values("pk")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "papers_author_family_trgm" in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("words", ["Li", "li", "Xi Li", "Bengio", "Oriol Vinyals."])
def test_author_words_match_whole_words_of_one_authors_name(anon, words):
    wanted = {w.strip(".").lower() for w in words.split()}
    expected = set()
    for authorship in Authorship.objects.select_related("author", "paper"):
        author, paper = authorship.author, authorship.paper
        parts = f"{author.given} {author.von} {author.family}".lower()
        if paper.status == "published" and wanted <= set(re.split(r"[ .'-]", parts)):
            expected.add(paper.citation_key)
    assert expected, "each example names someone in the survey"
    found = {
        row["citation_key"]
        for row in all_results(anon, f"{PAPERS}?{urlencode({'author': words})}")
    }
    assert found == expected


@pytest.mark.django_db
def test_a_short_name_is_not_found_inside_longer_ones(anon):
    found = {row["citation_key"] for row in all_results(anon, f"{PAPERS}?author=Li")}
    inside = Paper.objects.published().filter(
        authorships__author__family__icontains="li"
    )
    assert 0 < len(found) < inside.distinct().count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/papers/?year_min=2015&year_min=2016", "year_min"),
        ("/api/v1/papers/?q=a&q=b", "q"),
        ("/api/v1/papers/?author=Li&author=Wu", "author"),
        ("/api/v1/papers/vinyals2015show/similar?limit=5&limit=6", "limit"),
        ("/api/v1/map?author=Li&author=Wu", "author"),
    ],
)
def test_a_parameter_that_takes_one_value_given_twice_is_named(anon, url, name):
    response = anon.get(url)
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        name: ["Give this parameter once; it takes one value."]
    }


@pytest.mark.django_db
def test_repeated_values_of_a_multi_value_filter_are_alternatives(anon):
    both = anon.get(PAPERS, {"modality": ["image", "video"]})
    assert both.status_code == 200
    image = anon.get(PAPERS, {"modality": "image"}).json()["count"]
    assert both.json()["count"] > image
    schema = anon.get("/api/schema/?format=json").json()
    documented = {
        p["name"]: p["schema"]["type"]
        for p in schema["paths"]["/api/v1/papers/"]["get"]["parameters"]
    }
    assert documented["modality"] == documented["dataset"] == "array"
    assert documented["year_min"] == "integer" and documented["author"] == "string"
