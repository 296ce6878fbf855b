"""The table-driven LaTeX fast path reads values exactly as pylatexenc does."""

import random
from functools import partial

import pytest

from papers.bibtex.latex import (
    collapse,
    decode,
    escape,
    fast_convert,
    pylatexenc_convert,
)
from papers.bibtex.names import format_name, format_name_in_full
from papers.bibtex.records import BibRecord, PersonName
from papers.bibtex.write import _protect_word, _title, verbatim

LETTER_WORDS = ["ss", "ae", "AE", "oe", "o", "O", "l", "L", "i", "j", "aa", "AA", "dj"]
PIECES = [
    *(f"\\{mark}" for mark in "\"'`^~=.cvHurkdb"),
    *(f"\\{word}" for word in LETTER_WORDS),
    *(f"\\{char}" for char in "&%$#_{} "),
    "\\emph", "\\textit", "\\textbf", "\\texttt", "\\textsc", "\\textrm",
    "{", "}", "a", "e", "i", "o", "u", "c", "C", "E", "n", "z", "x", "Ol",
    " ", "  ", "\n", "-", "--", "---", "``", "''", "'", "`", "~", "%", ".", ",", "1",
]  # fmt: skip


def balanced(text: str) -> bool:
    depth = 0
    for char in text.replace("\\{", "").replace("\\}", ""):
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def random_values(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    values = []
    while len(values) < count:
        value = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))
        if balanced(value):
            values.append(value)
    return values


def test_fast_path_agrees_with_pylatexenc_wherever_it_answers():
    answered = 0
    for value in random_values(6000, seed=20231):
        fast = fast_convert(value)
        if fast is not None:
            answered += 1
            assert collapse(fast) == collapse(pylatexenc_convert(value)), value
    assert answered > 1500


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ('M{\\"u}ller', "Müller"),
        ('M\\"uller', "Müller"),
        ("Fran{\\c{c}}ois", "François"),
        ("{\\c c}a", "ça"),
        ("Garc{\\'\\i}a", "García"),
        ("Stra\\ss e", "Straße"),
        ("{\\O}stergaard", "Østergaard"),
        ("Dvo{\\v{r}}{\\'a}k", "Dvořák"),
        ("Erd\\H{o}s", "Erdős"),
        ("R\\&D at 50\\% \\_x\\_", "R&D at 50% _x_"),
        ("\\emph{Deep} learning -- fast", "Deep learning \u2013 fast"),
    ],
)
def test_common_markup_is_read_without_pylatexenc(value, text):
    assert fast_convert(value) is not None
    assert decode(value) == text


@pytest.mark.parametrize("value", ["$x^2$", "\\url{a}", "\\'{}", "a \\\\ b", "\\t{oo}"])
def test_other_markup_falls_back_to_pylatexenc(value):
    assert fast_convert(value) is None
    assert decode(value) == collapse(pylatexenc_convert(value))


NAME_PIECES = ["A", "b", "Ann", "and", "And", "others", "de", "O'", "Neil", ".", "-"]
NAME_PIECES += [" ", "  ", ",", "--", "''", "&", "{", "ü", "Mc", "J."]


def record_escape(escaped: list[str], text: str) -> str:
    escaped.append(text)
    return text


def test_plain_name_shortcut_writes_what_the_full_rules_write():
    rng = random.Random(4711)
    shortcut_taken = 0
    for _ in range(5000):
        parts = [
            "".join(rng.choice(NAME_PIECES) for _ in range(rng.randint(0, 4)))
            for _ in range(2)
        ]
        von = rng.choice(["", "", "", "van der"])
        name = PersonName(given=parts[0], family=parts[1] or "X", von=von)
        for esc in (escape, partial(escape, latex=False)):
            assert format_name(name, esc) == format_name_in_full(name, esc), name
        escaped: list[str] = []
        format_name(name, partial(record_escape, escaped))
        shortcut_taken += not escaped
    # The shortcut (which escapes nothing) answers for a good share of them.
    assert shortcut_taken > 500


TITLE_WORDS = ["Deep", "learning", "CNN", "iPhone", "(The", "x-Ray", "e.g.", "A", "of"]
TITLE_WORDS += ["BERT-based", "3D", "word's", "VQA:", "ab_c", "R&D", "--", "Über", "aB"]


def test_title_shortcut_writes_what_the_word_rules_write():
    rng = random.Random(1234)
    for _ in range(3000):
        title = " ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(1, 7)))
        record = BibRecord(key="k", entry_type="article", title=title)
        for esc in (escape, partial(escape, latex=False)):
            expected = " ".join(_protect_word(word, esc) for word in title.split())
            assert _title(record, esc) == expected, title


VERBATIM_PIECES = ["10.1/x", "https://a.org/b?c=d&e", " ", "\xa0", "\u2003", "\n", "\t"]
VERBATIM_PIECES += ["\\", "{", "}", "%7B", "ü", "-", "_", "~"]


def test_verbatim_shortcut_writes_what_the_full_rules_write():
    rng = random.Random(99)
    for _ in range(3000):
        value = "".join(rng.choice(VERBATIM_PIECES) for _ in range(rng.randint(1, 5)))
        expected = collapse(value).replace("\\", "%5C").replace(" ", "%20")
        assert verbatim(value) == expected.replace("{", "%7B").replace("}", "%7D")
