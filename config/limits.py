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


def bad_request(request: HttpRequest, message: str, fields: dict) -> HttpResponse:
    if wants_json(request):
        body = {"error": {"code": "invalid", "message": message, "fields": fields}}
        return JsonResponse(body, status=400)
    html = loader.get_template("400.html").render({"message": message}, request)
    return HttpResponse(html, status=400)


class AddressCheckMiddleware:
    """400 for an address over settings.ATLAS_MAX_URL_LENGTH, or with a NUL
    character in the path or a query parameter.

    No name, key or search text holds a NUL, and PostgreSQL refuses them in
    strings, so they would otherwise reach the database as a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.ATLAS_MAX_URL_LENGTH
        if len(request.path) + len(request.META.get("QUERY_STRING", "")) > limit:
            problem = f"The address is longer than the {limit:,} characters accepted."
            return bad_request(
                request, f"Invalid input. path: {problem}", {"path": [problem]}
            )
        if "\x00" in request.path:
            problem = "The address contains a NUL character."
            return bad_request(
                request, f"Invalid input. path: {problem}", {"path": [problem]}
            )
        names = sorted(
            name
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        )
        if names:
            fields = {
                name.replace("\x00", "\\0"): ["Null characters are not allowed."]
                for name in names
            }
            message = "Invalid input. " + " ".join(
                f"{name}: Null characters are not allowed." for name in fields
            )
            return bad_request(request, message, fields)
        return self.get_response(request)
