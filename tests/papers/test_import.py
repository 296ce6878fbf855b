"""The BibTeX import service and the import_bibtex / export_bibtex commands."""

import gc
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from history.models import Action, Change
from papers.bibtex import parse_bibtex
from papers.models import (
    Author,
    Authorship,
    CitationKeyAlias,
    Label,
    LabelSource,
    Paper,
    Status,
    Venue,
    VenueKind,
)
from papers.services.bibtex_import import (
    OUTCOMES,
    bibtex_import,
    collector_paused,
    lookup,
)
from papers.services.papers import paper_update

pytestmark = pytest.mark.django_db

NEW_PAPER = """@inproceedings{doe2024fusion,
  author = {Doe, Jane and M{\\"u}ller, J{\\"o}rg and Wu, Jie},
  title = {Late {Fusion} for {VQA}},
  booktitle = {Workshop on Multimodal Things},
  year = {2024},
  month = mar,
  doi = {https://doi.org/10.5555/Fusion.2024},
  keywords = {modality:image, fusion},
  note = {Kept in extra},
}
"""


def one(report, key):
    return next(entry for entry in report.entries if entry.key == key)


def test_a_new_entry_is_created_published_with_its_authors_venue_and_extra():
    authors_before = Author.objects.count()
    report = bibtex_import(data=NEW_PAPER, actor=None)
    assert report.ok and report.written
    assert one(report, "doe2024fusion").outcome == "created"
    paper = Paper.objects.get(citation_key="doe2024fusion")
    assert paper.status == Status.PUBLISHED
    assert paper.title == "Late Fusion for VQA"
    assert paper.title_protected == "Late {Fusion} for {VQA}"
    assert paper.doi == "10.5555/fusion.2024" and paper.month == 3
    # modality:image became a label (below); the other keyword stays.
    assert paper.extra == {"keywords": "fusion", "note": "Kept in extra"}
    assert paper.venue.name == "Workshop on Multimodal Things"
    assert paper.venue.kind == VenueKind.CONFERENCE
    names = [a.author.display_name for a in paper.authorships.order_by("position")]
    assert names == ["Jane Doe", "Jörg Müller", "Jie Wu"]
    assert paper.authors_text == "Jane Doe; Jörg Müller; Jie Wu"
    # Jie Wu is an author of the survey already: matched, not created again.
    assert Author.objects.count() == authors_before + 2
    assert Author.objects.filter(given="Jie", family="Wu").count() == 1


def test_keywords_naming_taxonomy_nodes_become_labels_from_the_import():
    bibtex_import(data=NEW_PAPER, actor=None)
    labels = Label.objects.filter(paper__citation_key="doe2024fusion")
    assert [(x.node.kind, x.node.slug) for x in labels] == [("modality", "image")]
    assert labels[0].source == LabelSource.IMPORT


def test_a_relabelled_paper_exports_no_stale_keyword_of_its_old_label():
    bibtex_import(data=NEW_PAPER, actor=None)
    paper = Paper.objects.get(citation_key="doe2024fusion")
    paper_update(
        actor=None,
        paper=paper,
        expected_version=paper.version,
        data={"labels": ["modality:video"]},
    )
    entry = export("--key", "doe2024fusion")
    assert "modality:image" not in entry and "keywords = {fusion}" in entry


def test_a_keyword_written_as_a_node_that_is_none_is_kept_and_reported():
    entry = """@article{typo2024, title = {Typo}, author = {Roe, Ann}, year = 2024,
      keywords = {application:no-such-node; modality:image; vision}}"""
    report = bibtex_import(data=entry, actor=None)
    outcome = one(report, "typo2024")
    assert outcome.outcome == "created"
    assert "'application:no-such-node' names no taxonomy node" in outcome.message
    paper = Paper.objects.get(citation_key="typo2024")
    assert paper.extra["keywords"] == "application:no-such-node; vision"
    assert list(paper.labels.values_list("node__slug", flat=True)) == ["image"]


