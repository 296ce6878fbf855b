"""The paper page's Record box words the paper's provenance for people: how
its metadata was checked, where it comes from; no raw keys or dicts."""

import pytest

from papers.views.provenance import provenance_rows
from tests.web.test_browse import html_of


def record_box(html: str) -> str:
    start = html.index('<h2 id="facts-h">Record</h2>')
    return html[start : html.index("</section>", start)]


def test_a_metadata_check_reads_as_a_sentence():
    rows = provenance_rows(
        {
            "source": "General knowledge",
            "in_survey": "not-verified (classic baseline)",
            "metadata_check": {
                "status": "corrected",
                "checked_against": "https://example.org/a ; https://example.org/b",
                "fields_corrected": ["doi", "arxiv"],
                "note": "record follows the CVPR version",
            },
            "note": "",
        }
    )
    assert rows == [
        ("Source", "General knowledge"),
        ("Review evidence", "Not verified in the review (classic baseline)"),
        (
            "Metadata check",
            "Corrected against https://example.org/a ; https://example.org/b; "
            "fields corrected: DOI, arXiv id. Record follows the CVPR version.",
        ),
    ]


def test_loader_bookkeeping_is_hidden_and_the_author_count_folded_in():
    rows = dict(
        provenance_rows(
            {
                "source": "seed file (Similar Papers list)",
                "seed_position": 2,
                "seed_type": "Dissertation",
                "authors_as_given": "Ge Zhang + 6 more",
                "author_count": 7,
                "checked_by": "cora",
            }
        )
    )
    assert rows == {
        "Source": "seed file (Similar Papers list)",
        "Type at the source": "Dissertation",
        "Authors at the source": "Ge Zhang + 6 more (7 in all)",
        "Checked by": "cora",
    }


@pytest.mark.parametrize(
    "provenance",
    [
        {"authors_as_given": "A, B", "author_count": "3"},
        {"metadata_check": {"fields_corrected": 5}},
        {"metadata_check": {"fields_corrected": "doi"}},
        {"metadata_check": "checked", "note": ["a", {"b": 1}]},
    ],
)
def test_provenance_written_free_form_reads_without_failing(provenance):
    rows = dict(provenance_rows(provenance))
    assert rows and all(isinstance(text, str) and text for text in rows.values())
    if "metadata_check" in provenance and "fields_corrected" in str(provenance):
        corrected = provenance["metadata_check"]["fields_corrected"]
        expected = "DOI" if corrected == "doi" else str(corrected)
        assert f"fields corrected: {expected}" in rows["Metadata check"]


def test_no_provenance_gives_no_rows():
    assert provenance_rows(None) == [] and provenance_rows({}) == []


@pytest.mark.django_db
def test_the_record_box_says_how_the_metadata_was_checked(client, survey):
    box = record_box(html_of(client.get("/papers/vinyals2015show/")))
    assert "<dt>Metadata check</dt>" in box
    assert "Corrected against" in box and "fields corrected: DOI" in box
    assert 'href="https://tomesphere.com/paper/1411.4555"' in box
    assert "{" not in box and "Metadata_check" not in box and "In_survey" not in box


@pytest.mark.django_db
def test_the_record_box_shows_no_raw_keys_of_a_seed_paper(client, survey):
    box = record_box(html_of(client.get("/papers/shen2025data/")))
    assert "<dt>Authors at the source</dt><dd" in box and "Meng Shen" in box
    assert "<dt>Type at the source</dt>" in box
    for raw in ("Seed_position", "Authors_as_given", "Seed_type", "Author_count"):
        assert raw not in box
