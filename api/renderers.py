"""Export formats as DRF renderers, and content negotiation that knows them.

The paper list and detail stream exports themselves (see api.views.papers);
these renderers only let `?format=` and `Accept` select an export. `?format=json`
on papers selects the JSON export, while `Accept: application/json` keeps the
ordinary API response.
"""

from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

from papers.exports import EXPORT_FORMATS


class ExportRenderer(BaseRenderer):
    """Marks an export format; the view answers with a streaming response."""

    charset = "utf-8"
    query_only = False

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for a non-streaming answer such as an error body.
        return JSONRenderer().render(data, "application/json", renderer_context)


def _renderer(fmt: str, *, query_only: bool = False) -> type[ExportRenderer]:
    media_type = EXPORT_FORMATS[fmt][0].split(";")[0]
    return type(
        f"{fmt.title()}ExportRenderer",
        (ExportRenderer,),
        {"format": fmt, "media_type": media_type, "query_only": query_only},
    )


EXPORT_RENDERERS = [
    _renderer("bibtex"),
    _renderer("biblatex"),
    _renderer("csv"),
    _renderer("csljson"),
    _renderer("ris"),
    _renderer("json", query_only=True),
]


def export_format(request) -> str | None:
    """The export the request asked for, or None for the ordinary JSON answer."""
    renderer = getattr(request, "accepted_renderer", None)
    return renderer.format if isinstance(renderer, ExportRenderer) else None


class AtlasContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a 400 naming the parameter, not a 404; a method
    the view does not answer is a 405 whatever the query asks for."""

    def select_renderer(self, request, renderers, format_suffix=None):
        view = request.parser_context.get("view")
        if view is not None and request.method not in view.allowed_methods:
            raise MethodNotAllowed(request.method)
        fmt = request.query_params.get("format")
        if fmt is not None:
            matching = sorted(
                (r for r in renderers if r.format == fmt),
                key=lambda r: not getattr(r, "query_only", False),
            )
            if not matching:
                known = ", ".join(sorted({r.format for r in renderers}))
                raise ValidationError(
                    {"format": [f"Unknown format {fmt!r}; this endpoint has: {known}."]}
                )
            return matching[0], matching[0].media_type
        renderers = [r for r in renderers if not getattr(r, "query_only", False)]
        return super().select_renderer(request, renderers, format_suffix)
