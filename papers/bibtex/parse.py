"""Reading .bib files into :class:`BibRecord` objects, reporting every problem found."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)

from papers.bibtex.build import build_record
from papers.bibtex.identifiers import MONTH_MACROS, MONTH_NAMES
from papers.bibtex.records import ParseProblem, ParseResult
from papers.bibtex.scan import scan_blocks

# Syntax errors are reported as ParseProblems; the library's own log lines
# would only repeat them on stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_KEY_IN_RAW = re.compile(r"@\w+\s*[{(]\s*([^\s,{}()=\"#%']+)\s*,")
_MACRO_NAME = re.compile(r"[^\s#{}\"=,()]+")
_BAD_KEY_CHARACTER = re.compile(r"[\s\\{}]")
# A brace or quote that no backslash escapes.
_DELIMITER = re.compile(r'(?<!\\)[{}"]')
_INHERIT_NEVER = {"title", "crossref", "ids", "doi", "url", "eprint", "abstract"}
_VOLUME_TYPES = {"proceedings", "book", "collection", "mvbook"}
_INHERIT_NEVER |= {"archiveprefix", "eprinttype", "primaryclass", "eprintclass"}


@dataclass
class RawEntry:
    """An entry with macros expanded but LaTeX and braces still in its values."""

    key: str
    entry_type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    ok: bool = True


class _Problems(list):
    def add(self, key: str | None, line: int | None, message: str) -> None:
        self.append(ParseProblem(key=key, line=line, message=message))


def parse_bibtex(data: bytes | str, *, max_bytes: int = 5_000_000) -> ParseResult:
    """Parse a .bib file into records plus every problem found in it.

    Parsing continues past errors so that all problems are reported at once;
    entries with a problem give no record.
    """
    problems = _Problems()
    text = _read_text(data, max_bytes, problems)
    if text is None:
        return ParseResult(records=[], problems=list(problems))
    blocks = scan_blocks(text)
    if blocks is None:  # something unusual or wrong: bibtexparser words it
        blocks = bibtexparser.parse_string(text, parse_stack=[]).blocks
    macros = {name: MONTH_NAMES[i] for i, name in enumerate(MONTH_MACROS)}
    entries = _scan_blocks(blocks, macros, problems)
    _check_duplicate_keys(entries, problems)
    parents = _resolve_crossrefs(entries, problems)
    records = []
    for raw in entries:
        record = build_record(raw, problems) if raw.ok else None
        if record is not None:
            records.append(record)
    if not entries and not problems:
        problems.add(None, None, "the file contains no BibTeX entries")
    problems.sort(key=lambda problem: problem.line or 0)
    return ParseResult(
        records=records, problems=list(problems), crossref_parents=parents
    )


def _read_text(data: bytes | str, max_bytes: int, problems: _Problems) -> str | None:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        message = (
            f"the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB"
        )
        problems.add(None, None, message)
        return None
    text = data if isinstance(data, str) else _decode_bytes(data, problems)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        problems.add(None, None, "the file is empty")
        return None
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        message = (
            f"line {line}: the file holds a NUL byte (0x00), which no text "
            "field can store; is it a text file?"
        )
        problems.add(None, line, message)
        return None
    return text


def _decode_bytes(data: bytes, problems: _Problems) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        text = data.decode("utf-8", errors="replace")
        count = text.count("\ufffd") - data.count("\ufffd".encode())
        message = (
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}, line {line}; {count} bad byte(s) in all); save it as UTF-8"
        )
        problems.add(None, line, message)
        return text


def _scan_blocks(blocks, macros: dict[str, str], problems: _Problems) -> list[RawEntry]:
    """Expand @string macros and collect entries; turn failed blocks into problems."""
    entries: list[Entry] = []
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            block = block.ignore_error_block
        if isinstance(block, String):
            _define_macro(block, macros, problems)
        elif isinstance(block, Entry):
            entries.append(block)
        elif isinstance(block, ParsingFailedBlock):
            _report_failed_block(block, problems)
        elif isinstance(block, ImplicitComment) and block.comment.startswith("}"):
            line = block.start_line + 1
            problems.add(None, line, f"line {line}: unbalanced braces (a stray '}}')")
    return [_evaluate_entry(entry, macros, problems) for entry in entries]


def _define_macro(block: String, macros: dict[str, str], problems: _Problems) -> None:
    try:
        macros[block.key.strip().lower()] = evaluate_value(block.value, macros)
    except ValueError as error:
        line = block.start_line + 1
        problems.add(None, line, f"line {line}: @string {block.key.strip()}: {error}")


def _report_failed_block(block: ParsingFailedBlock, problems: _Problems) -> None:
    line = block.start_line + 1
    match = _KEY_IN_RAW.match(block.raw or "")
    key = match.group(1) if match else None
    reason = getattr(block.error, "abort_reason", str(block.error))
    if key is None and "after entry key" in reason:
        problems.add(None, line, f"line {line}: entry has no citation key")
    elif "Unexpected block start" in reason or "end of file" in reason:
        where = f" in entry '{key}'" if key else ""
        problems.add(key, line, f"line {line}: unbalanced braces{where}")
    else:
        where = f"entry '{key}'" if key else "entry"
        problems.add(key, line, f"line {line}: cannot read {where}: {reason.strip()}")


def _evaluate_entry(entry: Entry, macros: dict[str, str], problems) -> RawEntry:
    raw = RawEntry(entry.key.strip(), entry.entry_type.lower(), entry.start_line + 1)
    if not raw.key:
        problems.add(None, raw.line, f"line {raw.line}: entry has no citation key")
        raw.ok = False
    elif _BAD_KEY_CHARACTER.search(raw.key):
        message = f"citation key '{raw.key}' contains a space, brace or backslash"
        problems.add(raw.key, raw.line, f"line {raw.line}: {message}")
        raw.ok = False
    for item in entry.fields:
        name = item.key.strip().lower()
        if name in raw.fields:
            _entry_problem(raw, problems, f"field '{name}' appears twice")
        try:
            raw.fields[name] = evaluate_value(item.value, macros)
        except ValueError as error:
            _entry_problem(raw, problems, f"field '{name}': {error}")
    return raw


def _entry_problem(raw: RawEntry, problems: _Problems, message: str) -> None:
    label = f"entry '{raw.key}'" if raw.key else "entry"
    problems.add(raw.key or None, raw.line, f"{label} at line {raw.line}: {message}")
    raw.ok = False


def evaluate_value(value: str, macros: dict[str, str]) -> str:
    """Expand a raw field value: braces or quotes, numbers, macros and # joins.

    The delimiters are removed; inner braces and LaTeX are kept.
    """
    text = value.strip()
    if text[:1] == "{" and text[-1:] == "}":  # the common case: one braced value
        inner = text[1:-1]
        if "{" not in inner and "}" not in inner:
            return inner
        if _closing(text, 0, "}") == len(text) - 1:
            return inner
    parts, pos = [], 0
    while True:
        part, pos = _next_token(text, pos, macros)
        parts.append(part)
        rest = text[pos:].lstrip()
        if not rest:
            return "".join(parts)
        if not rest.startswith("#"):
            raise ValueError(f"unexpected text {rest[:20]!r} after the value")
        pos = len(text) - len(rest) + 1


def _next_token(text: str, pos: int, macros: dict[str, str]) -> tuple[str, int]:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        raise ValueError("the value is empty or ends with '#'")
    opener = text[pos]
    if opener in '{"':
        end = _closing(text, pos, "}" if opener == "{" else '"')
        return text[pos + 1 : end], end + 1
    match = _MACRO_NAME.match(text, pos)
    if match is None:
        raise ValueError(f"unexpected {opener!r}")
    name = match.group()
    if name.isdigit():
        return name, match.end()
    if name.lower() not in macros:
        raise ValueError(f"undefined string macro '{name}'")
    return macros[name.lower()], match.end()


def _closing(text: str, start: int, closer: str) -> int:
    depth = 0
    for match in _DELIMITER.finditer(text, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == closer and depth == 0:
            return match.start()
    raise ValueError("unbalanced braces or quotes")


def _check_duplicate_keys(entries: list[RawEntry], problems: _Problems) -> None:
    first_line: dict[str, int] = {}
    for raw in entries:
        if not raw.key:
            continue
        folded = raw.key.casefold()
        if folded in first_line:
            message = f"duplicate key (first used at line {first_line[folded]})"
            _entry_problem(raw, problems, message)
        else:
            first_line[folded] = raw.line


def _resolve_crossrefs(entries: list[RawEntry], problems: _Problems) -> set[str]:
    """Copy fields from crossref parents; return the parents' case-folded keys."""
    by_key: dict[str, RawEntry] = {}
    for raw in entries:
        by_key.setdefault(raw.key.casefold(), raw)
    parents = {
        raw.fields["crossref"].strip().casefold()
        for raw in entries
        if "crossref" in raw.fields
    }
    for raw in entries:
        _inherit(raw, by_key, problems, depth=0)
    return parents & set(by_key)


def _inherit(raw: RawEntry, by_key: dict[str, RawEntry], problems, depth: int) -> None:
    target = raw.fields.pop("crossref", None)
    if target is None:
        return
    parent = by_key.get(target.strip().casefold())
    if parent is None or parent is raw or depth > 8:
        _entry_problem(
            raw, problems, f"crossref '{target}' is not an entry in the file"
        )
        return
    _inherit(parent, by_key, problems, depth + 1)
    if parent.entry_type in _VOLUME_TYPES and "title" in parent.fields:
        # The parent's title is the child's booktitle, as biber maps it.
        raw.fields.setdefault("booktitle", parent.fields["title"])
    for name, value in parent.fields.items():
        if name not in _INHERIT_NEVER:
            raw.fields.setdefault(name, value)
