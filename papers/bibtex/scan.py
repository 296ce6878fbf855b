"""A fast reader for well-formed .bib files, giving what bibtexparser's splitter gives.

bibtexparser's splitter walks a file mark by mark in Python; on a file of plain
entries most of an import's parsing time went there. :func:`scan_blocks` reads
the same file with a few regular expressions per field. It reads only files it
can read exactly as the splitter does: entries and @string definitions in
braces, field names of letters, digits and ``-_:.+``, values made of braced
text, quoted text or bare words joined by ``#``, and comments between blocks.
For anything else (a syntax error, a parenthesised block, a stray brace, a new
block starting inside a value, an escaped quote...) it returns None and the
caller uses bibtexparser, whose blocks carry the error messages.

The blocks are bibtexparser's own model objects (:class:`Entry` with its
:class:`Field` list, :class:`String`), with the same keys, raw values (delimiters
kept, surrounding space removed) and 0-based start lines; comments are left out.
"""

from __future__ import annotations

import re

from bibtexparser.model import Entry, Field, String

# Where bibtexparser starts a block: "@" and a word, then "{" or "(".
_BLOCK_START = re.compile(r"@(\w*)[ \t]*([{(])")
_KEY = re.compile(r"\s*([^\s,{}\"=\\@#%()']+)\s*([,}])")

# A braced value: braces not preceded by a backslash nest (up to six deep here,
# deeper goes to bibtexparser); a backslashed brace is text, as for the splitter.
_TEXT = r"(?:[^{}]++|(?<=\\)[{}])*+"
_BRACED = r"(?<!\\)\{" + _TEXT + r"(?<!\\)\}"
for _ in range(5):
    _BRACED = r"(?<!\\)\{(?:[^{}]++|(?<=\\)[{}]|" + _BRACED + r")*+(?<!\\)\}"
# A quoted value ends at its next quote; one whose next quote has a backslash
# or "{" before it (which the splitter reads as text) goes to bibtexparser.
_QUOTED = r'"[^"]*+(?<![\\{])"'
_BARE = r"[\w\-.:+/]++"
_TOKEN = f"(?:{_BRACED}|{_QUOTED}|{_BARE})"
_FIELD = re.compile(
    r"\s*([A-Za-z_][\w\-:.+]*)\s*=\s*"
    rf"({_TOKEN}(?:\s*\#\s*{_TOKEN})*+)"
    r"\s*([,}])"
)
_CLOSE = re.compile(r"\s*\}")
_STRING_NAME = re.compile(r"\s*([A-Za-z_][\w\-:.+]*)\s*=")
_DELIMITER = re.compile(r"(?<!\\)[{}]")
_SKIPPED = {"comment", "preamble"}


def _at_line_start(text: str, position: int) -> bool:
    """Whether only spaces come before position on its line."""
    return not text[text.rfind("\n", 0, position) + 1 : position].strip()


class _Unread(Exception):
    """The file has something this reader leaves to bibtexparser."""


def scan_blocks(text: str) -> list[Entry | String] | None:
    """The entries and @string blocks of the file in order, or None when the
    file needs bibtexparser's splitter (see the module docstring)."""
    try:
        return _Scanner(text).blocks()
    except _Unread:
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line = 0  # newlines before self.counted
        self.counted = 0

    def line_of(self, position: int) -> int:
        self.line += self.text.count("\n", self.counted, position)
        self.counted = position
        return self.line

    def blocks(self) -> list[Entry | String]:
        text, found, starts = self.text, [], set()
        position = 0
        while (start := _BLOCK_START.search(text, position)) is not None:
            if text[position : start.start()].lstrip().startswith("}"):
                raise _Unread  # a stray brace: bibtexparser words the message
            kind = start.group(1).lower()
            if start.group(2) == "(" or not kind:
                raise _Unread
            starts.add(start.start())
            line = self.line_of(start.start())
            if kind in _SKIPPED:
                position = self.closing_brace(start.end()) + 1
            elif kind == "string":
                block, position = self.string(start, line)
                found.append(block)
            elif kind.startswith(("comment", "preamble", "string")):
                raise _Unread  # bibtexparser reads "@commentary" as a comment
            else:
                block, position = self.entry(start, kind, line)
                found.append(block)
        if text[position:].lstrip().startswith("}"):
            raise _Unread
        for inner in _BLOCK_START.finditer(text):
            if inner.start() not in starts and _at_line_start(text, inner.start()):
                # Inside a value the splitter stops there (it takes the value
                # for unterminated), so such a file goes to it.
                raise _Unread
        return found

    def entry(self, start: re.Match, kind: str, line: int) -> tuple[Entry, int]:
        text = self.text
        key = _KEY.match(text, start.end())
        if key is None:
            raise _Unread
        fields, names, position = [], set(), key.end()
        ended = key.group(2) == "}"
        while not ended:
            field = _FIELD.match(text, position)
            if field is None:
                close = _CLOSE.match(text, position)
                if close is None:
                    raise _Unread
                position = close.end()
                break
            name = field.group(1)
            if name.lower() in names:
                raise _Unread  # bibtexparser marks the repeat; let it
            names.add(name.lower())
            fields.append(Field(name, field.group(2)))
            position, ended = field.end(), field.group(3) == "}"
        entry = Entry(kind, key.group(1), fields, start_line=line)
        return entry, position

    def string(self, start: re.Match, line: int) -> tuple[String, int]:
        name = _STRING_NAME.match(self.text, start.end())
        if name is None:
            raise _Unread
        end = self.closing_brace(name.end())
        value = self.text[name.end() : end].strip()
        return String(name.group(1), value, start_line=line), end + 1

    def closing_brace(self, position: int) -> int:
        """Where the block whose "{" comes before position closes."""
        depth = 0
        for match in _DELIMITER.finditer(self.text, position):
            if match.group() == "{":
                depth += 1
            elif depth:
                depth -= 1
            else:
                return match.start()
        raise _Unread
