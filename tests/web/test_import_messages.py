"""What the import page tells a curator: a preview confirmed twice, a file
and pasted text at once, and problems that name their line once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from papers.bibtex import ParseProblem
from papers.models import Paper
from papers.views.importing import problem_text
from tests.web.test_browse import html_of
from tests.web.test_import_page import BIB, upload

pytestmark = pytest.mark.django_db

CONFIRM = "/curate/import/confirm/"


def test_confirming_an_imported_preview_again_says_it_was_imported(
    curator_client, survey
):
    upload(curator_client)
    token = curator_client.session["atlas_pending_import"]["token"]
    html_of(curator_client.post(CONFIRM, {"token": token}))
    count = Paper.objects.count()
    again = curator_client.post(CONFIRM, {"token": token}, follow=True)
    html = html_of(again)
    assert again.redirect_chain[-1][0] == "/curate/"
    assert "That preview of two.bib was already imported" in html
    assert "upload the file again" not in html.lower()
    assert Paper.objects.count() == count


def test_confirming_a_replaced_preview_says_nothing_was_imported(
    curator_client, survey
):
    upload(curator_client)
    old = curator_client.session["atlas_pending_import"]["token"]
    upload(curator_client)
    html = html_of(curator_client.post(CONFIRM, {"token": old}, follow=True))
    assert "no longer waiting" in html and "nothing was imported" in html
    assert "already imported" not in html


def test_a_file_and_pasted_text_at_once_are_refused(curator_client, survey):
    before = Paper.objects.count()
    file = SimpleUploadedFile("two.bib", BIB.encode(), "application/x-bibtex")
    pasted = "@article{pasted2025, title = {Pasted}, year = {2025}}"
    response = curator_client.post("/curate/import/", {"file": file, "text": pasted})
    html = html_of(response)
    assert "Give a .bib file or pasted BibTeX, not both" in html
    assert "Preview of" not in html
    assert "atlas_pending_import" not in curator_client.session
    assert Paper.objects.count() == before


def test_an_unbalanced_brace_names_its_line_once(curator_client, survey):
    broken = "@article{broken2025, title = {No end, year = {2025}\n"
    html = html_of(upload(curator_client, broken))
    assert "Line 1: unbalanced braces" in html
    assert "line 1: line 1" not in html.lower()


def test_a_problem_that_does_not_name_its_line_gets_it_in_front():
    assert problem_text(ParseProblem(None, 4, "odd text")) == "Line 4: Odd text"
    named = ParseProblem("k", 4, "entry 'k' at line 4: no title")
    assert problem_text(named) == "Entry 'k' at line 4: no title"
    assert problem_text(ParseProblem(None, None, "the file is empty")) == (
        "The file is empty"
    )
