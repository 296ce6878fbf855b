"""Export formats, file names and memory-flat streaming."""

import csv
import io
import json
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers import exports
from papers.bibtex import parse_bibtex
from papers.export_rows import _read_ahead
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
        chunks = list(export_stream(paper_list(), "csv"))
    assert len(list(csv.reader(io.StringIO("".join(chunks))))) == total + 1
    selects = [q["sql"] for q in captured if "SELECT" in q["sql"]]
    if connection.vendor == "postgresql":
        # One statement whose rows carry their authors, labels and datasets,
        # fetched 10 rows at a time from one server-side cursor.
        assert len(selects) == 1
        assert "ARRAY(SELECT" in selects[0]
    else:
        # One query per chunk for papers, plus one per chunk for each of the
        # authorships, labels and datasets.
        chunk_count = -(-total // 10)
        assert chunk_count <= len(selects) <= 4 * chunk_count + 1


@pytest.mark.django_db
def test_an_export_left_half_read_leaves_the_connection_usable(survey, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    monkeypatch.setattr(exports, "TEXT_CHUNK", 1)
    stream = export_stream(paper_list(), "bibtex")
    first = next(stream)
    assert first.startswith("@")
    stream.close()  # the reader of the next rows stops; the cursor goes
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
    assert Paper.objects.published().count() > 5
    whole = "".join(export_stream(paper_list(), "bibtex"))
    assert whole.startswith(first)


class CountedRows:
    """Rows (0,), (1,), ... counting how many have been taken."""

    def __init__(self, total: int, fail_at: int | None = None) -> None:
        self.total, self.fail_at, self.taken = total, fail_at, 0

    def __iter__(self):
        for number in range(self.total):
            if number == self.fail_at:
                raise ConnectionError("server closed the connection")
            self.taken += 1
            yield (number,)


def test_the_read_ahead_holds_the_current_chunk_and_the_next_only():
    size = 50
    rows = CountedRows(10 * size + 7)
    consumed, most_ahead = [], 0
    for row in _read_ahead(iter(rows), size, connection):
        consumed.append(row)
        if len(consumed) % size == 1:
            time.sleep(0.02)  # time for the reader to run as far as it may
        most_ahead = max(most_ahead, rows.taken - len(consumed))
    assert consumed == [(number,) for number in range(10 * size + 7)]
    assert size < most_ahead < 2 * size  # it reads ahead, but one chunk at most
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]


def test_a_failed_read_ahead_raises_in_the_export_and_ends_its_reader():
    rows = CountedRows(500, fail_at=230)
    consumed = []
    with pytest.raises(ConnectionError, match="server closed"):
        for row in _read_ahead(iter(rows), 50, connection):
            consumed.append(row)
    assert consumed == [(number,) for number in range(200)]
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]


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
