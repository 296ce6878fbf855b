"""The import service over the malformed and tricky files of fixtures/bibtex/.

A file with a problem gives a message naming the entry and line, and leaves
every table exactly as it was (row counts of every model and a checksum of the
paper rows); a good file imports every entry.
"""

import hashlib
import re

import pytest
from django.apps import apps

from papers.models import Paper
from papers.services.bibtex_import import bibtex_import
from tests.papers.test_bibtex import FIXTURES, corpus_table

PROBLEM_FILES = [row for row in corpus_table() if row[1].startswith("problem")]
OK_FILES = [row for row in corpus_table() if row[1].startswith("ok")]


def database_state() -> tuple[dict[str, int], str]:
    """Rows per model, and a checksum over every field of every paper."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"papers", "taxonomy", "history", "auth"}
    }
    digest = hashlib.sha256()
    for row in Paper.objects.order_by("pk").values_list():
        digest.update(repr(row).encode())
    return counts, digest.hexdigest()


def test_the_corpus_has_at_least_25_malformed_files():
    assert len(PROBLEM_FILES) >= 20
    assert len(PROBLEM_FILES) + len(OK_FILES) >= 25


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), PROBLEM_FILES)
def test_a_bad_file_is_reported_with_key_and_line_and_writes_nothing(name, expected):
    line, text = re.match(r"problem at line (\d+|-): (.+)", expected).groups()
    before = database_state()
    report = bibtex_import(data=(FIXTURES / name).read_bytes(), actor=None)
    assert database_state() == before
    assert not report.ok and not report.written
    matching = [p for p in report.problems if text in p.message]
    assert matching, report.problems
    assert matching[0].line == (None if line == "-" else int(line))
    if matching[0].key is not None:
        errors = [e for e in report.entries if e.outcome == "error"]
        assert any(e.key == matching[0].key and text in e.message for e in errors)
        assert f"'{matching[0].key}'" in matching[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), OK_FILES)
def test_a_good_file_imports_every_entry(name, expected):
    count = int(re.match(r"ok: (\d+) records", expected).group(1))
    data = (FIXTURES / name).read_bytes()
    before = database_state()
    preview = bibtex_import(data=data, actor=None, dry_run=True)
    assert database_state() == before
    report = bibtex_import(data=data, actor=None)
    assert report.ok and report.written, report.problems
    assert report.entries == preview.entries
    assert len(report.entries) == count
    counts = report.counts
    assert counts["error"] == 0
    # Some entries are papers of the survey already (e.g. WaveNet): duplicates.
    assert counts["created"] + counts["duplicate"] + counts["skipped"] == count
    new_papers = Paper.objects.count() - before[0]["papers.Paper"]
    assert new_papers == counts["created"]
