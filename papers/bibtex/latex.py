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

#: Fields holding URLs or identifiers: kept verbatim, never read as LaTeX.
VERBATIM_FIELDS = frozenset({"doi", "url", "eprint", "file", "pdf"})

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


def collapse(text: str) -> str:
    """Collapse runs of ASCII whitespace (not no-break spaces) and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def decode(value: str) -> str:
    """Turn a BibTeX value (LaTeX markup, braces) into plain Unicode text."""
    return collapse(_convert(value))


def _convert(value: str) -> str:
    if "\\" not in value and "$" not in value:
        # Plain values are by far the most common and pylatexenc is slow.
        text = _LIGATURES.sub(lambda m: _LIGATURE_TEXT[m.group()], value)
        return text.replace("{", "").replace("}", "")
    return _DECODER.latex_to_text(_BARE_PERCENT.sub(r"\\%", value))


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
    pieces = split_groups(value)
    if not any(flag for flag, _ in pieces):
        return decode(value), ""
    plain = [_convert(text) for _, text in pieces]
    braced = [
        f"{{{collapse(text)}}}" if flag else text
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
_SPECIAL = re.compile(r"[\\{}&%$#_~^]|-(?=-)|`(?=`)|'(?=')")
_SPECIAL_NO_DASH = re.compile(r"[\\{}&%$#_~^]|`(?=`)|'(?=')")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

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
    pattern = _SPECIAL if dashes else _SPECIAL_NO_DASH
    text = pattern.sub(lambda m: _ESCAPES[m.group()], _SPACES.sub(" ", text))
    if latex and not text.isascii():
        text = _NON_ASCII.sub(lambda m: _latex_char(m.group()), text)
    return text


@lru_cache(maxsize=4096)
def _latex_char(char: str) -> str:
    if char in _LETTERS:
        return _LETTERS[char]
    parts = unicodedata.normalize("NFD", char)
    if len(parts) != 2 or not (parts[0].isascii() and parts[0].isalpha()):
        return char
    base, mark = parts
    if mark in _SYMBOL_ACCENTS:
        return f"{{\\{_SYMBOL_ACCENTS[mark]}{base}}}"
    if mark in _LETTER_ACCENTS:
        return f"{{\\{_LETTER_ACCENTS[mark]}{{{base}}}}}"
    return char
