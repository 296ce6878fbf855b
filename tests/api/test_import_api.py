"""POST /api/v1/import/bibtex: the import service through the API. Every
outcome reported, a dry run writes nothing, a bad file is refused whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from history.models import Change
from papers.models import Paper
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/import/bibtex"
NEW = """
@article{doe2024late,
  title = {Late Fusion for Everything},
  author = {Doe, Jane and Roe, Richard},
  journal = {Journal of Fusion Studies},
  year = {2024},
}
"""
KNOWN = """
@article{someone2017cascade,
  title = {Cascade recurrent neural network for image caption generation},
  author = {Wu, Jie and Hu, Haifeng},
  journal = {Electronics Letters},
  doi = {https://doi.org/10.1049/EL.2017.3159},
  year = {2017},
}
"""
NO_TITLE = """
@article{notitle2024,
  author = {Doe, Jane},
  year = {2024},
}
"""


def state():
    return Paper.objects.count(), Change.objects.count()


def as_file(text: str | bytes, name: str = "refs.bib") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, data, content_type="text/x-bibtex")}


def test_a_curator_imports_a_file_and_gets_every_entrys_outcome(curator, curator_user):
    response = curator.post(URL, as_file(NEW + KNOWN), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["dry_run"] is False and body["written"] is True
    assert body["counts"] == {
        "created": 1, "updated": 0, "duplicate": 1, "skipped": 0, "error": 0
    }  # fmt: skip
    by_key = {entry["key"]: entry for entry in body["entries"]}
    assert by_key["doe2024late"]["outcome"] == "created"
    assert by_key["doe2024late"]["paper"] == "doe2024late"
    assert by_key["doe2024late"]["line"] == 2
    assert by_key["someone2017cascade"]["outcome"] == "duplicate"
    assert by_key["someone2017cascade"]["paper"] == "wu2017cascade"
    paper = Paper.objects.get(citation_key="doe2024late")
    assert paper.title == "Late Fusion for Everything"
    assert Change.objects.filter(target_id=paper.pk, actor=curator_user).exists()


@pytest.mark.parametrize("content_type", ["application/x-bibtex", "text/plain"])
def test_the_file_may_be_the_request_body(curator, content_type):
    response = curator.generic("POST", URL, data=NEW, content_type=content_type)
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["created"] == 1
    assert Paper.objects.filter(citation_key="doe2024late").exists()


def test_a_dry_run_reports_and_writes_nothing(curator):
    before = state()
    response = curator.post(f"{URL}?dry_run=1", as_file(NEW), format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["written"] is False
    assert body["entries"][0]["outcome"] == "created"
    assert state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (NEW + NO_TITLE, "notitle2024"),  # one bad entry refuses the whole file
        ("@article{broken2024, title = {Unbalanced, year = 2024}\n", "broken2024"),
        (b"@article{latin2024, title = {Caf\xe9}, year = 2024}", "UTF-8"),
        ("", "empty"),
    ],
    ids=["missing-title", "unbalanced-braces", "not-utf8", "empty"],
)
def test_a_bad_file_is_refused_whole_with_the_entry_named(curator, data, message):
    before = state()
    response = curator.post(URL, as_file(data), format="multipart")
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert "file" in error["fields"]
    assert message.lower() in " ".join(error["fields"]["file"]).lower()
    assert state() == before


def test_an_oversized_file_is_refused_before_parsing(curator, settings):
    settings.BIBTEX_MAX_UPLOAD_BYTES = 100
    before = state()
    response = curator.post(URL, as_file(NEW), format="multipart")
    assert response.status_code == 413
    assert "larger than the 100 bytes" in error_of(response)["message"]
    assert state() == before


def test_other_media_types_and_a_missing_file_are_refused(curator):
    response = curator.post(URL, {"bibtex": NEW}, format="json")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    response = curator.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]


@pytest.mark.parametrize("word", ["maybe", "yes", ""])
def test_a_dry_run_value_the_schema_does_not_list_is_named(curator, word):
    response = curator.post(f"{URL}?dry_run={word}", as_file(NEW), format="multipart")
    assert response.status_code == 400
    assert "dry_run" in error_of(response)["fields"]
    assert not Paper.objects.filter(citation_key="doe2024late").exists()


def test_each_problem_of_an_entry_is_listed_once(curator):
    entry = "@article{twice2024, title = {Two problems}, year = {20x4}, month = {13}}"
    response = curator.post(URL, as_file(entry), format="multipart")
    assert response.status_code == 400
    problems = error_of(response)["fields"]["file"]
    assert len(problems) == 2, problems
    assert "year '20x4'" in problems[0] and "month '13'" in problems[1]


@pytest.mark.parametrize("name", ["dry-run", "dryrun", "dry_run_"])
def test_a_misspelt_dry_run_is_refused_not_imported(curator, name):
    response = curator.post(f"{URL}?{name}=1", as_file(NEW), format="multipart")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {name: ["Unknown query parameter."]}
    assert not Paper.objects.filter(citation_key="doe2024late").exists()


def test_only_curators_import(anon, reader):
    before = state()
    assert anon.post(URL, as_file(NEW), format="multipart").status_code == 401
    response = reader.post(URL, as_file(NEW), format="multipart")
    assert response.status_code == 403
    assert "Only curators" in error_of(response)["message"]
    assert state() == before