def test_every_write_is_in_the_change_log_as_an_import():
    bibtex_import(data=NEW_PAPER, actor=None)
    imports = Change.objects.filter(action=Action.IMPORT)
    assert imports.filter(target_type="papers.paper").count() == 1
    assert imports.filter(target_type="papers.author").count() == 2
    assert imports.filter(target_type="papers.venue").count() == 1
    change = imports.get(target_type="papers.paper")
    assert change.changes["citation_key"] == [None, "doe2024fusion"]


def test_the_same_doi_is_a_duplicate_of_the_paper_in_the_database():
    entry = "@article{again, title={Other}, year={2017}, doi={10.1049/EL.2017.3159}}"
    before = Paper.objects.count()
    report = bibtex_import(data=entry, actor=None)
    outcome = one(report, "again")
    assert (outcome.outcome, outcome.paper_key) == ("duplicate", "wu2017cascade")
    assert "matched by DOI" in outcome.message
    assert Paper.objects.count() == before


def test_an_arxiv_entry_of_a_published_paper_adds_its_arxiv_id():
    paper = Paper.objects.get(citation_key="wu2017cascade")
    assert paper.arxiv_id is None
    entry = """@article{wu2017arxiv,
      title = {Cascade Recurrent Neural Network for Image Caption Generation},
      author = {Wu, Jie and Hu, Haifeng},
      journal = {arXiv preprint arXiv:1712.00001v2}, year = {2017}}"""
    report = bibtex_import(data=entry, actor=None)
    outcome = one(report, "wu2017arxiv")
    assert (outcome.outcome, outcome.paper_key) == ("updated", "wu2017cascade")
    assert "arXiv id 1712.00001 added" in outcome.message
    paper.refresh_from_db()
    assert paper.arxiv_id == "1712.00001"
    assert paper.version == 2
    assert not Paper.objects.filter(citation_key="wu2017arxiv").exists()
    change = Change.objects.for_object(paper).get(action=Action.IMPORT)
    assert change.changes == {"arxiv_id": [None, "1712.00001"]}


def test_a_published_version_adds_its_doi_to_an_arxiv_only_paper():
    preprint = """@article{lee2020probe, title = {Probing Modalities},
      author = {Lee, Ann}, journal = {arXiv preprint arXiv:2004.01234},
      year = {2020}}"""
    assert one(bibtex_import(data=preprint, actor=None), "lee2020probe").outcome == (
        "created"
    )
    published = """@inproceedings{lee2021probe, title = {Probing modalities.},
      author = {Ann Lee}, booktitle = {Proceedings of Things}, year = {2021},
      doi = {10.5555/probe}}"""
    report = bibtex_import(data=published, actor=None)
    outcome = one(report, "lee2021probe")
    assert (outcome.outcome, outcome.paper_key) == ("updated", "lee2020probe")
    assert "preprint and published version" in outcome.message
    paper = Paper.objects.get(citation_key="lee2020probe")
    assert (paper.doi, paper.arxiv_id) == ("10.5555/probe", "2004.01234")
    assert Paper.objects.filter(title__iexact="probing modalities").count() == 1


def test_a_paper_saved_with_accents_is_found_by_an_entry_written_in_latex():
    paper = Paper.objects.create(
        citation_key="ruiz2022fusion", title="Fusión of Modalities", year=2022
    )
    author = Author.objects.create(given="Ana", family="Ruíz")
    Authorship.objects.create(paper=paper, author=author, position=0)
    entry = """@article{ruiz2022b, title = {{F}usi{\\'o}n of modalities},
      author = {Ru{\\'\\i}z, Ana}, year = {2022}, doi = {10.5555/Fusion}}"""
    outcome = one(bibtex_import(data=entry, actor=None), "ruiz2022b")
    assert (outcome.outcome, outcome.paper_key) == ("updated", "ruiz2022fusion")
    paper.refresh_from_db()
    assert paper.doi == "10.5555/fusion"
    assert Paper.objects.filter(normalised_title="fusion of modalities").count() == 1


