"""PostgreSQL's search document: one SQL function, kept by a trigger, and
computed ahead on a second connection by large imports."""

import threading

import pytest
from django.db import connection

from papers import selectors
from papers.models import Paper
from papers.services import bibtex_import as importing
from papers.services.bibtex_import import search_documents, search_index

pytestmark = pytest.mark.usefixtures("postgres_only")


def entries(count: int) -> str:
    return "\n".join(
        f'@article{{ahead{i},\n  author = {{Nakamura, Aiko and M{{\\"u}}ller, Jo}},\n'
        f"  title = {{Gated fusion of radar and lidar number {i}}},\n"
        f"  journal = {{Sensor Letters}},\n  year = {{{2000 + i % 20}}},\n"
        f"  abstract = {{Radar returns and point clouds, aligned in case {i}.}},\n}}"
        for i in range(count)
    )


def stale_documents() -> int:
    """Papers whose stored document is not the function's value of their texts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM papers_paper WHERE search_document IS DISTINCT"
            " FROM papers_search_document(title, abstract, authors_text)"
        )
        return cursor.fetchone()[0]


def search(text: str) -> set[str]:
    found = selectors.paper_search(Paper.objects.all(), text)
    return set(found.values_list("citation_key", flat=True))


def test_an_orm_insert_and_an_update_of_the_texts_keep_the_document(survey):
    paper = Paper.objects.create(citation_key="kept2026", title="Sonar captioning")
    assert search("sonar") == {"kept2026"}
    paper.title = "Thermal captioning"
    paper.save()
    Paper.objects.filter(pk=paper.pk).update(abstract="Infrared frames.")
    assert search("sonar") == set()
    assert search("thermal infrared") == {"kept2026"}
    assert stale_documents() == 0


@pytest.fixture
def ahead(monkeypatch):
    """Documents computed ahead from three entries on, two per chunk, and a
    record of the threads that computed them."""
    monkeypatch.setattr(importing, "DOCUMENTS_AHEAD_FROM", 3)
    monkeypatch.setattr(search_documents, "CHUNK", 2)
    started = []
    original = search_documents.SearchDocuments._compute

    def compute(self):
        started.append(threading.current_thread().name)
        original(self)

    monkeypatch.setattr(search_documents.SearchDocuments, "_compute", compute)
    return started


def test_a_large_import_brings_the_documents_computed_ahead(ahead):
    report = importing.bibtex_import(data=entries(7), actor=None)
    assert report.written and report.counts["created"] == 7
    assert ahead == ["search-documents"]
    assert stale_documents() == 0
    assert search("lidar") == {f"ahead{i}" for i in range(7)}
    assert search('"number 5"') == {"ahead5"}
    assert not [t for t in threading.enumerate() if t.name == "search-documents"]


def test_a_dry_run_or_a_file_with_problems_computes_nothing_ahead(ahead):
    assert not importing.bibtex_import(
        data=entries(7), actor=None, dry_run=True
    ).written
    broken = entries(7) + "\n@article{broken, title = {x}"
    assert not importing.bibtex_import(data=broken, actor=None).written
    assert ahead == []


def test_when_the_second_connection_fails_the_trigger_computes_them(ahead, monkeypatch):
    monkeypatch.setattr(search_documents, "_SQL", "SELECT no_such_function()")
    report = importing.bibtex_import(data=entries(5), actor=None)
    assert report.written and ahead == ["search-documents"]
    assert stale_documents() == 0
    assert search("radar") == {f"ahead{i}" for i in range(5)}


def test_a_paper_listing_an_author_twice_brings_its_document_too(ahead):
    """The import keeps a repeated name once; the document computed ahead is the
    one of the names kept, so the trigger (off here) has nothing left to do."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE papers_paper DISABLE TRIGGER papers_paper_search_document"
        )
    twice = entries(5).replace(
        "Nakamura, Aiko and", "Nakamura, Aiko and Nakamura, Aiko and"
    )
    report = importing.bibtex_import(data=twice, actor=None)
    assert report.written and report.counts["created"] == 5
    assert "listed more than once" in report.entries[0].message
    assert (
        Paper.objects.get(citation_key="ahead0").authors_text
        == "Aiko Nakamura; Jo Müller"
    )
    assert stale_documents() == 0
    assert search("nakamura lidar") == {f"ahead{i}" for i in range(5)}


