import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.models import Citation, Label, Paper
from taxonomy.models import Node


def counts():
    return [m.objects.count() for m in (Node, Paper, Citation, Label)]


@pytest.mark.django_db
def test_dump_and_load_round_trip_the_knowledge_base_byte_for_byte(survey, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("dump_kb", str(first))
    before = counts()
    call_command("load_kb", str(first), "--replace")
    assert counts() == before
    call_command("dump_kb", str(second))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.django_db
def test_load_refuses_to_overwrite_papers_without_replace(survey, tmp_path):
    dump = tmp_path / "kb.json"
    call_command("dump_kb", str(dump))
    with pytest.raises(CommandError, match="--replace"):
        call_command("load_kb", str(dump))


@pytest.mark.django_db
def test_a_broken_dump_changes_nothing(survey, tmp_path):
    dump = tmp_path / "kb.json"
    call_command("dump_kb", str(dump))
    dump.write_text(dump.read_text()[:-200], "utf-8")
    before = counts()
    with pytest.raises(Exception, match="(?i)json|deserializ|problem"):
        call_command("load_kb", str(dump), "--replace")
    assert counts() == before
