"""A cap on the size of every request body, checked before anything reads it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from config.errors import wants_json


def declared_length(request: HttpRequest) -> int | None:
    """The body size the client declares, or None when it declares none."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = f"The request body is larger than the {limit:,} bytes accepted."
    if wants_json(request):
        body = {"error": {"code": "payload_too_large", "message": message}}
        return JsonResponse(body, status=413)
    html = loader.get_template("413.html").render({"message": message}, request)
    return HttpResponse(html, status=413)


class RequestSizeLimitMiddleware:
    """413 for a body over settings.ATLAS_MAX_REQUEST_BYTES, by its Content-Length.

    File uploads are not covered by DATA_UPLOAD_MAX_MEMORY_SIZE (Django streams
    them to disk), so this keeps an oversized .bib from being received at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.ATLAS_MAX_REQUEST_BYTES
        length = declared_length(request)
        if length is None:
            return JsonResponse(
                {"error": {"code": "bad_request", "message": "Bad Content-Length."}},
                status=400,
            )
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)
