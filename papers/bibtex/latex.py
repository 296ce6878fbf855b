"""Conversion of BibTeX field values between LaTeX markup and Unicode text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import (
    get_default_latex_context_db as get_default_walker_context,
)

#: Fields holding URLs or identifiers: kept verbatim, never read as LaTeX.
VERBATIM_FIELDS = frozenset({"doi", "url", "eprint", "file", "pdf"})
#: Other fields holding lists of names: their braces keep a corporate name
#: ("{Barnes and Noble}") one name, so they are kept as in title_protected.
NAME_LIST_FIELDS = frozenset(
    {"editor", "translator", "bookauthor", "annotator", "commentator", "holder"}
)

_SPACES = re.compile(r"[ \t\r\n]+")
# Unescaped % would start a LaTeX comment and silently drop the rest of the value.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_LIGATURES = re.compile(r"---|--|``|''|~")
_LIGATURE_TEXT = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d"}
_LIGATURE_TEXT["~"] = "\xa0"


def _make_decoder() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    macros = [
        MacroTextSpec("textasciicircum", simplify_repl="^"),
        MacroTextSpec("textbraceleft", simplify_repl="{"),
        MacroTextSpec("textbraceright", simplify_repl="}"),
        MacroTextSpec("url", simplify_repl="%s"),
        MacroTextSpec("TeX", simplify_repl="TeX"),
        MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
    ]
    db.add_context_category("survey-atlas", macros=macros, prepend=True)
    return LatexNodes2Text(latex_context=db, math_mode="text")


_DECODER = _make_decoder()
# Built once: pylatexenc otherwise rebuilds its parsing context for every value.
_WALKER_CONTEXT = get_default_walker_context()


def collapse(text: str) -> str:
    """Collapse runs of ASCII whitespace (not no-break spaces) and strip the ends."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return _SPACES.sub(" ", text).strip()
    return text.strip()


def decode(value: str) -> str:
    """Turn a BibTeX value (LaTeX markup, braces) into plain Unicode text."""
    return collapse(_convert(value))


def _convert(value: str) -> str:
    if "\\" not in value and "$" not in value:
        # Plain values are by far the most common and pylatexenc is slow.
        if "--" in value or "``" in value or "''" in value or "~" in value:
            value = _LIGATURES.sub(lambda m: _LIGATURE_TEXT[m.group()], value)
        return value.replace("{", "").replace("}", "")
    text = fast_convert(value)
    if text is not None:
        return text
    return pylatexenc_convert(value)


def pylatexenc_convert(value: str) -> str:
    """The general LaTeX-to-text conversion, for what the fast path cannot read."""
    walker = LatexWalker(
        _BARE_PERCENT.sub(r"\\%", value), latex_context=_WALKER_CONTEXT
    )
    return _DECODER.nodelist_to_text(walker.get_latex_nodes()[0])


# The common accents, letters and escapes, read with one regular expression; any
# other backslash or math makes fast_convert give up and pylatexenc take over.
_ACCENT_MARKS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "H": "\u030b",
    "u": "\u0306", "r": "\u030a", "k": "\u0328", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_LETTER_MACROS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "aa": "å", "AA": "Å", "dj": "đ",
    "DJ": "Đ",
}  # fmt: skip
_FONT_MACROS = "emph|textit|textbf|textrm|textsc|textnormal"
# After a control word LaTeX skips spaces and one line end, never a paragraph break.
_SKIPPED = r"[ \t\r]*(?:\n[ \t\r]*)?"
_BASE = r"\\[ij](?![A-Za-z])" + _SKIPPED + r"|[A-Za-z]"
_FAST_TOKEN = re.compile(
    rf"""\\(?P<sym>["'`^~=.])
          (?:\{{(?P<sym_braced>\\[ij]|[A-Za-z])\}}|(?P<sym_bare>{_BASE}))
      | \\(?P<let>[cvHurkdb])
          (?:\{{(?P<let_braced>\\[ij]|[A-Za-z])\}}
            |(?=\s)[ \t\r]*\n?[ \t\r]*(?P<let_bare>{_BASE}))
      | \\(?P<word>ss|ae|AE|oe|OE|aa|AA|dj|DJ|o|O|l|L|i|j)(?![A-Za-z]){_SKIPPED}
      | \\(?P<escape>[&%$\#_{{}}\ ])
      | \\(?:{_FONT_MACROS})(?![A-Za-z])\s*(?=\{{)
      | (?P<ligature>---|--|``|''|~)
      | [{{}}]
      | (?P<other>[\\$])
    """,
    re.VERBOSE,
)


class _NotFast(Exception):
    pass


def fast_convert(value: str) -> str | None:
    """Convert value if it holds only common markup, else return None."""
    try:
        return _FAST_TOKEN.sub(_fast_token_text, value)
    except _NotFast:
        return None


def _fast_token_text(match: re.Match) -> str:
    kind = match.lastgroup
    if kind is None:  # a brace, or a font command whose argument follows
        return ""
    if kind == "other":
        raise _NotFast
    if kind == "ligature":
        return _LIGATURE_TEXT[match.group(kind)]
    if kind == "escape":
        return match.group(kind)
    if kind == "word":
        return _LETTER_MACROS[match.group(kind)]
    mark = match.group("sym") if kind.startswith("sym") else match.group("let")
    return _accented(match.group(kind).strip(), _ACCENT_MARKS[mark])


@lru_cache(maxsize=1024)
def _accented(base: str, mark: str) -> str:
    letter = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", letter + mark)


def decode_verbatim(value: str) -> str:
    """Decode a URL-like value: only undo backslash escapes and drop braces."""
    text = re.sub(r"\\([_%&#$~])", r"\1", value)
    return collapse(text.replace("{", "").replace("}", ""))


