"""Tests for the CSL-JSON and RIS writers."""

from __future__ import annotations

import json

from papers.bibtex import BibRecord, PersonName, format_entry, parse_bibtex
from papers.citation_formats import csl_item, iter_csl_json, iter_ris, ris_entry
from tests.papers.test_bibtex import names, sample_records


def by_id(records) -> dict[str, dict]:
    items = json.loads("".join(iter_csl_json(records)))
    return {item["id"]: item for item in items}


def test_csl_json_stream_is_one_valid_array_with_every_record():
    records = sample_records()
    chunks = list(iter_csl_json(records))
    assert len(chunks) == len(records) + 2
    items = json.loads("".join(chunks))
    assert [item["id"] for item in items] == [r.key for r in records]
    assert json.loads("".join(iter_csl_json([]))) == []


def test_csl_types_by_entry_type_and_arxiv():
    items = by_id(sample_records())
    assert items["goedel1931"]["type"] == "article-journal"
    assert items["vaswani2017"]["type"] == "paper-conference"
    assert items["conf2019"]["type"] == "paper-conference"
    assert items["sutskever2013"]["type"] == "thesis"
    assert items["goodfellow2016"]["type"] == "book"
    assert items["hinton2012"]["type"] == "chapter"
    assert items["who2020"]["type"] == "report"
    assert items["karpathy2019"]["type"] == "article"
    preprint = items["devlin2018"]
    assert (preprint["type"], preprint["number"]) == ("article", "arXiv:1810.04805")
    assert "container-title" not in preprint
    assert items["oord2016"]["type"] == "paper-conference"


def test_csl_names_dates_and_fields():
    items = by_id(sample_records())
    assert items["oord2016"]["author"][0] == {
        "family": "Oord",
        "given": "Aäron",
        "non-dropping-particle": "van den",
    }
    assert items["king1963"]["author"][0] == {
        "family": "King",
        "given": "Martin Luther",
        "suffix": "Jr.",
    }
    assert items["who2020"]["author"] == [{"literal": "World Health Organization"}]
    assert items["goedel1931"]["issued"] == {"date-parts": [[1931, 1]]}
    assert items["sutskever2013"]["issued"] == {"date-parts": [[2013]]}
    assert "issued" not in items["nodate"]
    goedel = items["goedel1931"]
    assert goedel["container-title"] == "Monatshefte für Mathematik und Physik"
    assert (goedel["volume"], goedel["issue"], goedel["page"]) == ("38", "1", "173-198")
    assert goedel["DOI"] == "10.1007/bf01700692"
    assert items["sutskever2013"]["publisher"] == "University of Toronto"
    assert items["hinton2012"]["editor"][0] == {
        "family": "Montavon",
        "given": "Grégoire",
    }


def test_csl_keeps_text_as_plain_unicode():
    record = sample_records()[10]
    item = csl_item(record)
    assert item["title"] == record.title
    assert "\\" not in json.dumps(item, ensure_ascii=False).replace("\\\\", "")


def test_ris_tags_and_order():
    record = BibRecord(
        "lecun1998", "article", "Gradient-based learning",
        authors=names("Yann LeCun and van den Oord, Aäron and King, Jr., Martin"),
        year=1998, month=11, venue="Proceedings of the IEEE", volume="86",
        number="11", pages="2278--2324", publisher="IEEE", doi="10.1109/5.726791",
        url="https://example.org/p", abstract="An abstract\nover two lines.",
        extra={"keywords": "cnn; ocr, vision"},
    )  # fmt: skip
    lines = ris_entry(record).splitlines()
    assert lines == [
        "TY  - JOUR",
        "AU  - LeCun, Yann",
        "AU  - van den Oord, Aäron",
        "AU  - King, Martin, Jr.",
        "TI  - Gradient-based learning",
        "JO  - Proceedings of the IEEE",
        "PY  - 1998",
        "DA  - 1998/11//",
        "VL  - 86",
        "IS  - 11",
        "SP  - 2278",
        "EP  - 2324",
        "PB  - IEEE",
        "DO  - 10.1109/5.726791",
        "UR  - https://example.org/p",
        "AB  - An abstract over two lines.",
        "KW  - cnn",
        "KW  - ocr",
        "KW  - vision",
        "ID  - lecun1998",
        "ER  - ",
    ]
    assert "\r" not in ris_entry(record)


def test_ris_types_and_venue_tags():
    records = {r.key: r for r in sample_records()}
    assert ris_entry(records["vaswani2017"]).startswith("TY  - CPAPER\n")
    assert "T2  - Advances in Neural" in ris_entry(records["vaswani2017"])
    assert ris_entry(records["devlin2018"]).startswith("TY  - UNPB\n")
    assert ris_entry(records["sutskever2013"]).startswith("TY  - THES\n")
    corporate = ris_entry(
        BibRecord("w", "misc", "T", authors=(PersonName(family="W H O"),))
    )
    assert corporate.startswith("TY  - GEN\nAU  - W H O\n")


def test_ris_stream_has_one_block_per_record_in_utf8():
    records = sample_records()
    text = "".join(iter_ris(records))
    assert text.endswith("ER  - \n")
    blocks = text.split("\n\n")
    assert len(blocks) == len(records)
    assert all(
        b.startswith("TY  - ") and b.rstrip("\n").endswith("ER  - ") for b in blocks
    )
    assert "TI  - Straße und Ångström: Ærø œuvre, naïve façade" in text
    assert "{\\" not in text


def test_braced_corporate_editors_stay_whole_from_import_to_every_format():
    text = (
        "@book{corp2020, title = {Reports}, year = 2020,"
        " editor = {{Barnes and Noble} and {World Health Organization} and"
        ' M{\\"u}ller, J{\\"o}rg}}'
    )
    [record] = parse_bibtex(text).records
    assert record.extra["editor"] == (
        "{Barnes and Noble} and {World Health Organization} and Müller, Jörg"
    )
    assert csl_item(record)["editor"] == [
        {"literal": "Barnes and Noble"},
        {"literal": "World Health Organization"},
        {"family": "Müller", "given": "Jörg"},
    ]
    written = format_entry(record)
    assert "editor = {{Barnes and Noble} and {World Health Organization} and" in written
    [again] = parse_bibtex(written).records
    assert again.extra["editor"] == record.extra["editor"]


def test_ris_gives_an_arxiv_paper_without_an_address_its_abstract_page():
    preprint = BibRecord("p2021", "misc", "A preprint", arxiv_id="2101.00001")
    assert "UR  - https://arxiv.org/abs/2101.00001\n" in ris_entry(preprint)
    own = BibRecord("o2021", "misc", "Own", arxiv_id="2101.00001", url="https://x.org")
    assert "UR  - https://x.org\n" in ris_entry(own)
    assert "arxiv.org" not in ris_entry(own)
