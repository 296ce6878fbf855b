"""Write published papers (all, one, or a filtered set) as BibTeX to stdout."""

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from papers.exports import EXPORT_FORMATS, export_stream
from papers.filtersets import PaperFilterSet
from papers.models import CitationKeyAlias
from papers.selectors import paper_list

_ENCODINGS = {"latex": "bibtex", "unicode": "biblatex"}


class Command(BaseCommand):
    help = (
        "Export published papers as BibTeX (or another format) to standard output, "
        "streamed: python manage.py export_bibtex --modality image > out.bib"
    )

    def add_arguments(self, parser):
        for name in ("modality", "method", "application", "open-issue", "dataset"):
            parser.add_argument(
                f"--{name}", action="append", default=[], help=f"{name} slug; repeat"
            )
        parser.add_argument("--year-min", type=int)
        parser.add_argument("--year-max", type=int)
        parser.add_argument("--q", help="Free text over title, abstract and authors.")
        parser.add_argument(
            "--key", action="append", default=[], help="Citation key; repeat."
        )
        parser.add_argument(
            "--encoding",
            choices=sorted(_ENCODINGS),
            default="latex",
            help="latex: LaTeX escapes (bibtex); unicode: UTF-8 (biber).",
        )
        parser.add_argument(
            "--format",
            choices=sorted(EXPORT_FORMATS),
            help="Another format instead of BibTeX (overrides --encoding).",
        )

    def handle(self, *args, **options):
        papers = self._papers(options)
        fmt = options["format"] or _ENCODINGS[options["encoding"]]
        for chunk in export_stream(papers, fmt):
            self.stdout.write(chunk, ending="")

    def _papers(self, options):
        data = {
            name.replace("-", "_"): options[name.replace("-", "_")]
            for name in ("modality", "method", "application", "open-issue", "dataset")
            if options[name.replace("-", "_")]
        }
        for name in ("year_min", "year_max", "q"):
            if options[name] is not None:
                data[name] = str(options[name])
        filters = PaperFilterSet(data=_query_dict(data), queryset=paper_list())
        if not filters.is_valid():
            raise CommandError(filters.error_text())
        papers = filters.qs
        if options["key"]:
            papers = papers.filter(citation_key__in=self._current_keys(options["key"]))
        return papers

    def _current_keys(self, keys: list[str]) -> list[str]:
        """The keys of published papers the given keys name; a former key names
        its paper (said on stderr), and a key naming none is an error."""
        published = paper_list().filter(citation_key__in=keys)
        current = set(published.values_list("citation_key", flat=True))
        renamed = dict(
            CitationKeyAlias.objects.filter(
                key__in=set(keys) - current, paper__in=paper_list()
            ).values_list("key", "paper__citation_key")
        )
        for old, new in renamed.items():
            self.stderr.write(f"'{old}' is a former key of '{new}': exported as that.")
        unknown = [key for key in keys if key not in current and key not in renamed]
        if unknown:
            listed = ", ".join(f"'{key}'" for key in unknown)
            raise CommandError(f"No published paper has the key {listed}.")
        return [*current, *renamed.values()]


def _query_dict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query
