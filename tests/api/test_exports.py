"""Exports by ?format= and by Accept, honouring filters, streamed."""

import csv
import io
import json

import pytest

from papers.bibtex import parse_bibtex
from papers.models import Label, Paper
from tests.api.conftest import error_of

PAPERS = "/api/v1/papers/"


def text_of(response) -> str:
    assert response.streaming, "exports stream"
    return b"".join(response.streaming_content).decode("utf-8")


def image_vqa_keys() -> set[str]:
    def under(slug):
        return set(
            Label.objects.filter(node__slug=slug).values_list(
                "paper__citation_key", flat=True
            )
        )

    return under("image") & under("visual-question-answering")


@pytest.mark.django_db
def test_bibtex_of_a_filtered_set_parses_back_to_the_same_papers(anon):
    response = anon.get(
        PAPERS,
        {
            "format": "bibtex",
            "modality": "image",
            "application": "visual-question-answering",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="papers.bib"'
    parsed = parse_bibtex(text_of(response))
    assert not parsed.problems
    assert {r.key for r in parsed.records} == image_vqa_keys()
    titles = {r.key: r.title for r in parsed.records}
    for paper in Paper.objects.filter(citation_key__in=titles):
        assert titles[paper.citation_key] == paper.title


@pytest.mark.django_db
def test_each_format_by_query_and_by_accept(anon):
    cases = {
        "bibtex": "application/x-bibtex",
        "csv": "text/csv",
        "csljson": "application/vnd.citationstyles.csl+json",
        "ris": "application/x-research-info-systems",
    }
    for fmt, media in cases.items():
        by_query = anon.get(PAPERS, {"format": fmt, "year_min": 2019})
        by_accept = anon.get(PAPERS, {"year_min": 2019}, HTTP_ACCEPT=media)
        assert by_query.status_code == by_accept.status_code == 200, fmt
        assert by_query["Content-Type"].startswith(media)
        assert text_of(by_query) == text_of(by_accept), fmt
    # BibLaTeX keeps UTF-8 where BibTeX writes LaTeX escapes.
    unicode = text_of(anon.get(PAPERS, {"format": "biblatex", "year_min": 2019}))
    latex = text_of(anon.get(PAPERS, {"format": "bibtex", "year_min": 2019}))
    assert "López" in unicode and "López" not in latex
    plain = anon.get(PAPERS, HTTP_ACCEPT="application/json")
    assert set(plain.json()) == {"count", "count_exact", "next", "previous", "results"}
    # One address, several answers: a cache in between must tell them apart.
    for response in (plain, by_accept, anon.get(f"{PAPERS}vinyals2015show/")):
        assert "Accept" in response["Vary"]


@pytest.mark.django_db
def test_the_schema_documents_each_export_as_it_is_answered(anon):
    schema = anon.get("/api/schema/?format=json").json()
    for path in (PAPERS, f"{PAPERS}{{key}}/"):
        documented = schema["paths"][path]["get"]["responses"]["200"]["content"]
        csl = documented["application/vnd.citationstyles.csl+json"]["schema"]
        assert csl["type"] == "array", path
    answer = anon.get(PAPERS, HTTP_ACCEPT="application/vnd.citationstyles.csl+json")
    assert isinstance(json.loads(text_of(answer)), list)


@pytest.mark.django_db
def test_csv_has_one_row_per_paper_and_neutralises_formulas(anon):
    Paper.objects.filter(citation_key="vinyals2015show").update(
        title='=HYPERLINK("http://evil")'
    )
    response = anon.get(PAPERS, {"format": "csv", "year_max": 2015})
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert {r["citation_key"] for r in rows} == set(
        Paper.objects.filter(year__lte=2015).values_list("citation_key", flat=True)
    )
    evil = next(r for r in rows if r["citation_key"] == "vinyals2015show")
    assert evil["title"].startswith("'=")
    assert "Vinyals" in evil["authors"]


@pytest.mark.django_db
def test_json_and_csljson_are_complete_arrays(anon):
    items = json.loads(
        text_of(anon.get(PAPERS, {"format": "json", "dataset": "mscoco"}))
    )
    expected = set(
        Paper.objects.filter(datasets__slug="mscoco").values_list(
            "citation_key", flat=True
        )
    )
    assert {i["citation_key"] for i in items} == expected
    assert all("mscoco" in i["datasets"] for i in items)
    csl = json.loads(
        text_of(anon.get(PAPERS, {"format": "csljson", "dataset": "mscoco"}))
    )
    assert {i["id"] for i in csl} == expected


@pytest.mark.django_db
def test_detail_exports_one_paper_named_after_its_key(anon):
    response = anon.get(f"{PAPERS}vinyals2015show/", {"format": "ris"})
    assert (
        response["Content-Disposition"] == 'attachment; filename="vinyals2015show.ris"'
    )
    text = text_of(response)
    assert text.startswith("TY  - ") and text.count("ER  - ") == 1
    assert "ID  - vinyals2015show" in text
    bib = anon.get(f"{PAPERS}vinyals2015show/", HTTP_ACCEPT="application/x-bibtex")
    assert [r.key for r in parse_bibtex(text_of(bib)).records] == ["vinyals2015show"]


@pytest.mark.django_db
def test_export_errors_are_json(anon):
    response = anon.get(PAPERS, {"format": "bibtex", "modality": "nope"})
    assert response.status_code == 400
    assert "modality" in error_of(response)["fields"]
    missing = anon.get(f"{PAPERS}nope/", {"format": "bibtex"})
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    not_acceptable = anon.get("/api/v1/authors/", HTTP_ACCEPT="text/csv")
    assert not_acceptable.status_code == 406
    assert error_of(not_acceptable)["code"] == "not_acceptable"
