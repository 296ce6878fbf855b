"""The fast reader gives exactly bibtexparser's blocks, or leaves the file to it."""

import random
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)

from papers.bibtex import parse as parse_module
from papers.bibtex import parse_bibtex
from papers.bibtex.scan import scan_blocks

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures").rglob("*.bib"))

VALUES = [
    "{Plain words}", "{A {Nested} title}", "{Deep {a {b {c}}} end}", '"quoted"',
    '"quoted {with} braces"', "{M{\\\"u}ller and Fran{\\c{c}}ois}", "2021", "jan",
    "{Escaped \\{ brace}", "{Escaped \\} brace}", '"back\\"slash quote"',
    '"a {"} b"', "{mail me @ home}", "{line\n@misc{inside, x = 1}}", "jan # {~3}",
    '{a} # " b" # c', "{with, comma = and equals}", '"ends with brace{"',
    "{unbalanced {", "{}", '""', "{10.1000/x_y}", "abc{d}", "{\\\\{}",
    "{%percent}", "{tab\there}", "{semi; colon}", "1--10", "{A \\& B}",
    "{a}}", "{\n  multi\n  line\n}",
]  # fmt: skip
NAMES = ["title", "author", "Year", "journal", "pages", "doi", "x-field", "note"]
NAMES += ["bad name", "title"]
KEYS = ["smith2020", "Key:1", "a-b_c.d", "with space", "", "k{", "dup", "Dup"]
TYPES = ["article", "InProceedings", "misc", "string", "comment", "preamble"]
TYPES += ["commentary", ""]
GAPS = ["\n", "\n\n", "\n% a comment\n", "  ", "\r\n", "\nfree text\n", "\n}\n"]
GAPS += ["\nsee me@home\n", ""]


def splitter_blocks(text: str) -> list:
    return bibtexparser.parse_string(text, parse_stack=[]).blocks


def comparable(blocks) -> list[tuple]:
    """Entries and strings as plain tuples (field start lines left out)."""
    found = []
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            block = block.ignore_error_block
        if isinstance(block, Entry):
            fields = [(f.key, f.value) for f in block.fields]
            line = block.start_line
            found.append(("entry", block.entry_type, block.key, line, fields))
        elif isinstance(block, String):
            found.append(("string", block.key, block.value, block.start_line))
    return found


def assert_same_as_splitter(text: str) -> bool:
    """When the fast reader reads the file, its blocks are the splitter's.
    Returns whether it read it."""
    fast = scan_blocks(text)
    if fast is None:
        return False
    slow = splitter_blocks(text)
    failed = [b for b in slow if isinstance(b, ParsingFailedBlock)]
    assert all(isinstance(b, DuplicateBlockKeyBlock) for b in failed), text
    comments = [b.comment for b in slow if isinstance(b, ImplicitComment)]
    assert not [c for c in comments if c.startswith("}")], text
    assert comparable(fast) == comparable(slow), text
    return True


def random_file(rng: random.Random) -> str:
    """Mostly common pieces, each piece something unusual one time in eight."""

    def choice(pieces: list[str]) -> str:
        return rng.choice(pieces if rng.random() < 0.12 else pieces[:3])

    parts = []
    for _ in range(rng.randint(1, 4)):
        parts.append(choice(GAPS))
        kind = choice(TYPES)
        head = f"@{kind}{rng.choice(['', ' ', chr(9)])}{rng.choice('{{{{{{{(')}"
        if kind in ("comment", "preamble"):
            parts.append(f"{head}{choice(VALUES)}}}")
            continue
        if kind == "string":
            name = rng.choice(["mac", "mac", "x y"])
            parts.append(f"{head}{name} = {choice(VALUES)}}}")
            continue
        fields = [
            f"{rng.choice(['', ' ', chr(10)])}{choice(NAMES)}"
            f"{rng.choice(['=', ' = '])}{choice(VALUES)}"
            for _ in range(rng.randint(0, 4))
        ]
        ending = rng.choice([",\n}", "\n}", "}", ", }"])
        parts.append(f"{head}{choice(KEYS)},{','.join(fields)}{ending}")
    return "".join(parts)


def test_random_files_read_as_the_splitter_reads_them():
    rng = random.Random(20261127)
    files = [random_file(rng) for _ in range(4000)]
    read = [text for text in files if assert_same_as_splitter(text)]
    # Both ways are taken, and files with unusual values are among those read.
    assert 400 < len(read) < 3600
    unusual = [t for t in read if any(value in t for value in VALUES[3:])]
    assert len(unusual) > 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_files_read_as_the_splitter_reads_them(path):
    assert_same_as_splitter(path.read_bytes().decode("utf-8", errors="replace"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_parsing_gives_the_same_records_and_problems_either_way(path, monkeypatch):
    data = path.read_bytes()
    fast = parse_bibtex(data, max_bytes=10**8)
    monkeypatch.setattr(parse_module, "scan_blocks", lambda text: None)
    assert parse_bibtex(data, max_bytes=10**8) == fast


def test_common_files_are_read_fast():
    text = (
        "% exported\n@string{ieee = {IEEE}}\n"
        '@Article{smith2020,\n  author = {Smith, Jo and M{\\"u}ller, Ann},\n'
        '  title = "{BERT} for images",\n  journal = ieee # { Transactions},\n'
        "  year = 2020,\n  month = jan,\n  pages = {1--10}\n}\n\n"
        "@comment{jabref-meta: databaseType:bibtex;}\n@misc{empty}\n"
    )
    blocks = scan_blocks(text)
    assert blocks is not None
    assert [type(b).__name__ for b in blocks] == ["String", "Entry", "Entry"]
    assert blocks[1].start_line == 2 and blocks[2].start_line == 12
    assert_same_as_splitter(text)


@pytest.mark.parametrize(
    "text",
    [
        "@article(k, title = {x})",  # parenthesised block
        "@article{k,\n title = {x\n@misc{j, title = {y}}\n",  # block start inside
        "@article{k, title = {x}}\n}\n",  # stray brace
        "@article{k, title = {x}, Title = {y}}",  # repeated field
        '@article{k, title = "a \\" b"}',  # backslashed quote
        "@article{k, title = {x}",  # unclosed
    ],
)
def test_unusual_files_are_left_to_bibtexparser(text):
    assert scan_blocks(text) is None
