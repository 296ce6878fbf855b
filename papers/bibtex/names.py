"""Person names the BibTeX way: "First von Last", "von Last, Jr, First" and so on."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from papers.bibtex.latex import decode
from papers.bibtex.records import PersonName

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(",")
_WORD_SEPARATOR = re.compile(r"[\s~]+")
#: One word of ASCII letters, single inner . ' or - allowed ("O'Neil", "J.").
_PLAIN_WORD = r"[A-Za-z]+(?:[.'-][A-Za-z]+)*\.?"
#: "Family" or "Family, Given names" of plain words, where the family name is
#: not "and" or "others" and no given name is "and" (any case): such a name is
#: written as it is.
_PLAIN_FAMILY = re.compile(rf"(?!(?i:and|others)$){_PLAIN_WORD}")
_NOT_AND = r"(?!(?i:and)(?: |$))"
_PLAIN_NAME = re.compile(
    rf"(?!(?i:and|others),){_PLAIN_WORD}"
    rf", {_NOT_AND}{_PLAIN_WORD}(?: {_NOT_AND}{_PLAIN_WORD})*"
)


def _depth_zero_splits(value: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``value`` on ``pattern`` matches that lie outside any braces."""
    pieces, start, depth, counted = [], 0, 0, 0
    for match in pattern.finditer(value):
        depth += _depth_change(value, counted, match.start())
        counted = match.start()
        if depth == 0:
            pieces.append(value[start : match.start()])
            start = match.end()
    pieces.append(value[start:])
    return pieces


def _depth_change(value: str, begin: int, end: int) -> int:
    """Braces opened minus braces closed in value[begin:end], a backslashed
    brace not counting (its backslash may lie just before begin)."""
    escaped_from = max(begin - 1, 0)
    opened = value.count("{", begin, end) - value.count("\\{", escaped_from, end)
    return opened - (
        value.count("}", begin, end) - value.count("\\}", escaped_from, end)
    )


def parse_names(value: str) -> tuple[tuple[PersonName, ...], bool]:
    """Split an author/editor field into names; report whether it ends in "and others".

    Works on raw BibTeX (LaTeX escapes, braces) and on plain Unicode alike.
    """
    names: list[PersonName] = []
    et_al = False
    for raw in _depth_zero_splits(f" {value.strip()} ", _AND):
        raw = raw.strip()
        if raw.lower() == "others":
            et_al = True
        elif raw:
            names.append(parse_name(raw))
    return tuple(names), et_al


# Bibliographies repeat their authors' names; a name always parses the same way.
@lru_cache(maxsize=16384)
def parse_name(raw: str) -> PersonName:
    """Parse one name in any of the three BibTeX forms."""
    parts = [p.strip() for p in _depth_zero_splits(raw, _COMMA)]
    if len(parts) == 1:
        return _parse_first_von_last(_words(parts[0]))
    von, family = _split_von_last(_words(parts[0]))
    suffix = parts[1] if len(parts) > 2 else ""
    given = ", ".join(parts[2:]) if len(parts) > 2 else parts[1]
    return PersonName(
        given=decode(given), family=family, von=von, suffix=decode(suffix)
    )


def _words(part: str) -> list[str]:
    return [w for w in _depth_zero_splits(part, _WORD_SEPARATOR) if w]


def _parse_first_von_last(words: list[str]) -> PersonName:
    lower = [i for i, w in enumerate(words[:-1]) if _starts_lower(w)]
    if not lower:
        return PersonName(given=_join(words[:-1]), family=_join(words[-1:]))
    first, last = lower[0], lower[-1]
    return PersonName(
        given=_join(words[:first]),
        von=_join(words[first : last + 1]),
        family=_join(words[last + 1 :]),
    )


def _split_von_last(words: list[str]) -> tuple[str, str]:
    lower = [i for i, w in enumerate(words[:-1]) if _starts_lower(w)]
    if not lower:
        return "", _join(words)
    return _join(words[: lower[-1] + 1]), _join(words[lower[-1] + 1 :])


def _join(words: list[str]) -> str:
    return decode(" ".join(words))


def _starts_lower(word: str) -> bool:
    """Case of a word's first letter, looking inside special characters like {\\"u}.

    A word whose first letter sits inside ordinary braces counts as upper case,
    as BibTeX does.
    """
    depth = 0
    for i, char in enumerate(word):
        if char == "{":
            if depth == 0 and word[i + 1 : i + 2] == "\\":
                return _first_letter_lower(decode(word[i:]))
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "\\" and depth == 0:
            return _first_letter_lower(decode(word[i:]))
        elif depth == 0 and char.isalpha():
            return char.islower()
    return False


def _first_letter_lower(text: str) -> bool:
    return next((c.islower() for c in text if c.isalpha()), False)


def format_name(name: PersonName, escape: Callable[[str], str] = str) -> str:
    """Write a name as "von Last, Jr, First", escaping each part with ``escape``.

    Braces are added wherever reading the name back would otherwise split it
    differently (corporate names, lower-case words inside a family name, commas).
    """
    given, family, von, suffix = name
    if not (von or suffix):
        # Most names: letters only, nothing to brace or escape.
        if given:
            text = f"{family}, {given}"
            if _PLAIN_NAME.fullmatch(text):
                return text
        elif _PLAIN_FAMILY.fullmatch(family):
            return family
    return format_name_in_full(name, escape)


def format_name_in_full(name: PersonName, escape: Callable[[str], str] = str) -> str:
    """format_name without its shortcut for plain names (every rule applied)."""
    if name.is_corporate:
        return f"{{{escape(name.family)}}}"
    family = _protect_family(name.family, escape)
    head = f"{escape(name.von)} {family}" if name.von else family
    given = _protect_part(name.given, escape)
    if name.suffix:
        # BibTeX rejects a name ending in a comma; "{}" is an empty given name.
        return f"{head}, {_protect_part(name.suffix, escape)}, {given or '{}'}"
    return f"{head}, {given}" if name.given else head


def _protect_family(family: str, escape: Callable[[str], str]) -> str:
    words = family.split(" ")
    risky = any(_starts_lower(w) for w in words[:-1]) or "," in family
    if risky or any(w.lower() == "and" for w in words) or family.lower() == "others":
        return f"{{{escape(family)}}}"
    return escape(family)


def _protect_part(part: str, escape: Callable[[str], str]) -> str:
    words = part.split(" ")
    if "," in part or any(w.lower() == "and" for w in words):
        return f"{{{escape(part)}}}"
    return escape(part)
