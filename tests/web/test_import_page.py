"""The curator's BibTeX import: upload, preview (nothing written), confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from papers.models import Paper
from tests.web.test_browse import html_of

pytestmark = pytest.mark.django_db

BIB = """
@inproceedings{vinyals2015again,
  author = {Vinyals, Oriol and Toshev, Alexander and Bengio, Samy and Erhan, Dumitru},
  title = {Show and Tell: A Neural Image Caption Generator},
  booktitle = {CVPR},
  year = {2015},
  doi = {10.1109/CVPR.2015.7298935}
}

@article{okafor2025gesture,
  author = {Okafor, Ngozi and Lindqvist, Per},
  title = {Gesture and Gaze Fusion for Assistive <Robots>},
  journal = {Journal of Assistive Multimodal Systems},
  year = {2025}
}
"""


def upload(client, text: str = BIB):
    file = SimpleUploadedFile("two.bib", text.encode(), "application/x-bibtex")
    return client.post("/curate/import/", {"file": file})


def test_preview_lists_each_entry_and_writes_nothing(curator_client, survey):
    before = Paper.objects.count()
    html = html_of(upload(curator_client))
    assert 'data-entry="vinyals2015again"' in html
    assert 'data-entry="okafor2025gesture"' in html
    assert 'outcome outcome-duplicate">duplicate<' in html
    assert 'outcome outcome-created">created<' in html
    assert "Confirm: import 1 new" in html
    assert Paper.objects.count() == before


def test_confirm_imports_the_previewed_file(curator_client, survey):
    before = Paper.objects.count()
    preview = upload(curator_client)
    token = curator_client.session["atlas_pending_import"]["token"]
    assert f'value="{token}"' in preview.content.decode()
    html = html_of(curator_client.post("/curate/import/confirm/", {"token": token}))
    assert "Imported two.bib: 1 created" in html
    assert Paper.objects.count() == before + 1
    paper = Paper.objects.get(title__startswith="Gesture and Gaze Fusion")
    assert f'href="/papers/{paper.citation_key}/"' in html
    page = html_of(curator_client.get(paper.get_absolute_url()))
    assert "Gesture and Gaze Fusion for Assistive &lt;Robots&gt;" in page
    # The token is spent: confirming again imports nothing more.
    again = curator_client.post("/curate/import/confirm/", {"token": token})
    assert again.status_code == 302
    assert Paper.objects.count() == before + 1


def test_a_wrong_token_is_refused(curator_client, survey):
    upload(curator_client)
    response = curator_client.post("/curate/import/confirm/", {"token": "forged"})
    assert response.status_code == 302
    assert response["Location"] == "/curate/import/"


def test_a_file_with_problems_cannot_be_confirmed(curator_client, survey):
    before = Paper.objects.count()
    broken = BIB + "\n@article{broken2025, title = {No end, year = {2025}\n"
    html = html_of(upload(curator_client, broken))
    assert "the file has problems" in html
    assert "Confirm: import" not in html
    assert Paper.objects.count() == before


def test_empty_upload_is_explained(curator_client, survey):
    html = html_of(curator_client.post("/curate/import/", {}))
    assert "Choose a .bib file or paste BibTeX text." in html


def test_import_needs_a_curator(reader_client, survey):
    assert reader_client.get("/curate/import/").status_code == 403
    assert (
        reader_client.post("/curate/import/confirm/", {"token": "x"}).status_code == 403
    )