def test_of_two_known_papers_with_the_same_title_key_the_older_is_matched():
    author = Author.objects.create(given="Ana", family="Ruiz")
    for key in ("ruiz2022first", "ruiz2022second"):
        paper = Paper.objects.create(citation_key=key, title="Sonar Fusion", year=2022)
        Authorship.objects.create(paper=paper, author=author, position=0)
    entry = """@article{ruiz2022c, title = {Sonar fusion}, author = {Ruiz, Ana},
      year = {2022}, doi = {10.5555/sonar}}"""
    outcome = one(bibtex_import(data=entry, actor=None), "ruiz2022c")
    assert (outcome.outcome, outcome.paper_key) == ("updated", "ruiz2022first")


PREPRINT = """@article{kim2019a, title={Shared Attention}, author={Kim, Bo},
  journal={arXiv preprint arXiv:1901.00002}, year={2019}}"""
PUBLISHED = """@article{kim2020b, title={Shared attention}, author={Bo Kim},
  journal={Journal of Attention}, year={2020}, doi={10.5555/shared}}"""


@pytest.mark.parametrize(
    ("entries", "outcomes", "key"),
    [
        ((PREPRINT, PUBLISHED), ["duplicate", "created"], "kim2019a"),
        ((PUBLISHED, PREPRINT), ["created", "duplicate"], "kim2020b"),
    ],
    ids=["preprint-first", "published-first"],
)
def test_a_preprint_and_its_published_version_in_one_file_are_one_paper(
    entries, outcomes, key
):
    report = bibtex_import(data="\n".join(entries), actor=None)
    # The published version gives the paper's fields, whichever comes first;
    # the key is the first entry's.
    assert [e.outcome for e in report.entries] == outcomes
    assert {e.paper_key for e in report.entries} == {key}
    paper = Paper.objects.get(normalised_title="shared attention")
    assert paper.citation_key == key
    assert (paper.arxiv_id, paper.doi) == ("1901.00002", "10.5555/shared")
    assert (paper.venue.name, paper.year) == ("Journal of Attention", 2020)


def test_a_preprint_and_its_published_version_of_the_same_year_are_one_paper():
    text = """@article{radford2021pre, title={Learning Transferable Visual Models},
      author={Radford, Alec and Kim, Jong Wook},
      journal={arXiv preprint arXiv:2103.00020}, year={2021}}
    @inproceedings{radford2021learning, title={Learning transferable visual models},
      author={Radford, Alec and Kim, Jong Wook}, booktitle={ICML},
      pages={8748--8763}, year={2021}}"""
    report = bibtex_import(data=text, actor=None)
    assert [e.outcome for e in report.entries] == ["duplicate", "created"]
    paper = Paper.objects.get(citation_key="radford2021pre")
    assert (paper.venue.name, paper.pages, paper.arxiv_id) == (
        "ICML",
        "8748--8763",
        "2103.00020",
    )


def test_a_doi_repeated_in_the_file_is_a_duplicate_of_the_first_entry():
    text = """@misc{first, title={One}, year={2022}, doi={10.5555/same}}
    @misc{second, title={Two}, year={2022}, doi={10.5555/SAME}}"""
    report = bibtex_import(data=text, actor=None)
    assert [(e.key, e.outcome) for e in report.entries] == [
        ("first", "created"),
        ("second", "duplicate"),
    ]
    assert one(report, "second").paper_key == "first"


def test_a_key_taken_by_another_work_gets_a_suffix_and_says_so():
    text = "@misc{wu2017cascade, title={A Different Paper}, year={2023}}"
    report = bibtex_import(data=text, actor=None)
    outcome = one(report, "wu2017cascade")
    assert (outcome.outcome, outcome.paper_key) == ("created", "wu2017cascadeb")
    assert "taken by another work" in outcome.message
    assert Paper.objects.get(citation_key="wu2017cascadeb").title == "A Different Paper"


