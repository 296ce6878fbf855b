"""BibTeX import through the API: the same service as the command and the
curator page (papers.services.bibtex_import), all of the file or nothing."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import PayloadTooLarge
from api.permissions import is_curator
from api.views.base import StrictQueryMixin, flag, flag_parameter
from papers.services.bibtex_import import OUTCOMES, bibtex_import


class BibtexParser(BaseParser):
    """A .bib file sent as the request body; handed on as bytes (the import
    service reports its encoding problems)."""

    media_type = "application/x-bibtex"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"file": stream.read() if stream is not None else b""}


class PlainTextBibtexParser(BibtexParser):
    media_type = "text/plain"


class CuratorsOnly(BasePermission):
    message = "Only curators may change the knowledge base."

    def has_permission(self, request, view) -> bool:
        return is_curator(request.user)


class EntryOutcomeSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    paper = serializers.CharField(
        allow_null=True, help_text="Citation key of the paper the entry became or is."
    )
    message = serializers.CharField(allow_blank=True)


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Entries per outcome."
    )
    entries = EntryOutcomeSerializer(many=True)


def _upload(request) -> bytes:
    """The file's bytes: 413 over the upload cap, before anything parses it."""
    upload = request.data.get("file")
    limit = settings.BIBTEX_MAX_UPLOAD_BYTES
    if upload is None:
        raise ValidationError(
            {
                "file": [
                    "Send a .bib file: as the multipart field 'file', or as the "
                    "body (application/x-bibtex or text/plain)."
                ]
            }
        )
    size = len(upload) if isinstance(upload, bytes) else getattr(upload, "size", 0)
    if size > limit:
        raise PayloadTooLarge(
            f"The .bib file is larger than the {limit:,} bytes accepted."
        )
    return upload if isinstance(upload, bytes) else upload.read()


class BibtexImportView(StrictQueryMixin, APIView):
    """Import a .bib file (multipart `file`, or the body as application/x-bibtex
    or text/plain). Every entry's outcome is reported; a file with any problem
    is refused whole, with each problem's entry key and line."""

    permission_classes = [CuratorsOnly]
    parser_classes = [MultiPartParser, BibtexParser, PlainTextBibtexParser]
    # A misspelt dry_run must not import for real.
    extra_query_params = {None: ("dry_run",)}

    @extend_schema(
        summary="Import a BibTeX file",
        parameters=[
            flag_parameter(
                "dry_run", "1: report what the import would do, write nothing."
            )
        ],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
            "application/x-bibtex": OpenApiTypes.BINARY,
            "text/plain": OpenApiTypes.BINARY,
        },
        responses={
            201: OpenApiResponse(ImportReportSerializer, "Imported: written."),
            200: OpenApiResponse(ImportReportSerializer, "Nothing written (dry run)."),
        },
    )
    def post(self, request):
        dry_run = flag(request, "dry_run")
        data = _upload(request)
        report = bibtex_import(data=data, actor=request.user, dry_run=dry_run)
        if not report.ok:
            # Each problem once: an entry's error outcome only joins its problems.
            problems = [p.message for p in report.problems]
            raise ValidationError({"file": list(dict.fromkeys(problems))})
        body = ImportReportSerializer(
            {
                "dry_run": dry_run,
                "written": report.written,
                "counts": report.counts,
                "entries": [
                    {
                        "key": e.key,
                        "line": e.line,
                        "outcome": e.outcome,
                        "paper": e.paper_key,
                        "message": e.message,
                    }
                    for e in report.entries
                ],
            }
        ).data
        code = status.HTTP_201_CREATED if report.written else status.HTTP_200_OK
        return Response(body, status=code)
