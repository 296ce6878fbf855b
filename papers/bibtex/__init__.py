"""BibTeX parsing and writing for the survey's papers (no Django here).

``parse_bibtex`` reads a .bib file into :class:`BibRecord` objects and reports
every problem in it; ``format_entry`` and ``iter_bibtex`` write records back.
"""

from papers.bibtex.identifiers import (
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
)
from papers.bibtex.names import format_name, parse_names
from papers.bibtex.parse import parse_bibtex
from papers.bibtex.records import BibRecord, ParseProblem, ParseResult, PersonName
from papers.bibtex.write import format_entry, is_field_name, iter_bibtex

__all__ = [
    "BibRecord",
    "ParseProblem",
    "ParseResult",
    "PersonName",
    "format_entry",
    "format_name",
    "is_field_name",
    "iter_bibtex",
    "normalise_arxiv_id",
    "normalise_doi",
    "normalise_title",
    "parse_bibtex",
    "parse_names",
]
