"""The curator's history page: each change-log row reads as what happened,
with old → new values, whether a curator or a BibTeX import wrote it."""

import re

import pytest

from papers.models import Paper
from papers.services.bibtex_import import bibtex_import
from papers.services.papers import paper_update
from tests.web.test_browse import html_of

pytestmark = pytest.mark.django_db

PREPRINT = """@article{qaimp2024two, title = {Probing Two Modalities},
  author = {Lee, Ann}, journal = {arXiv preprint arXiv:2404.01234},
  year = {2024}}"""
PUBLISHED = """@inproceedings{qaimp2024pub, title = {Probing two modalities.},
  author = {Ann Lee}, booktitle = {Proceedings of Things}, year = {2024},
  doi = {10.5555/QA.UPD}}"""


def history_of(client, key: str) -> str:
    return html_of(client.get(f"/curate/papers/{key}/history/"))


def entries(html: str) -> list[str]:
    """The text of each history entry, tags dropped, spaces squeezed."""
    items = re.findall(r'<li class="change[^"]*">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def imported_then_updated(curator) -> str:
    for text in (PREPRINT, PUBLISHED):
        report = bibtex_import(data=text, actor=curator)
        assert report.written, report.problems
    return "qaimp2024two"


def test_an_import_that_adds_a_doi_shows_it_as_an_update_from_empty(
    curator_client, curator, survey
):
    key = imported_then_updated(curator)
    html = history_of(curator_client, key)
    update, creation = entries(html)
    assert update.startswith("Updated paper through a BibTeX import by cora")
    assert "doi (empty) → 10.5555/qa.upd" in update
    assert "None" not in html


def test_an_import_that_creates_a_paper_lists_the_values_it_set(
    curator_client, curator, survey
):
    key = imported_then_updated(curator)
    creation = entries(history_of(curator_client, key))[-1]
    assert creation.startswith("Created paper through a BibTeX import by cora")
    assert "citation_key qaimp2024two" in creation
    assert "arxiv_id 2404.01234" in creation
    assert "→" not in creation and "doi" not in creation


def test_an_edit_shows_old_and_new_values(curator_client, curator, survey):
    paper = Paper.objects.get(citation_key="xu2015show")
    old_year = paper.year
    paper_update(
        actor=curator,
        paper=paper,
        expected_version=paper.version,
        data={"year": old_year - 1, "pages": "1-9"},
    )
    edit = entries(history_of(curator_client, "xu2015show"))[0]
    assert edit.startswith("Updated paper by cora")
    assert f"year {old_year} → {old_year - 1}" in edit
    assert "pages (empty) → 1-9" in edit