def test_a_former_key_is_taken_too_and_keys_compare_without_case():
    CitationKeyAlias.objects.create(
        key="oldname2015", paper=Paper.objects.get(citation_key="wu2017cascade")
    )
    text = """@misc{OldName2015, title={Fresh}, year={2015}}
    @misc{WU2017CASCADE, title={Fresher}, year={2016}}"""
    report = bibtex_import(data=text, actor=None)
    assert [e.paper_key for e in report.entries] == ["OldName2015b", "WU2017CASCADEb"]


def test_many_keys_are_looked_up_at_once_ignoring_case_beyond_ascii_too(
    monkeypatch,
):
    monkeypatch.setattr(lookup, "BATCH", 2)  # the path of large files
    Paper.objects.create(citation_key="Müller2020", title="Taken one")
    Paper.objects.create(citation_key="ÇELIK2021", title="Taken two")
    # Python lower-cases İ to i and a combining dot; PostgreSQL to a plain i.
    Paper.objects.create(citation_key="İzmir2022", title="Taken three")
    CitationKeyAlias.objects.create(
        key="former2019", paper=Paper.objects.get(citation_key="wu2017cascade")
    )
    keys = ["müller2020", "çelik2021", "FORMER2019", "WU2017cascade", "free2022"]
    keys.append("İzmir2022".lower())
    text = "\n".join(
        f"@misc{{{key}, title={{Entry {i}}}, year={{2022}}}}"
        for i, key in enumerate(keys)
    )
    report = bibtex_import(data=text, actor=None)
    assert [e.paper_key for e in report.entries] == [
        "müller2020b", "çelik2021b", "FORMER2019b", "WU2017cascadeb", "free2022",
        "İzmir2022".lower() + "b",
    ]  # fmt: skip


def test_a_key_with_characters_a_link_cannot_hold_is_cleaned():
    text = "@article{DBLP:journals/corr/abs-1234, title={Keyed}, year={2019}}"
    outcome = bibtex_import(data=text, actor=None).entries[0]
    assert outcome.paper_key == "DBLP:journals-corr-abs-1234"
    assert "imported as" in outcome.message


def test_a_problem_anywhere_writes_nothing_and_reports_every_entry():
    text = NEW_PAPER + "\n@misc{broken, title={No year}, year={soon}}\n"
    before = (Paper.objects.count(), Author.objects.count(), Venue.objects.count())
    report = bibtex_import(data=text, actor=None)
    assert not report.ok and not report.written
    assert [e.outcome for e in report.entries] == ["created", "error"]
    assert "entry 'broken' at line 12: year 'soon'" in one(report, "broken").message
    after = (Paper.objects.count(), Author.objects.count(), Venue.objects.count())
    assert after == before


def test_a_value_the_database_cannot_hold_is_an_entry_error():
    text = "@misc{longpages, title={Long}, year={2020}, pages={" + "1" * 60 + "}}"
    report = bibtex_import(data=text, actor=None)
    outcome = one(report, "longpages")
    assert outcome.outcome == "error" and "pages" in outcome.message
    assert report.problems[0].line == 1
    assert not Paper.objects.filter(citation_key="longpages").exists()


def test_a_dry_run_reports_everything_and_writes_nothing():
    before = (Paper.objects.count(), Change.objects.count())
    preview = bibtex_import(data=NEW_PAPER, actor=None, dry_run=True)
    assert preview.ok and not preview.written
    assert (Paper.objects.count(), Change.objects.count()) == before
    assert bibtex_import(data=NEW_PAPER, actor=None).entries == preview.entries


def test_counts_cover_every_outcome():
    report = bibtex_import(data=NEW_PAPER, actor=None, dry_run=True)
    assert report.counts == dict.fromkeys(OUTCOMES, 0) | {"created": 1}


def test_the_upload_size_is_bounded(settings):
    settings.BIBTEX_MAX_UPLOAD_BYTES = 100
    report = bibtex_import(data=NEW_PAPER, actor=None)
    assert not report.ok and "the limit is 0.0 MB" in report.problems[0].message
    assert bibtex_import(data=NEW_PAPER, actor=None, max_bytes=10_000).ok


