"""Other BibTeX fields (`extra`) must have names BibTeX can write and text values,
whichever way a paper is written, so the export never meets one it cannot write."""

import pytest
from django.core.exceptions import ValidationError

from papers.models import Paper
from papers.services.bibtex_import import bibtex_import
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

PAPER = {"citation_key": "x2024extra", "entry_type": "article", "title": "T"}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"bad key\u0015": "v"}, "bad key"),
        ({"note}": "v"}, "note}"),
        ({"1st": "v"}, "1st"),
        ({"": "v"}, "''"),
    ],
)
def test_the_api_refuses_an_extra_field_bibtex_cannot_carry(curator, extra, named):
    response = curator.post("/api/v1/papers/", {**PAPER, "extra": extra}, format="json")
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert "extra" in error["fields"]
    assert not Paper.objects.filter(citation_key="x2024extra").exists()
    assert named in " ".join(error["fields"]["extra"])


def test_the_api_accepts_real_field_names_and_the_export_writes_them(curator):
    extra = {"Keywords": "fusion", "eprinttype": "arxiv", "x-custom.note+1": "v"}
    response = curator.post("/api/v1/papers/", {**PAPER, "extra": extra}, format="json")
    assert response.status_code == 201, response.content
    answer = curator.get("/api/v1/papers/x2024extra/?format=bibtex")
    bib = b"".join(answer.streaming_content).decode()
    assert "keywords = {fusion}" in bib.lower()
    assert "x-custom.note+1 = {v}" in bib


def test_the_model_refuses_them_and_values_that_are_not_text(survey):
    paper = Paper(**PAPER, extra={"bad key": "v"})
    with pytest.raises(ValidationError, match="not a BibTeX field name"):
        paper.full_clean()
    paper = Paper(**PAPER, extra={"note": 5})
    with pytest.raises(ValidationError, match="'note' must be text"):
        paper.full_clean()


def test_an_imported_entry_cannot_bring_one_in(survey):
    bib = "@article{odd2024, title={T}, year=2024, weird?name = {v}}"
    report = bibtex_import(data=bib, actor=None)
    assert not report.ok
    assert "'weird?name' is not a BibTeX field name" in report.problems[0].message
    assert "line 1" in report.problems[0].message
    assert not Paper.objects.filter(citation_key="odd2024").exists()
