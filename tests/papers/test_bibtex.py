"""Tests for papers.bibtex: parse rules, the malformed corpus, writing, round trip."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from papers.bibtex import (
    BibRecord,
    PersonName,
    format_entry,
    iter_bibtex,
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
    parse_bibtex,
    parse_names,
)
from papers.bibtex import names as names_module

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bibtex"


def names(value: str) -> tuple[PersonName, ...]:
    return parse_names(value)[0]


def sample_records() -> list[BibRecord]:
    """Varied records covering every entry type and the awkward cases."""
    r = BibRecord
    return [
        r("goedel1931", "article", "Über formal unentscheidbare Sätze",
          authors=names("Kurt Gödel"), year=1931, month=1,
          venue="Monatshefte für Mathematik und Physik", volume="38", number="1",
          pages="173--198", doi="10.1007/bf01700692"),
        r("vaswani2017", "inproceedings", "Attention is all you need",
          authors=names("Ashish Vaswani and Noam Shazeer"), et_al=True, year=2017,
          month=12, venue="Advances in Neural Information Processing Systems",
          pages="5998--6008", arxiv_id="1706.03762", extra={"primaryclass": "cs.CL"}),
        r("devlin2018", "article",
          "BERT: Pre-training of deep bidirectional transformers",
          title_protected="{BERT}: Pre-training of deep bidirectional transformers",
          authors=names("Devlin, Jacob and Chang, Ming-Wei"), year=2018,
          venue="arXiv preprint", arxiv_id="1810.04805"),
        r("who2020", "techreport",
          "Coronavirus disease 2019 (COVID-19): situation report",
          title_protected="Coronavirus disease 2019 ({COVID-19}): situation report",
          authors=(PersonName(family="World Health Organization"),), year=2020,
          month=3, venue="World Health Organization", number="51"),
        r("sutskever2013", "phdthesis", "Training recurrent neural networks",
          authors=names("Ilya Sutskever"), year=2013, venue="University of Toronto"),
        r("fontaine1999", "mastersthesis", "Fables et réseaux de neurones",
          authors=names("de la Fontaine, Jean and Nguyễn, Việt Hà"), year=1999,
          venue="Université de Reims",
          extra={"address": "Reims, France"}),
        r("goodfellow2016", "book", "Deep learning",
          authors=names("Ian Goodfellow and Yoshua Bengio and Aaron Courville"),
          year=2016, venue="MIT Press", publisher="MIT Press",
          extra={"isbn": "978-0262035613", "address": "Cambridge, MA"}),
        r("hinton2012", "incollection",
          "A practical guide to training restricted machines",
          authors=names("Geoffrey E. Hinton"), year=2012,
          venue="Neural Networks: Tricks of the Trade",
          pages="599--619", publisher="Springer",
          extra={"editor": "Montavon, Grégoire and Orr, Geneviève B."}),
        r("karpathy2019", "misc", "A recipe for training neural networks",
          authors=names("Andrej Karpathy"), year=2019, month=4, venue="Blog post",
          url="https://karpathy.github.io/~ak/recipe_v2.html?a=1&b=2#top"),
        r("oldarxiv2001", "misc", "An old style identifier",
          authors=names("Erin Example"), year=2001, arxiv_id="cs/0112017"),
        r("special2021", "misc", "Cost of 50% dropout: $1 & #2 for a_b {x} ~ ^ \\ ok",
          authors=names("Tina Tester"), year=2021,
          extra={"note": "100% {sure}; a_b@example.org & more"}),
        r("inject2022", "misc", "\\input{/etc/passwd} and \\write18{rm -rf /}",
          authors=(PersonName(given="Mallory", family="\\def\\x{y}"),), year=2022,
          extra={"note": "% this would comment out the rest \\end{document}"}),
        r("king1963", "article", "Letter from Birmingham jail",
          authors=names("King, Jr., Martin Luther and Davis, III, Sammy"),
          year=1963, venue="The Atlantic Monthly", volume="212", number="2"),
        r("beethoven1808", "unpublished", "Symphony no. 5 in C minor",
          authors=names("Ludwig van Beethoven and danah boyd and Plato"), year=1808,
          extra={"note": "Manuscript"}),
        r("vangogh1888", "booklet", "Letters about sunflowers",
          authors=(PersonName(von="van", family="Gogh"),), year=1888,
          venue="Privately printed"),
        r("lukasiewicz1920", "article", "O logice trójwartościowej",
          authors=names("Jan Łukasiewicz and Antonín Dvořák and Paul Erdős"),
          year=1920, venue="Ruch Filozoficzny", volume="5", pages="170--171"),
        r("straße2000", "article", "Straße und Ångström: Ærø œuvre, naïve façade",
          authors=names("François Élodie Çelik and Søren Kierkegaard"), year=2000,
          venue="Journal für Übersetzung", pages="1--10"),
        r("unicode2023", "article", "Transformers for 中文 → translation",
          authors=names("Li Wei"), year=2023, venue="Journal of Chinese NLP"),
        r("redmon2016", "inproceedings",
          "You Only Look Once: Unified, Real-Time Object Detection",
          title_protected="{You Only Look Once: Unified, Real-Time Object Detection}",
          authors=names("Joseph Redmon and Santosh Divvala"), et_al=True, year=2016,
          venue="Proceedings of the IEEE Conference on Computer Vision",
          pages="779--788"),
        r("dashes2020", "article", "Learning – fast and slow — revisited “again”",
          authors=names("Dana Dash"), year=2020, venue="Journal of Punctuation",
          extra={"note": "a--b and c---d"}),
        r("lecun1998", "article",
          "Gradient-based learning applied to document recognition",
          authors=names(
              "Yann LeCun and Léon Bottou and Yoshua Bengio and Patrick Haffner"
          ),
          year=1998, month=11, venue="Proceedings of the IEEE", volume="86",
          number="11", pages="2278--2324", doi="10.1109/5.726791",
          url="https://ieeexplore.ieee.org/document/726791"),
        r("conf2019", "conference", "A conference paper with an abstract",
          authors=names("Abe Stract"), year=2019, venue="Proceedings of Something",
          abstract="We study {braces}, 10% of $x$ & _underscores_ in abstracts."),
        r("oord2016", "inproceedings", "WaveNet: A generative model for raw audio",
          title_protected="{WaveNet}: A generative model for raw audio",
          authors=names("van den Oord, Aäron and Dieleman, Sander"), year=2016,
          venue="9th ISCA Speech Synthesis Workshop", arxiv_id="1609.03499",
          url="https://arxiv.org/abs/1609.03499"),
        r("proc2017", "proceedings", "Proceedings of the fifth learning conference",
          year=2017, venue="OpenReview", publisher="OpenReview",
          extra={"editor": "Bengio, Yoshua and LeCun, Yann"}),
        r("manual2020", "manual", "The survey atlas user manual",
          authors=(PersonName(family="Survey Atlas Team"),), year=2020,
          venue="Atlas Press", publisher="Atlas Press"),
        r("kingma2014", "article", "Adam: a method for stochastic optimization",
          authors=names("Diederik P. Kingma and Jimmy Ba"), year=2014,
          venue="CoRR", volume="abs/1412.6980", arxiv_id="1412.6980"),
        r("keywords2021", "article", "Surveys of surveys",
          authors=names("Meta Analyst"), year=2021, venue="Review Journal",
          extra={"keywords": "survey; taxonomy, review", "x-reading-group": "week 3"}),
        r("quotes2022", "misc",
          "A title with \"quotes\" and an = sign, commas, @ signs",
          authors=names("Quinn Quote"), year=2022, venue="Online"),
        r("nodate", "misc", "A record without a date", authors=names("No Date")),
        r("jr2010", "phdthesis", "Something about suffixes",
          authors=(PersonName(given="", family="Oord", suffix="Jr."),), year=2010,
          venue="École Polytechnique Fédérale de Lausanne"),
    ]  # fmt: skip


def parse_one(text: str) -> BibRecord:
    result = parse_bibtex(text)
    assert result.problems == []
    assert len(result.records) == 1
    return result.records[0]


# --- Corpus of malformed and tricky files -------------------------------------


def corpus_table() -> list[tuple[str, str]]:
    rows = []
    for line in (FIXTURES / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+\.bib)` \| .* \| (.+) \|$", line)
        if match:
            rows.append((match.group(1), match.group(2)))
    return rows


def test_corpus_is_complete_and_documented():
    documented = {name for name, _ in corpus_table()}
    on_disk = {path.name for path in FIXTURES.glob("*.bib")}
    assert documented == on_disk
    assert len(on_disk) >= 25


@pytest.mark.parametrize(
    ("name", "expected"),
    [row for row in corpus_table() if row[1].startswith("problem")],
)
def test_corpus_problem_files(name, expected):
    line, text = re.match(r"problem at line (\d+|-): (.+)", expected).groups()
    result = parse_bibtex((FIXTURES / name).read_bytes())
    wanted_line = None if line == "-" else int(line)
    matching = [p for p in result.problems if text in p.message]
    assert matching, result.problems
    assert matching[0].line == wanted_line
    if wanted_line is not None:
        assert f"line {wanted_line}" in matching[0].message


@pytest.mark.parametrize(
    ("name", "expected"), [row for row in corpus_table() if row[1].startswith("ok")]
)
def test_corpus_ok_files(name, expected):
    count = int(re.match(r"ok: (\d+) records", expected).group(1))
    result = parse_bibtex((FIXTURES / name).read_bytes())
    assert result.problems == []
    assert len(result.records) == count
    assert all(record.title for record in result.records)


def test_all_problems_of_a_file_are_reported_in_line_order():
    result = parse_bibtex((FIXTURES / "several_problems.bib").read_bytes())
    assert [(p.key, p.line) for p in result.problems] == [
        ("notitle2018", 8),
        ("badyear2019", 13),
        ("ok2017", 18),
    ]
    assert "duplicate key (first used at line 1)" in result.problems[2].message


def test_problem_entries_give_no_record_but_good_ones_do():
    result = parse_bibtex((FIXTURES / "missing_title.bib").read_bytes())
    assert [r.key for r in result.records] == ["goodfellow2014"]
    assert result.records[0].line == 1


def test_file_over_the_size_limit_is_refused_unparsed():
    data = (FIXTURES / "latex_accents.bib").read_bytes()
    result = parse_bibtex(data * 20, max_bytes=1000)
    assert result.records == []
    (problem,) = result.problems
    size = len(data) * 20 / 1e6
    assert problem.message == f"the file is {size:.1f} MB; the limit is 0.0 MB"
    big = parse_bibtex(b" " * 6_200_000)
    assert big.problems[0].message == "the file is 6.2 MB; the limit is 5.0 MB"


def test_non_utf8_names_byte_offset_and_line():
    result = parse_bibtex(b"@misc{a, title = {x}}\n@misc{b, title = {Caf\xe9}}\n")
    (problem,) = result.problems
    assert "byte 0xe9 at offset 43, line 2" in problem.message
    assert problem.message.endswith("save it as UTF-8")


def test_string_input_and_bytes_input_agree():
    data = (FIXTURES / "latex_accents.bib").read_bytes()
    assert parse_bibtex(data).records == parse_bibtex(data.decode()).records


# --- Parsing rules ------------------------------------------------------------


def test_string_macros_concatenation_and_numbers():
    result = parse_bibtex((FIXTURES / "string_macros.bib").read_bytes())
    lowe, canny = result.records
    assert (
        lowe.venue == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    )
    assert lowe.publisher == "IEEE Computer Society"
    assert (lowe.year, lowe.volume, lowe.number, lowe.pages) == (
        2004,
        "60",
        "2",
        "91--110",
    )
    assert canny.venue.startswith("Vol. 8 of IEEE Transactions")


def test_preamble_and_comments_never_become_records():
    result = parse_bibtex((FIXTURES / "preamble_and_comments.bib").read_bytes())
    assert [r.key for r in result.records] == ["knuth1984"]
    assert result.records[0].title == "The TeXbook"
    assert result.records[0].line == 6


def test_months_from_macros_names_and_numbers():
    result = parse_bibtex((FIXTURES / "month_macros.bib").read_bytes())
    assert [r.month for r in result.records] == [1, 3, 7, 9, 12]


def test_crossref_child_inherits_missing_fields():
    result = parse_bibtex((FIXTURES / "crossref_inherits_booktitle.bib").read_bytes())
    child = result.records[0]
    assert (
        child.venue
        == "5th International Conference on Learning Representations, ICLR 2017"
    )
    assert (child.year, child.month, child.publisher) == (2017, 4, "OpenReview.net")
    assert child.extra == {
        "editor": "Bengio, Yoshua and LeCun, Yann",
        "address": "Toulon, France",
    }
    assert child.pages == "1--14"
    assert child.title.startswith("Semi-Supervised")


def test_latex_accents_and_escapes_decode_to_unicode():
    record = parse_one((FIXTURES / "latex_accents.bib").read_text())
    assert [a.family for a in record.authors] == [
        "Müller", "François", "Dvořák", "Łukasiewicz", "Erdős", "Gödel",
    ]  # fmt: skip
    assert record.authors[2].given == "Antonín"
    assert (
        record.title
        == "Über formal unentscheidbare Sätze der Straße — naïve Ångström øl"
    )
    assert record.venue == "Monatshefte für Mathematik & Physik"
    assert record.extra["note"] == "Translated 50% by Émile"


def test_special_characters_and_verbatim_url():
    record = parse_one((FIXTURES / "special_characters.bib").read_text())
    assert record.title == "Cost of 50% Dropout: $1 per GPU & the Q_learning #1 rule"
    assert record.extra["note"] == "Math α-divergence, 10~ms, x^2"
    assert record.url == "https://example.org/~tina/paper_v2.pdf?a=1&b=2#page=3"


def test_protective_braces_kept_only_in_title_protected():
    records = parse_bibtex((FIXTURES / "protected_titles.bib").read_bytes()).records
    whole, inner, plain = records
    assert whole.title == "You Only Look Once: Unified, Real-Time Object Detection"
    assert whole.title_protected == "{" + whole.title + "}"
    assert inner.title == "ImageNet: A Large-Scale Hierarchical Image Database"
    assert (
        inner.title_protected == "{ImageNet}: A Large-Scale Hierarchical Image Database"
    )
    assert plain.title_protected == ""


def test_accent_groups_are_not_protective():
    record = parse_one(r"@misc{a, title = {{\"U}ber {\c{C}}a and \'{e}t\'e}}")
    assert record.title == "Über Ça and été"
    assert record.title_protected == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Aaron van den Oord", PersonName("Aaron", "Oord", "van den")),
        ("van den Oord, Aaron", PersonName("Aaron", "Oord", "van den")),
        ("King, Jr., Martin Luther", PersonName("Martin Luther", "King", "", "Jr.")),
        ("{World Health Organization}", PersonName(family="World Health Organization")),
        ("Plato", PersonName(family="Plato")),
        ("danah boyd", PersonName(family="boyd", von="danah")),
        ("boyd, danah", PersonName("danah", "boyd")),
        ("Jean de la Fontaine", PersonName("Jean", "Fontaine", "de la")),
        (r"M{\"u}ller, J{\"o}rg", PersonName("Jörg", "Müller")),
        (r"{\"O}zt{\"u}rk, Ay{\c{s}}e", PersonName("Ayşe", "Öztürk")),
        (r"{\'E}mile Zola", PersonName("Émile", "Zola")),
        ("D.~E. Knuth", PersonName("D. E.", "Knuth")),
        ("{Barnes and Noble}, Inc", PersonName("Inc", "Barnes and Noble")),
        ("Oord, Jr., ", PersonName(family="Oord", suffix="Jr.")),
    ],
)
def test_name_shapes(value, expected):
    (name,), et_al = parse_names(value)
    assert name == expected
    assert et_al is False


def test_and_others_sets_et_al_and_is_not_an_author():
    found, et_al = parse_names("Brown, Tom and Mann, Ben and others")
    assert et_al is True
    assert [n.family for n in found] == ["Brown", "Mann"]
    assert parse_names("Anderson, Andy and Sanders, Sandy") == (
        (PersonName("Andy", "Anderson"), PersonName("Sandy", "Sanders")),
        False,
    )


def test_names_split_only_outside_braces_however_the_braces_fall():
    """Splitting keeps a running count of the braces before each " and ":
    it agrees with counting them afresh each time, escaped braces included."""

    def depth_before(value: str, end: int) -> int:
        opened = value.count("{", 0, end) - value.count("\\{", 0, end)
        return opened - (value.count("}", 0, end) - value.count("\\}", 0, end))

    rng = random.Random(7)
    for _ in range(3000):
        value = "".join(
            rng.choice(["{", "}", "\\", " and ", "x", " "]) for _ in range(12)
        )
        expected, start = [], 0
        for match in names_module._AND.finditer(value):
            if depth_before(value, match.start()) == 0:
                expected.append(value[start : match.start()])
                start = match.end()
        expected.append(value[start:])
        assert names_module._depth_zero_splits(value, names_module._AND) == expected


def test_a_collaboration_of_thousands_of_authors_is_read_whole():
    value = " and ".join(f'M{{\\"u}}ller{i}, Ann' for i in range(3000))
    found, et_al = parse_names(value + " and {CMS Collaboration}")
    assert len(found) == 3001 and not et_al
    assert found[1234] == PersonName("Ann", "Müller1234")
    assert found[-1].family == "CMS Collaboration"


def test_person_name_display_and_bibtex_forms():
    oord = PersonName("Aaron", "Oord", "van den")
    assert oord.display == "Aaron van den Oord"
    assert oord.bibtex == "van den Oord, Aaron"
    assert PersonName("A", "Oord", suffix="Jr.").bibtex == "Oord, Jr., A"
    assert PersonName(family="Oord", suffix="Jr.").bibtex == "Oord, Jr., {}"
    who = PersonName(family="World Health Organization")
    assert who.bibtex == "{World Health Organization}"
    assert who.display == "World Health Organization"


def test_editors_kept_as_decoded_string_in_extra():
    record = parse_one(
        r"@book{b, title={T}, editor={Fran{\c{c}}ois, Jean and Doe, J.}}"
    )
    assert record.extra["editor"] == "François, Jean and Doe, J."
    assert record.authors == ()


@pytest.mark.parametrize(
    "raw",
    [
        "10.1038/nature14539",
        "https://doi.org/10.1038/NATURE14539",
        "http://dx.doi.org/10.1038/nature14539",
        "doi:10.1038/Nature14539",
        " DOI: 10.1038/nature14539 ",
        "{10.1038/nature14539}",
    ],
)
def test_normalise_doi(raw):
    assert normalise_doi(raw) == "10.1038/nature14539"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1706.03762", "1706.03762"),
        ("1706.03762v7", "1706.03762"),
        ("arXiv:1706.03762v2", "1706.03762"),
        ("https://arxiv.org/abs/2001.08361v1", "2001.08361"),
        ("http://arxiv.org/pdf/2006.11239.pdf", "2006.11239"),
        ("cs/0112017", "cs/0112017"),
        ("math.GT/0309136v1", "math.GT/0309136"),
        ("not an id", ""),
    ],
)
def test_normalise_arxiv_id(raw, expected):
    assert normalise_arxiv_id(raw) == expected


def test_arxiv_id_found_in_every_form():
    def ids(name):
        return [
            (r.arxiv_id, r.venue)
            for r in parse_bibtex((FIXTURES / name).read_bytes()).records
        ]

    assert ids("arxiv_in_journal_field.bib") == [("1603.05027", "arXiv preprint")]
    assert ids("arxiv_url.bib") == [("2001.08361", ""), ("2006.11239", "")]
    assert ids("arxiv_eprint.bib") == [
        ("1706.03762", ""),
        ("cs/0112017", "arXiv e-prints"),
    ]
    assert ids("corr_volume.bib") == [("1412.6980", "CoRR")]
    eprint = parse_bibtex((FIXTURES / "arxiv_eprint.bib").read_bytes()).records[0]
    assert eprint.extra == {"primaryclass": "cs.CL"}


def test_doi_normalised_in_records():
    records = parse_bibtex((FIXTURES / "doi_url_prefix.bib").read_bytes()).records
    assert {r.doi for r in records} == {"10.1038/nature14539"}


def test_normalise_title_for_duplicate_matching():
    preprint, published = parse_bibtex(
        (FIXTURES / "preprint_and_published.bib").read_bytes()
    ).records
    assert normalise_title(preprint.title) == normalise_title(published.title)
    assert (
        normalise_title(r"{BERT}: Pr\'e-training -- of {\"U}ber")
        == "bert pre training of uber"
    )
    assert normalise_title("  Ça  va?  ") == "ca va"


def test_year_must_be_a_number_and_names_the_key():
    result = parse_bibtex("@misc{k1, title={T}, year={2020a}}")
    assert result.records == []
    assert (
        result.problems[0].message
        == "entry 'k1' at line 1: year '2020a' is not a number"
    )
    too_long = parse_bibtex("@misc{k2, title={T}, year={99999}}").problems
    assert too_long[0].message.endswith("year '99999' is not a year of 1 to 4 digits")


def test_extra_keeps_every_other_field_with_lower_case_names():
    record = parse_one((FIXTURES / "extra_fields_preserved.bib").read_text())
    assert record.extra == {
        "address": "Cambridge, MA",
        "isbn": "978-0262035613",
        "keywords": "textbook; neural networks",
        "note": "http://www.deeplearningbook.org",
        "series": "Adaptive Computation and Machine Learning",
        "x-reading-group": "week 3",
    }
    assert (record.venue, record.publisher) == ("MIT Press", "MIT Press")
    upper = parse_one((FIXTURES / "uppercase_fields_and_types.bib").read_text())
    assert upper.entry_type == "article"
    assert upper.extra == {"keywords": "attention, translation"}


def test_pages_normalised_to_double_dash():
    records = parse_bibtex((FIXTURES / "pages_variants.bib").read_bytes()).records
    assert [r.pages for r in records] == ["1--10", "11--20", "21--30", "e0123"]


# --- Writing ------------------------------------------------------------------


def field_lines(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^  ([a-z-]+) = (.*),$", entry, flags=re.MULTILINE))


def test_format_entry_layout_and_field_order():
    record = replace(
        sample_records()[1],
        doi="10.5555/3295222.3295349",
        publisher="Curran",
        volume="30",
        number="1",
        url="https://papers.example/7181",
        abstract="Short.",
        extra={"primaryclass": "cs.CL", "editor": "Guyon, I.", "address": "Long Beach",
               "note": "Oral", "keywords": "attention"},
    )  # fmt: skip
    entry = format_entry(record)
    assert entry.startswith("@inproceedings{vaswani2017,\n  author = {")
    assert entry.endswith(",\n}\n")
    assert list(field_lines(entry)) == [
        "author", "title", "booktitle", "editor", "year", "month", "volume", "number",
        "pages", "publisher", "address", "doi", "eprint", "archiveprefix",
        "primaryclass", "url", "keywords", "note", "abstract",
    ]  # fmt: skip
    fields = field_lines(entry)
    assert fields["author"] == "{Vaswani, Ashish and Shazeer, Noam and others}"
    assert fields["month"] == "dec"
    assert fields["pages"] == "{5998--6008}"
    assert (fields["eprint"], fields["archiveprefix"]) == ("{1706.03762}", "{arXiv}")
    assert fields["doi"] == "{10.5555/3295222.3295349}"


@pytest.mark.parametrize(
    ("entry_type", "field"),
    [
        ("article", "journal"),
        ("inproceedings", "booktitle"),
        ("incollection", "booktitle"),
        ("conference", "booktitle"),
        ("phdthesis", "school"),
        ("mastersthesis", "school"),
        ("techreport", "institution"),
        ("misc", "howpublished"),
    ],
)
def test_venue_goes_to_the_field_of_the_entry_type(entry_type, field):
    record = BibRecord("k", entry_type, "T", venue="The Venue")
    assert field_lines(format_entry(record))[field] == "{The Venue}"


def test_book_venue_is_its_publisher_and_written_once():
    book = BibRecord("b", "book", "T", venue="MIT Press", publisher="MIT Press")
    fields = field_lines(format_entry(book))
    assert fields["publisher"] == "{MIT Press}"
    assert "howpublished" not in fields


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("A & B", r"A \& B"),
        ("50% off", r"50\% off"),
        ("$5", r"\$5"),
        ("#1", r"\#1"),
        ("a_b", r"a\_b"),
        ("{x}", r"\textbraceleft{}x\textbraceright{}"),
        ("a~b", r"a\textasciitilde{}b"),
        ("x^2", r"x\textasciicircum{}2"),
        ("a\\b", r"a\textbackslash{}b"),
        ("ä ç ł ß", r"{\"a} {\c{c}} {\l} {\ss}"),
        ("Dvořák Erdős", r"Dvo{\v{r}}{\'a}k Erd{\H{o}}s"),
        # Stacked accents nest, the first in NFD order innermost.
        ("Nguyễn Việt", r"Nguy{\~{\^{e}}}n Vi{\^{\d{e}}}t"),
        ("中文", "中文"),
    ],
)
def test_values_are_escaped(text, written):
    record = BibRecord("k", "misc", "T", extra={"note": text})
    assert field_lines(format_entry(record))["note"] == "{" + written + "}"
    [back] = parse_bibtex(format_entry(record)).records
    assert back.extra["note"] == text


@pytest.mark.parametrize(
    ("pages", "written"),
    [
        ("133--142", "133--142"),  # a range: its dashes are meant
        ("12--34  and e5_1", r"12--34 and e5\_1"),  # still escaped and collapsed
        ("``3''--4", r"`{}`3'{}'--4"),  # quote ligatures broken, dashes not
    ],
)
def test_pages_keep_their_dashes_and_escape_the_rest(pages, written):
    record = BibRecord("k", "misc", "T", pages=pages, extra={"note": "1--2"})
    fields = field_lines(format_entry(record))
    assert fields["pages"] == "{" + written + "}"
    assert fields["note"] == "{1-{}-2}"  # elsewhere TeX's en dash ligature is broken


def test_unicode_encoding_keeps_utf8_but_still_escapes():
    record = BibRecord("k", "misc", "Ça & ß", authors=names("Jörg Müller"))
    fields = field_lines(format_entry(record, encoding="unicode"))
    assert fields["title"] == r"{Ça \& ß}"
    assert fields["author"] == "{Müller, Jörg}"
    with pytest.raises(ValueError):
        format_entry(record, encoding="utf-16")


@pytest.mark.parametrize(
    "payload",
    [
        r"\input{/etc/passwd}",
        r"\write18{rm -rf /}",
        "100% sure } @misc{evil, title={x}}",
        r"\end{document} \def\x{y} \catcode`\%=12",
    ],
)
def test_injection_strings_stay_inert(payload):
    record = BibRecord("k", "misc", payload, abstract=payload, extra={"note": payload})
    entry = format_entry(record)
    for value in field_lines(entry).values():
        assert not re.search(r"\\(input|write|end|def|catcode)", value)
        assert not re.search(r"(?<!\\)%", value)
    starts = [line for line in entry.splitlines() if line.lstrip().startswith("@")]
    assert starts == ["@misc{k,"]
    back = parse_one(entry)
    assert (back.title, back.abstract, back.extra["note"]) == (payload,) * 3


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("BERT: Pre-training of transformers", "{BERT}: Pre-training of transformers"),
        ("Training on ImageNet with GANs", "Training on {ImageNet} with {GANs}"),
        ("A VQA benchmark (VQA-2)", "A {VQA} benchmark ({VQA-2})"),
        ("Deep learning: a survey", "Deep learning: a survey"),
        ("I am a title", "I am a title"),
        ("ÉCOLE et eBay", r"{{\'E}COLE} et {eBay}"),
    ],
)
def test_titles_are_auto_protected(title, written):
    fields = field_lines(format_entry(BibRecord("k", "misc", title)))
    assert fields["title"] == "{" + written + "}"


def test_title_protected_is_written_with_its_braces():
    record = BibRecord("k", "misc", "Über GANs", title_protected="{Über} GANs")
    assert field_lines(format_entry(record))["title"] == r"{{{\"U}ber} GANs}"


def test_auto_protected_title_reads_back_into_title_protected():
    back = parse_one(format_entry(BibRecord("k", "misc", "Using BERT on ImageNet")))
    assert back.title == "Using BERT on ImageNet"
    assert back.title_protected == "Using {BERT} on {ImageNet}"


def test_bad_keys_types_and_months_are_refused():
    with pytest.raises(ValueError, match="citation key"):
        format_entry(BibRecord("a key", "misc", "T"))
    with pytest.raises(ValueError, match="entry type"):
        format_entry(BibRecord("k", "Misc}", "T"))
    with pytest.raises(ValueError, match="month"):
        format_entry(BibRecord("k", "misc", "T", month=13))
    with pytest.raises(ValueError, match="field name"):
        format_entry(BibRecord("k", "misc", "T", extra={"bad field": "x"}))


def test_output_is_deterministic_and_streams_with_blank_lines():
    records = sample_records()
    first = "".join(iter_bibtex(records))
    assert first == "".join(iter_bibtex(sample_records()))
    assert first == "\n".join(format_entry(r) for r in records)
    assert first.count("\n\n@") == len(records) - 1
    stream = iter_bibtex(iter(records))
    assert next(stream) == format_entry(records[0])


# --- Round trip ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latex", "unicode"])
@pytest.mark.parametrize("record", sample_records(), ids=lambda r: r.key)
def test_round_trip(record, encoding):
    assert parse_one(format_entry(record, encoding=encoding)) == record


@pytest.mark.parametrize("encoding", ["latex", "unicode"])
def test_round_trip_of_a_whole_file(encoding):
    records = sample_records()
    result = parse_bibtex("".join(iter_bibtex(records, encoding=encoding)))
    assert result.problems == []
    assert result.records == records
    assert [r.line for r in result.records][:2] == [
        1,
        1 + format_entry(records[0]).count("\n") + 1,
    ]


def test_round_trip_of_the_ok_corpus():
    """Exact, except that automatic title protection shows up in title_protected."""
    for name, expected in corpus_table():
        if expected.startswith("ok"):
            records = parse_bibtex((FIXTURES / name).read_bytes()).records
            for encoding in ("latex", "unicode"):
                text = "".join(iter_bibtex(records, encoding=encoding))
                back = parse_bibtex(text).records
                back = [
                    replace(b, title_protected="") if not r.title_protected else b
                    for r, b in zip(records, back, strict=True)
                ]
                assert back == records, name


@pytest.mark.parametrize(
    ("date", "year", "month", "kept"),
    [
        ("2022", 2022, None, {}),
        ("2022-12", 2022, 12, {}),
        ("2021-03-05", 2021, 3, {"date": "2021-03-05"}),  # the day has no field
        ("2020/2021", None, None, {"date": "2020/2021"}),  # a range: left as it is
    ],
)
def test_a_biblatex_date_and_journaltitle_give_year_month_and_venue(
    date, year, month, kept
):
    text = (
        f"@article{{z, title={{T}}, author={{Tay, Yi}}, date={{{date}}},"
        " journaltitle={ACM Computing Surveys}}"
    )
    [record] = parse_bibtex(text).records
    assert (record.year, record.month, record.venue) == (
        year,
        month,
        "ACM Computing Surveys",
    )
    assert record.extra == kept
    [again] = parse_bibtex(format_entry(record)).records
    assert (again.year, again.month, again.venue, again.extra) == (
        year,
        month,
        "ACM Computing Surveys",
        kept,
    )


@pytest.mark.parametrize("month", ["{Jun.-Jul.}", "{Spring}", 'oct # "~27--" # nov'])
def test_a_month_in_words_that_is_no_single_month_is_kept_as_written(month):
    result = parse_bibtex(f"@misc{{m, title={{T}}, year={{2020}}, month={month}}}")
    assert not result.problems
    [record] = result.records
    assert record.month is None and record.extra["month"]
    written = format_entry(record)
    assert written.count("month = {") == 1, written
    [again] = parse_bibtex(written).records
    assert again.extra == record.extra


def test_a_month_number_outside_the_year_is_a_problem():
    result = parse_bibtex("@misc{m, title={T}, year={2020}, month={13}}")
    assert "month '13' is not a month name or a number from 1 to 12" in (
        result.problems[0].message
    )