def test_progress_is_reported_by_stage():
    seen = []
    bibtex_import(data=NEW_PAPER, actor=None, progress=lambda *args: seen.append(args))
    assert [stage for stage, _, _ in seen] == ["parsed", "matched", "written"]
    assert seen[-1] == ("written", 1, 1)


def test_the_command_prints_outcomes_and_a_summary(tmp_path):
    path = tmp_path / "in.bib"
    path.write_text(NEW_PAPER + "@misc{x2, title={Two}, doi={10.5555/fusion.2024}}")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bibtex", str(path), "--dry-run", stdout=out, stderr=err)
    assert "duplicate: x2 (line 11) -> doe2024fusion" in out.getvalue()
    assert "1 created, 0 updated, 1 duplicate, 0 skipped, 0 error" in out.getvalue()
    assert "dry run, nothing written" in out.getvalue()
    assert not Paper.objects.filter(citation_key="doe2024fusion").exists()
    call_command("import_bibtex", str(path), stdout=out, stderr=err)
    assert Paper.objects.filter(citation_key="doe2024fusion").exists()


def test_the_command_fails_with_the_messages_when_there_are_problems(tmp_path):
    path = tmp_path / "bad.bib"
    path.write_bytes(b"@misc{k, title={Caf\xe9}}")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_bibtex", str(path), stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert "nothing was written" in str(raised.value)
    assert "not UTF-8 (byte 0xe9" in err.getvalue()


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_bibtex", *args, stdout=out)
    return out.getvalue()


def test_export_command_writes_a_filtered_set_or_one_paper():
    everything = parse_bibtex(export()).records
    assert len(everything) == Paper.objects.published().count()
    images = parse_bibtex(export("--modality", "image", "--year-min", "2019")).records
    expected = Paper.objects.published().filter(
        labels__node__slug="image", year__gte=2019
    )
    assert {r.key for r in images} == set(
        expected.values_list("citation_key", flat=True)
    )
    assert 0 < len(images) < len(everything)
    (single,) = parse_bibtex(export("--key", "wu2017cascade")).records
    assert single.doi == "10.1049/el.2017.3159"


def test_export_command_resolves_former_keys_and_refuses_unknown_ones(survey):
    paper = Paper.objects.get(citation_key="wu2017cascade")
    CitationKeyAlias.objects.create(key="wu2017old", paper=paper)
    err = io.StringIO()
    out = io.StringIO()
    call_command("export_bibtex", "--key", "wu2017old", stdout=out, stderr=err)
    assert [r.key for r in parse_bibtex(out.getvalue()).records] == ["wu2017cascade"]
    assert "'wu2017old' is a former key of 'wu2017cascade'" in err.getvalue()
    with pytest.raises(CommandError, match="No published paper has the key 'nope'"):
        export("--key", "wu2017cascade", "--key", "nope")


def test_export_command_encodings_and_bad_filters():
    assert export("--encoding", "latex").isascii()
    unicode_text = export("--encoding", "unicode")
    assert not unicode_text.isascii()
    with pytest.raises(CommandError, match="modality"):
        export("--modality", "no-such-modality")


def test_an_author_listed_twice_is_linked_once_and_the_entry_says_so():
    text = "@misc{twice, title={Twice}, year={2020}, author={Wang, Wei and Wang, Wei}}"
    outcome = one(bibtex_import(data=text, actor=None), "twice")
    assert outcome.outcome == "created"
    assert "author Wei Wang listed more than once; kept once" in outcome.message
    paper = Paper.objects.get(citation_key="twice")
    assert paper.authorships.count() == 1 and paper.authors_text == "Wei Wang"


def test_same_titles_with_different_dois_are_different_works():
    text = """@article{a1, title={Editorial}, author={Ed, Itor}, year={2020},
      doi={10.5555/ed.1}}
    @article{a2, title={Editorial}, author={Ed, Itor}, year={2020},
      doi={10.5555/ed.2}}
    @article{a3, title={Editorial}, author={Ed, Itor}, year={2020},
      doi={10.48550/arXiv.2001.00001}}"""
    report = bibtex_import(data=text, actor=None)
    assert [e.outcome for e in report.entries] == ["created", "created", "duplicate"]
    assert one(report, "a3").paper_key == "a1"


