"""Real bibtex, biber and pandoc runs over files written by papers.bibtex.

Each test skips when its program is missing, and fails instead under
ATLAS_REQUIRE_EXTERNAL=1.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from papers.bibtex import iter_bibtex
from papers.citation_formats import iter_csl_json
from tests.external import program_path
from tests.papers.test_bibtex import sample_records

# Valid BibTeX that biblatex's data model still flags: a custom field, a DBLP-style
# non-numeric volume and a misc entry without a date.
BIBER_DATAMODEL_EXCEPTIONS = {"keywords2021", "kingma2014", "nodate"}


def write_bib(path: Path, records, encoding: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for chunk in iter_bibtex(records, encoding=encoding):
            handle.write(chunk)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def squash(text: str) -> str:
    """Letters and digits only, case-folded: styles re-case and re-punctuate titles."""
    return "".join(char for char in text.casefold() if char.isalnum())


def test_sample_covers_the_awkward_cases():
    records = sample_records()
    assert len(records) >= 25
    assert {r.entry_type for r in records} >= {
        "article", "inproceedings", "incollection", "book", "booklet", "misc",
        "phdthesis", "mastersthesis", "techreport", "unpublished", "manual",
        "proceedings", "conference",
    }  # fmt: skip
    assert any(r.et_al for r in records)
    assert any(r.arxiv_id for r in records)
    assert any(a.is_corporate for r in records for a in r.authors)


def test_bibtex_plain_style_reads_every_entry_without_warnings(tmp_path):
    bibtex = program_path("bibtex")
    records = sample_records()
    write_bib(tmp_path / "refs.bib", records, "latex")
    (tmp_path / "refs.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n"
    )
    result = run([bibtex, "refs"], tmp_path)
    log = (tmp_path / "refs.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, result.stdout + log
    assert "Warning--" not in log
    assert "error message" not in log
    bbl = (tmp_path / "refs.bbl").read_text(encoding="utf-8", errors="replace")
    for record in records:
        assert f"\\bibitem{{{record.key}}}" in bbl


def test_biber_validates_the_unicode_output_against_its_data_model(tmp_path):
    biber = program_path("biber")
    records = [r for r in sample_records() if r.key not in BIBER_DATAMODEL_EXCEPTIONS]
    write_bib(tmp_path / "refs.bib", records, "unicode")
    result = run([biber, "--tool", "--validate-datamodel", "refs.bib"], tmp_path)
    output = result.stdout + result.stderr
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*.blg"))
    assert result.returncode == 0, output
    problems = [
        line for line in (output + logs).splitlines() if re.search(r"WARN|ERROR", line)
    ]
    assert problems == []
    written = (tmp_path / "refs_bibertool.bib").read_text(encoding="utf-8")
    for record in records:
        assert f"{{{record.key}," in written


def test_biber_flags_what_its_data_model_rejects(tmp_path):
    biber = program_path("biber")
    records = [r for r in sample_records() if r.key in BIBER_DATAMODEL_EXCEPTIONS]
    write_bib(tmp_path / "refs.bib", records, "unicode")
    result = run([biber, "--tool", "--validate-datamodel", "refs.bib"], tmp_path)
    assert result.stdout.count("WARN - Datamodel") == len(BIBER_DATAMODEL_EXCEPTIONS)


def render_with_pandoc(tmp_path: Path, bibliography: str) -> str:
    pandoc = program_path("pandoc")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\n# References\n")
    args = [pandoc, "doc.md", "--citeproc", "--bibliography", bibliography]
    result = run([*args, "-t", "plain", "--wrap=none"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[WARNING]" not in result.stderr
    return result.stdout


def assert_every_title_rendered(text: str, records) -> None:
    rendered = squash(text)
    missing = [r.key for r in records if squash(r.title) not in rendered]
    assert missing == []


def test_pandoc_citeproc_renders_every_bibtex_entry(tmp_path):
    records = sample_records()
    for encoding in ("latex", "unicode"):
        write_bib(tmp_path / f"{encoding}.bib", records, encoding)
        text = render_with_pandoc(tmp_path, f"{encoding}.bib")
        assert_every_title_rendered(text, records)
        assert "Łukasiewicz, Jan, Antonín Dvořák, and Paul Erdős" in text
        assert "https://karpathy.github.io/~ak/recipe_v2.html?a=1&b=2#top" in text


def test_pandoc_citeproc_renders_every_csl_json_item(tmp_path):
    records = sample_records()
    with (tmp_path / "refs.json").open("w", encoding="utf-8") as handle:
        handle.writelines(iter_csl_json(records))
    text = render_with_pandoc(tmp_path, "refs.json")
    assert_every_title_rendered(text, records)
    assert "World Health Organization" in text
    assert "Oord, Aäron van den" in text