def split_groups(value: str) -> list[tuple[bool, str]]:
    """Split a title into (is_protective_group, text) pieces at brace depth 0.

    A group opened by ``{\\`` is a special character and a group right after a
    macro name is that macro's argument; neither protects capitalisation.
    """
    pieces: list[tuple[bool, str]] = []
    start, depth, protective = 0, 0, False
    for i, char in enumerate(value):
        if char == "{" and depth == 0 and (i == 0 or value[i - 1] != "\\"):
            protective = _opens_protective(value, i)
            if protective:
                pieces.append((False, value[start:i]))
                start = i + 1
            depth = 1
        elif char == "{" and depth and value[i - 1] != "\\":
            depth += 1
        elif char == "}" and depth and value[i - 1] != "\\":
            depth -= 1
            if depth == 0 and protective:
                pieces.append((True, value[start:i]))
                start, protective = i + 1, False
    pieces.append((False, value[start:]))
    return [(flag, text) for flag, text in pieces if text or flag]


def _opens_protective(value: str, i: int) -> bool:
    if value[i + 1 : i + 2] == "\\":
        return False
    return re.search(r"\\(?:[A-Za-z]+|.)\s*$", value[:i]) is None


def decode_title(value: str) -> tuple[str, str]:
    """Return (title, title_protected) for a raw title value."""
    if "{" not in value:
        return decode(value), ""
    pieces = split_groups(value)
    # An empty group only keeps "--" or "''" from joining: it protects nothing.
    if not any(flag and text for flag, text in pieces):
        return decode(value), ""
    plain = [_convert(text) for _, text in pieces]
    braced = [
        f"{{{collapse(text)}}}" if flag and text else text
        for (flag, _), text in zip(pieces, plain, strict=True)
    ]
    return collapse("".join(plain)), collapse("".join(braced))


_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # An empty group keeps "--", "``" and "''" from turning into dashes and quotes.
    "-": "-{}",
    "`": "`{}",
    "'": "'{}",
}
# Single characters by table; pairs that TeX joins into one glyph by replacing.
_ESCAPE_TABLE = str.maketrans({char: _ESCAPES[char] for char in "\\{}&%$#_~^"})
_LIGATURE_BREAKS = (("--", "-{}-"), ("``", "`{}`"), ("''", "'{}'"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def needs_escape(text: str, dashes: bool = True) -> bool:
    """Whether escape() would change ASCII text: a character to escape, a pair
    TeX joins into one glyph (dashes only with ``dashes``), or whitespace to
    collapse.

    Tests of single characters are much faster than a regular expression over
    a long value (an abstract); pairs are looked for only after their character.
    """
    return (
        "\\" in text or "{" in text or "}" in text or "&" in text or "%" in text
        or "$" in text or "#" in text or "_" in text or "~" in text or "^" in text
        or "\n" in text or "\t" in text or "\r" in text
        or (dashes and "-" in text and "--" in text)
        or ("`" in text and "``" in text)
        or ("'" in text and "''" in text)
        or "  " in text
    )  # fmt: skip


_LETTERS = {
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
    "đ": r"{\dj}",
    "Đ": r"{\DJ}",
    "\u2013": "--",
    "\u2014": "---",
    "\xa0": "~",
    "\u201c": "``",
    "\u201d": "''",
}
# Accents written as a symbol take the letter directly, the others need braces.
_SYMBOL_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0308": '"',
    "\u0304": "=",
    "\u0307": ".",
}
_LETTER_ACCENTS = {
    "\u0327": "c",
    "\u030c": "v",
    "\u030b": "H",
    "\u0306": "u",
    "\u030a": "r",
    "\u0328": "k",
    "\u0323": "d",
}


def escape(text: str, *, latex: bool = True, dashes: bool = True) -> str:
    """Write Unicode text as an inert BibTeX value: no markup survives as a command.

    With ``latex`` non-ASCII letters become LaTeX escapes ({\\"a}); characters
    with no known escape are kept as UTF-8.
    """
    if not needs_escape(text, dashes) and (not latex or text.isascii()):
        return text  # most values: nothing to escape, collapse or transliterate
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _SPACES.sub(" ", text)
    text = text.translate(_ESCAPE_TABLE)
    for pair, broken in _LIGATURE_BREAKS if dashes else _LIGATURE_BREAKS[1:]:
        if pair in text:
            # Twice: the first pass leaves a pair where two broken pairs meet.
            text = text.replace(pair, broken).replace(pair, broken)
    if latex and not text.isascii():
        text = _NON_ASCII.sub(lambda m: _latex_char(m.group()), text)
    return text


@lru_cache(maxsize=4096)
def _latex_char(char: str) -> str:
    if char in _LETTERS:
        return _LETTERS[char]
    base, *marks = unicodedata.normalize("NFD", char)
    if not (marks and base.isascii() and base.isalpha()):
        return char
    if len(marks) == 1:
        (mark,) = marks
        if mark in _SYMBOL_ACCENTS:
            return f"{{\\{_SYMBOL_ACCENTS[mark]}{base}}}"
        if mark in _LETTER_ACCENTS:
            return f"{{\\{_LETTER_ACCENTS[mark]}{{{base}}}}}"
        return char
    # Stacked accents (Vietnamese ễ, ệ): each wraps the one before, innermost
    # first as NFD orders them.
    accents = {**_SYMBOL_ACCENTS, **_LETTER_ACCENTS}
    if not all(mark in accents for mark in marks):
        return char
    text = base
    for mark in marks:
        text = f"\\{accents[mark]}{{{text}}}"
    return f"{{{text}}}"
