"""Form pages name only elements that exist: every id an aria-describedby or
aria-labelledby refers to is on the page (help texts, field errors, headings)."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.test_browse import html_of
from tests.web.test_curate import ADD, form_data

pytestmark = pytest.mark.django_db

REFERRING = ("aria-describedby", "aria-labelledby")


class IdReferences(HTMLParser):
    """The ids of a page and the ids its aria attributes refer to."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in REFERRING and value:
                self.references += [(tag, name, ref) for ref in value.split()]


def dangling_references(html: str) -> list[tuple[str, str, str]]:
    parser = IdReferences()
    parser.feed(html)
    parser.close()
    assert parser.references, "the page refers to no id at all"
    return [ref for ref in parser.references if ref[2] not in parser.ids]


def described_fields(html: str) -> set[str]:
    parser = IdReferences()
    parser.feed(html)
    return {ref for _, name, ref in parser.references if name == "aria-describedby"}


def test_the_add_form_describes_its_fields_with_help_texts_on_the_page(
    curator_client, survey
):
    html = html_of(curator_client.get(ADD))
    assert dangling_references(html) == []
    assert {"id_citation_key_helptext", "id_doi_helptext"} <= described_fields(html)


def test_the_add_form_with_errors_points_at_error_messages_on_the_page(
    curator_client, survey
):
    data = form_data(title="", year="not a year", doi="not a doi")
    html = html_of(curator_client.post(ADD, data))
    assert dangling_references(html) == []
    assert {"id_title_error", "id_year_error"} <= described_fields(html)


def test_the_edit_form_refers_only_to_ids_on_the_page(curator_client, survey):
    html = html_of(curator_client.get("/curate/papers/vinyals2015show/edit/"))
    assert dangling_references(html) == []


def test_the_labels_page_refers_only_to_ids_on_the_page(curator_client, survey):
    url = "/curate/papers/vinyals2015show/labels/"
    assert dangling_references(html_of(curator_client.get(url))) == []
    refused = html_of(curator_client.post(url, {"node": "", "provenance": "nope"}))
    assert dangling_references(refused) == []
    assert "id_node_error" in described_fields(refused)


def test_the_import_page_refers_only_to_ids_on_the_page(curator_client, survey):
    assert dangling_references(html_of(curator_client.get("/curate/import/"))) == []
    empty = SimpleUploadedFile("empty.bib", b"\xff\xfe", "application/x-bibtex")
    refused = html_of(curator_client.post("/curate/import/", {"file": empty}))
    assert dangling_references(refused) == []


@pytest.mark.parametrize("query", ["", "?modality=no-such-node&year_min=x"])
def test_the_map_filters_refer_only_to_ids_on_the_page(client, survey, query):
    response = client.get(f"/map/{query}")
    html = response.content.decode()
    assert dangling_references(html) == []
    assert "id_year_min_helptext" in described_fields(html)
    if query:
        assert "id_modality_error" in described_fields(html)
