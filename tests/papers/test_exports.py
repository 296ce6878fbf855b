"""Export formats, file names and memory-flat streaming."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers import exports
from papers.bibtex import parse_bibtex
from papers.exports import (
    EXPORT_FORMATS,
    export_filename,
    export_stream,
    neutralise,
    paper_record,
)
from papers.models import Paper
from papers.selectors import paper_list


@pytest.mark.django_db
def test_paper_record_carries_the_papers_metadata(survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    record = paper_record(paper)
    assert record.key == "vinyals2015show"
    assert record.title == paper.title and record.year == paper.year
    assert record.venue == paper.venue.name
    names = [a.author.display_name for a in paper.authorships.order_by("position")]
    assert [n.display for n in record.authors] == names
    assert record.doi == (paper.doi or "")


@pytest.mark.django_db
def test_every_format_exports_every_paper(survey):
    total = Paper.objects.published().count()
    for fmt in EXPORT_FORMATS:
        text = "".join(export_stream(paper_list(), fmt))
        if fmt in ("bibtex", "biblatex"):
            assert len(parse_bibtex(text).records) == total
        elif fmt in ("json", "csljson"):
            assert len(json.loads(text)) == total
        elif fmt == "csv":
            assert len(list(csv.DictReader(io.StringIO(text)))) == total
        else:
            assert text.count("ER  - ") == total


@pytest.mark.django_db
def test_streaming_reads_in_chunks_with_a_fixed_number_of_queries(survey, monkeypatch):
    total = Paper.objects.published().count()
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    with CaptureQueriesContext(connection) as captured:
        chunks = list(export_stream(paper_list(), "bibtex"))
    assert chunks
    chunk_count = -(-total // 10)
    # One query per chunk for papers, plus one per chunk for each of the
    # authorships, labels and datasets prefetches (SQLite and PostgreSQL alike).
    assert len(captured) <= 4 * chunk_count + 2
    assert len(captured) >= chunk_count


def test_cells_that_would_run_as_formulas_are_quoted():
    for cell in ("=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("plain") == "plain"


def test_filenames_are_sanitised():
    assert export_filename("bibtex", "../../etc/passwd") == "etc-passwd.bib"
    assert export_filename("csv", 'a"b;c\r\nd') == "a-b-c-d.csv"
    assert export_filename("ris", "") == "papers.ris"
    with pytest.raises(ValueError):
        export_stream(Paper.objects.none(), "docx")


@pytest.mark.django_db
def test_papers_tied_in_the_sets_order_come_in_id_order(survey):
    for key in ("tieb2030", "tiea2030", "tiec2030"):
        Paper.objects.create(
            citation_key=key, title="Same Title", year=2030, status="published"
        )
    text = "".join(export_stream(paper_list(), "bibtex"))
    keys = ["tieb2030", "tiea2030", "tiec2030"]
    assert sorted(keys, key=text.index) == keys  # created order = id order
    sliced = "".join(export_stream(paper_list()[:2], "ris"))
    assert sliced.count("ER  - ") == 2
