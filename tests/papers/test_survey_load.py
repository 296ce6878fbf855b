import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from history.models import Change
from papers.models import Author, Citation, Label, Paper
from papers.survey_fixtures import build_papers, build_taxonomy, provenance_of
from taxonomy.models import Dataset, Kind, Metric, Node, Provenance
from tests.survey_snapshot import (
    restore_survey_rows,
    survey_rows,
    survey_tables_empty,
)

FIXTURES = Path(settings.SURVEY_FIXTURES_DIR)
SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def fixture(name):
    return json.loads((FIXTURES / name).read_text("utf-8"))


def load():
    out = io.StringIO()
    call_command("load_survey", stdout=out)
    return out.getvalue()


def row_counts():
    models = (Node, Dataset, Metric, Paper, Citation, Label, Change)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_load_survey_brings_in_the_whole_review():
    load()
    taxonomy, papers = fixture("taxonomy.json"), fixture("papers.json")["papers"]
    assert Node.objects.of_kind(Kind.MODALITY).count() == 13
    review_categories = Node.objects.of_kind(Kind.APPLICATION).exclude(
        provenance=Provenance.CURATED
    )
    assert review_categories.count() == 6
    for kind in Kind.values:
        expected = sum(1 for node in taxonomy["nodes"] if node["kind"] == kind)
        assert Node.objects.of_kind(kind).count() == expected
    assert Dataset.objects.count() == len(taxonomy["datasets"])
    assert Metric.objects.count() == len(taxonomy["metrics"])
    assert Paper.objects.published().count() == len(papers)
    assert Citation.objects.count() == sum(len(p["cites"]) for p in papers)
    assert Label.objects.count() == sum(len(p["labels"]) for p in papers)


@pytest.mark.django_db
def test_second_load_changes_nothing_and_says_so():
    load()
    before = row_counts()
    output = load()
    assert "Nothing to do" in output
    assert row_counts() == before


@pytest.mark.django_db
def test_load_restores_a_deleted_row_without_touching_the_rest():
    load()
    before = row_counts()
    Citation.objects.filter(citing__citation_key="baltrusaitis2019multimodal").delete()
    output = load()
    assert "citations: 5 created" in output
    assert row_counts() == {**before, "Change": before["Change"] + 1}


@pytest.mark.django_db
def test_load_keeps_a_curators_edit():
    load()
    Paper.objects.filter(citation_key="vinyals2015show").update(
        title="Edited", version=2
    )
    output = load()
    assert "kept curator edits" in output
    assert Paper.objects.get(citation_key="vinyals2015show").title == "Edited"


@pytest.mark.django_db
def test_inferred_items_are_never_marked_as_stated_by_the_review():
    load()
    gan = Node.objects.get(kind=Kind.METHOD, slug="gan-based-image-description")
    assert gan.provenance == Provenance.INFERRED
    assert not gan.is_stated_by_review
    edid = Node.objects.get(kind=Kind.METHOD, slug="encoder-decoder-image-description")
    assert edid.provenance == Provenance.SURVEY
    unverified_paper_labels = Label.objects.filter(
        paper__survey_inclusion="not_verified"
    )
    assert unverified_paper_labels.exists()
    assert not unverified_paper_labels.filter(provenance=Provenance.SURVEY).exists()
    # A paper the review's table lists is not stated to be under a family the
    # review does not name.
    stated = Label.objects.filter(provenance=Provenance.SURVEY)
    assert stated.exists()
    assert not stated.exclude(node__provenance=Provenance.SURVEY).exists()
    wei = Label.objects.get(node=gan, evidence__contains="Wei et al.")
    assert wei.provenance == Provenance.INFERRED


@pytest.mark.django_db
def test_seed_papers_keep_cite_counts_dates_and_get_curated_domains():
    load()
    bayoudh = Paper.objects.get(doi="10.1007/s00371-021-02166-7")
    assert bayoudh.cite_count == 400
    assert str(bayoudh.published_on) == "2021-06-10"
    tomato = Paper.objects.get(doi="10.3389/fpls.2023.1094142")
    domains = tomato.labels.filter(node__kind=Kind.APPLICATION)
    assert [label.node.slug for label in domains] == ["agriculture"]
    assert domains.get().node.provenance == Provenance.CURATED


@pytest.mark.django_db
def test_the_review_itself_is_loaded_with_its_identifiers():
    load()
    review = Paper.objects.get(citation_key=settings.SURVEY_CITATION_KEY)
    assert (review.doi, review.arxiv_id, review.year) == (
        "10.1145/3545572",
        "2202.09195",
        2023,
    )
    assert review.authorships.count() == 6
    assert review.references.filter(survey_inclusion="verified").count() == (
        Paper.objects.filter(survey_inclusion="verified").count()
    )
    # Its predecessor preprint is by the same people, though arXiv lists some
    # of them family name first: one author page each, not two.
    predecessor = Paper.objects.get(arxiv_id="2105.11087")
    people = set(review.authorships.values_list("author", flat=True))
    theirs = list(predecessor.authorships.values_list("author", flat=True))
    assert len(theirs) == 5 and set(theirs) <= people
    assert "Jabeen Summaira" in predecessor.provenance["authors_as_given"]


@pytest.mark.parametrize(
    ("verification", "expected"),
    [
        ("verified", "survey"),
        ("verified (listed in survey v1 Table 3)", "survey"),
        ("group name verified; members not seen", "survey"),
        ("inferred", "inferred"),
        (
            "category from memory of the survey, not visible in reachable text",
            "inferred",
        ),
        ("not verified", "inferred"),
    ],
)
def test_provenance_of_a_verification_note(verification, expected):
    assert provenance_of(verification) == expected


def test_committed_fixtures_match_the_gathered_facts():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the gathered facts are not beside the checkout ({SHARED_DATA})")
    taxonomy_src = json.loads((SHARED_DATA / "taxonomy.json").read_text("utf-8"))
    papers_src = json.loads((SHARED_DATA / "papers.json").read_text("utf-8"))
    seeds = json.loads((SHARED_DATA / "seed_similar_papers.json").read_text("utf-8"))
    taxonomy = build_taxonomy(taxonomy_src)
    assert taxonomy == fixture("taxonomy.json")
    assert build_papers(papers_src, seeds, taxonomy) == fixture("papers.json")


def row_multisets(taken):
    """Each table's rows regardless of their order on disk."""
    return {
        table.table: Counter(
            table.rows.splitlines() if isinstance(table.rows, bytes) else table.rows
        )
        for table in taken
    }


@pytest.mark.django_db(transaction=True)
def test_survey_rows_put_back_after_a_flush_are_a_full_load(loaded_survey_rows):
    """The suite restores the survey's rows after each transactional test
    instead of loading again; the loader must find nothing to do on them."""
    call_command("flush", interactive=False, verbosity=0)
    assert survey_tables_empty()
    restore_survey_rows(loaded_survey_rows)
    assert row_multisets(survey_rows()) == row_multisets(loaded_survey_rows)
    assert "Nothing to do" in load()
    assert Paper.objects.filter(citation_key=settings.SURVEY_CITATION_KEY).exists()
    restored_ids = set(Author.objects.values_list("pk", flat=True))
    assert Author.objects.create(family="Newcomer").pk > max(restored_ids)