def test_authorless_entries_are_not_matched_by_title_alone():
    text = """@article{ed1, title={Editorial}, journal={Journal A}, year=2020}
    @article{ed2, title={Editorial}, journal={Journal B}, year=2020}"""
    report = bibtex_import(data=text, actor=None)
    assert [e.outcome for e in report.entries] == ["created", "created"]
    again = bibtex_import(data=text.replace("ed1", "ed3").split("\n")[0], actor=None)
    assert one(again, "ed3").outcome == "created", "nor against the database"


def generated(count: int, start: int = 0) -> str:
    """count new entries with their own DOIs, shared authors and two venues."""
    return "\n".join(
        f"@article{{gen{i:05d}, title={{Generated study number {i}}}, year={{2020}},"
        f" author={{Author, Ann and Writer, W{i % 7}}}, journal={{Venue {i % 2}}},"
        f" doi={{10.5555/gen.{i}}}}}"
        for i in range(start, start + count)
    )


def test_lookups_do_not_grow_with_the_number_of_entries():
    def queries(text: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert bibtex_import(data=text, actor=None).written
        return [query["sql"] for query in captured]

    few, many = queries(generated(20)), queries(generated(400, start=100))
    # Lookups; on PostgreSQL the writes draw ids with SELECT nextval(...) and
    # read the column types (pg_attribute) per table written: those are writes.
    writing = ("nextval(", "FROM pg_attribute")
    selects = [
        [
            q
            for q in run
            if q.startswith("SELECT") and not any(part in q for part in writing)
        ]
        for run in (few, many)
    ]
    assert len(selects[0]) == len(selects[1])
    # Writes are bulk too: a few INSERTs (or COPYs, not captured) per batch of
    # rows (SQLite's batches are smaller, bounded by its limit on query
    # parameters).
    assert len(many) < 400 / 5


def test_the_command_shows_progress_for_a_large_file(tmp_path):
    path = tmp_path / "large.bib"
    path.write_text(generated(2500))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bibtex", str(path), stdout=out, stderr=err)
    progress = err.getvalue()
    assert "parsed: 2,500/2,500 entries" in progress
    assert "matched: 2,500/2,500 entries" in progress
    assert "written: 1,000/2,500 entries" in progress
    assert "written: 2,500/2,500 entries" in progress
    assert "2500 entries" in out.getvalue() and "2500 created" in out.getvalue()


def test_a_conflict_met_only_when_writing_writes_nothing_and_says_so(monkeypatch):
    # Another writer took the DOI between the lookups and the write: the
    # lookups see nothing, the database's unique constraint stops the write.
    monkeypatch.setattr(
        "papers.services.bibtex_import.database_works", lambda records: []
    )
    taken = Paper.objects.exclude(doi=None).first().doi
    text = (
        NEW_PAPER + f"@article{{late1, title={{Late}}, year={{2021}}, doi={{{taken}}}}}"
    )
    before = (Paper.objects.count(), Author.objects.count(), Change.objects.count())
    report = bibtex_import(data=text, actor=None)
    assert not report.written
    assert "the database changed during the import" in report.problems[-1].message
    after = (Paper.objects.count(), Author.objects.count(), Change.objects.count())
    assert after == before


def test_a_value_the_database_refuses_writes_nothing_and_says_so(monkeypatch):
    """Another error from the database at the write is not called a concurrent
    change: the report gives the database's own words."""

    first = Paper.objects.order_by("pk").first()

    def refused(*args, **kwargs):
        Paper.objects.filter(pk=first.pk).update(title="half done")
        raise DataError("value out of range for type smallint")

    monkeypatch.setattr("papers.services.bibtex_import.write_plan", refused)
    before = (Paper.objects.count(), Author.objects.count(), Change.objects.count())
    report = bibtex_import(data=NEW_PAPER, actor=None)
    assert not report.written
    assert report.problems[-1].message == (
        "the database refused the import, nothing was written: "
        "value out of range for type smallint"
    )
    after = (Paper.objects.count(), Author.objects.count(), Change.objects.count())
    assert after == before
    assert Paper.objects.get(pk=first.pk).title == first.title


def test_a_row_removed_under_the_import_stops_it_at_the_foreign_key_check(
    postgres_only,
):
    """On PostgreSQL the import checks its deferred foreign keys itself once
    every row is in: a venue deleted meanwhile (here by the progress
    callback, as another writer would) stops it, and nothing stays."""

    def venue_deleted(stage, done, total):
        if stage == "written":
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM papers_venue WHERE name = %s",
                    ["Workshop on Multimodal Things"],
                )

    before = (Paper.objects.count(), Venue.objects.count(), Change.objects.count())
    report = bibtex_import(data=NEW_PAPER, actor=None, progress=venue_deleted)
    assert not report.written
    message = report.problems[-1].message
    assert message.startswith("the database changed during the import")
    assert "papers_venue" in message
    after = (Paper.objects.count(), Venue.objects.count(), Change.objects.count())
    assert after == before


