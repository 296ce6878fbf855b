"""Export everything, import it into an empty database, export again: nothing changes.

The empty database is the test database with every paper, author, venue, label
and citation deleted inside the test's transaction.
"""

import io

import pytest
from django.core.management import call_command

from papers.models import Author, Citation, Label, Paper, Venue
from papers.services.bibtex_import import bibtex_import
from tests.papers.test_bibtex import FIXTURES

pytestmark = pytest.mark.django_db

#: Everything a BibTeX entry carries about a paper.
BIBTEX_FIELDS = (
    "citation_key", "entry_type", "title", "title_protected", "abstract", "year",
    "month", "volume", "number", "pages", "publisher", "doi", "arxiv_id", "url",
    "et_al", "extra", "status", "venue__name",
)  # fmt: skip


# Corpus files whose entries add what the survey lacks: accents, extra fields,
# braces, suffixes, institutions, "and others", eprints, special characters.
TRICKY_FILES = (
    "latex_accents.bib", "extra_fields_preserved.bib", "special_characters.bib",
    "jr_suffix.bib", "corporate_author.bib", "and_others.bib", "arxiv_eprint.bib",
    "protected_titles.bib", "pages_variants.bib", "string_macros.bib",
    "crossref_inherits_booktitle.bib", "month_macros.bib", "utf8_bom.bib",
)  # fmt: skip


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_bibtex", *args, stdout=out)
    return out.getvalue()


def papers_as_data() -> dict[str, dict]:
    """Every paper's BibTeX fields and author names, by citation key."""
    papers = {row["citation_key"]: row for row in Paper.objects.values(*BIBTEX_FIELDS)}
    for paper in Paper.objects.prefetch_related("authorships__author"):
        papers[paper.citation_key]["authors"] = [
            (a.author.given, a.author.von, a.author.family, a.author.suffix)
            for a in sorted(paper.authorships.all(), key=lambda a: a.position)
        ]
    return papers


def empty_the_database() -> None:
    Citation.objects.all().delete()
    Label.objects.all().delete()
    Paper.objects.all().delete()
    Author.objects.all().delete()
    Venue.objects.all().delete()


@pytest.mark.parametrize("encoding", ["latex", "unicode"])
def test_export_import_export_gives_the_same_file_and_the_same_papers(encoding):
    for name in TRICKY_FILES:
        assert bibtex_import(data=(FIXTURES / name).read_bytes(), actor=None).ok
    assert Paper.objects.exclude(status="published").count() == 0
    first = export("--encoding", encoding)
    before = papers_as_data()
    empty_the_database()
    report = bibtex_import(data=first, actor=None)
    assert report.ok, report.problems[:3]
    assert report.counts["created"] == len(before)
    assert export("--encoding", encoding) == first
    after = papers_as_data()
    assert after.keys() == before.keys()
    different = [key for key in before if before[key] != after[key]]
    assert different == []


def test_a_second_import_of_the_export_changes_nothing():
    text = export()
    before = papers_as_data()
    report = bibtex_import(data=text, actor=None)
    assert report.ok
    assert report.counts["created"] == 0
    assert report.counts["duplicate"] == len(before)
    assert papers_as_data() == before