def pending_entries() -> int | None:
    """Entries waiting in the search index's pending list (None without the
    pgstattuple extension, which reads them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pgstattuple'"
        )
        if cursor.fetchone() is None:
            return None
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute(
            "SELECT pending_tuples FROM pgstatginindex(%s::regclass)",
            [search_index.INDEX],
        )
        return cursor.fetchone()[0]


def limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('gin_pending_list_limit')")
        return cursor.fetchone()[0]


def test_a_large_import_leaves_the_search_index_merged(ahead, monkeypatch):
    """The papers' entries wait in the pending list while they go in (the
    import's connection does not stop to merge them), and a second connection
    has merged them by the time the import returns."""
    if pending_entries() is None:
        pytest.skip("PostgreSQL's pgstattuple extension is not installed")
    seen = {}
    original = search_index.MergedAside.papers_written

    def papers_written(self):
        seen["pending"], seen["limit"] = pending_entries(), limit()
        original(self)

    monkeypatch.setattr(search_index.MergedAside, "papers_written", papers_written)
    monkeypatch.setattr(search_index, "LIMIT_KB", 64)  # kB; the default is 4 MB
    before = limit()
    report = importing.bibtex_import(data=entries(7), actor=None)
    assert report.written
    assert seen == {"pending": 7, "limit": "64kB"}
    assert pending_entries() == 0 and limit() == before
    assert search("lidar") == {f"ahead{i}" for i in range(7)}


def test_when_the_merge_fails_the_import_is_written_all_the_same(
    ahead, monkeypatch, caplog
):
    monkeypatch.setattr(search_index, "_MERGE", "SELECT no_such_function(%s)")
    report = importing.bibtex_import(data=entries(5), actor=None)
    assert report.written and report.counts["created"] == 5
    assert "search index not merged" in caplog.text
    assert search("lidar") == {f"ahead{i}" for i in range(5)}
    assert not [t for t in threading.enumerate() if t.name == "search-index-merge"]


def test_without_the_index_the_import_merges_nothing(ahead, monkeypatch, caplog):
    monkeypatch.setattr(search_index, "INDEX", "papers_no_such_index")
    report = importing.bibtex_import(data=entries(5), actor=None)
    assert report.written and report.counts["created"] == 5
    assert "search index not merged" not in caplog.text


def test_a_small_import_merges_as_any_insert_does(monkeypatch):
    calls = []
    monkeypatch.setattr(search_index.MergedAside, "__enter__", calls.append)
    report = importing.bibtex_import(data=entries(2), actor=None)
    assert report.written and calls == []


def test_a_database_user_who_may_not_merge_the_index_leaves_the_limit_alone(
    ahead, monkeypatch
):
    """Only the index's owner may merge it: another user's import keeps the
    limit, so its own connection merges as it goes, and is written all the same."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE atlas_import_only NOLOGIN")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public"
            " TO atlas_import_only"
        )
        cursor.execute(
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO atlas_import_only"
        )
        cursor.execute("SET LOCAL ROLE atlas_import_only")
    seen = []
    original = search_index.MergedAside.papers_written

    def papers_written(self):
        seen.append(limit())
        original(self)

    monkeypatch.setattr(search_index.MergedAside, "papers_written", papers_written)
    before = limit()
    report = importing.bibtex_import(data=entries(5), actor=None)
    assert report.written and report.counts["created"] == 5
    assert seen == [before] and limit() == before
    assert search("lidar") == {f"ahead{i}" for i in range(5)}