def test_the_cyclic_collector_rests_while_an_import_runs_and_resumes_after():
    enabled = []

    def progress(stage, done, total):
        enabled.append(gc.isenabled())

    report = bibtex_import(data=NEW_PAPER, actor=None, progress=progress)
    assert report.written and enabled and not any(enabled)
    assert gc.isenabled()

    def failing(stage, done, total):
        raise RuntimeError("the terminal went away")

    with pytest.raises(RuntimeError):
        bibtex_import(data=NEW_PAPER, actor=None, dry_run=True, progress=failing)
    assert gc.isenabled()

    gc.disable()  # a caller that keeps it off finds it off afterwards
    try:
        bibtex_import(data=NEW_PAPER, actor=None, dry_run=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_imports_resume_the_collector_when_the_last_one_ends():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_migration_takes_label_keywords_out_of_papers_imported_before():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("papers.migrations.0019_label_keywords_out_of_extra")
    bibtex_import(data=NEW_PAPER, actor=None)
    imported = Paper.objects.filter(citation_key="doe2024fusion")
    imported.update(extra={"keywords": "modality:image, fusion", "note": "n"})
    # vinyals2015show has the modality:image label, not modality:audio: that
    # keyword stays, as does one naming no node.
    other = Paper.objects.filter(citation_key="vinyals2015show")
    assert other.get().labels.filter(node__slug="image").exists()
    assert not other.get().labels.filter(node__slug="audio").exists()
    other.update(extra={"keywords": "modality:image; modality:audio; x:y"})
    migration.drop_label_keywords(apps, None)
    assert imported.get().extra == {"keywords": "fusion", "note": "n"}
    assert other.get().extra == {"keywords": "modality:audio; x:y"}


def test_a_long_author_list_is_kept_whole_and_the_same_list_can_be_sent_back():
    from papers.models import MAX_AUTHORS

    names = " and ".join(f"Member{i}, Ann" for i in range(600))
    entry = f"@article{{big2024, title = {{Big}}, year = 2024, author = {{{names}}}}}"
    assert one(bibtex_import(data=entry, actor=None), "big2024").outcome == "created"
    paper = Paper.objects.get(citation_key="big2024")
    assert paper.authorships.count() == 600
    back = [a.author.display_name for a in paper.authorships.order_by("position")]
    paper_update(
        actor=None, paper=paper, expected_version=paper.version, data={"authors": back}
    )
    assert paper.authorships.count() == 600
    too_many = " and ".join(f"Member{i}, Ann" for i in range(MAX_AUTHORS + 1))
    entry = f"@article{{huge2024, title = {{Huge}}, author = {{{too_many}}}}}"
    report = bibtex_import(data=entry, actor=None, dry_run=True)
    assert f"no more than {MAX_AUTHORS} are kept" in one(report, "huge2024").message
