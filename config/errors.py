"""Error responses: a database outage answers 503 quickly; the API always gets JSON."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "30"


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(
        "/api/"
    ) or "application/json" in request.headers.get("Accept", "")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database connection is a 503 to retry, anything else a 500."""
    error = sys.exc_info()[1]
    outage = isinstance(error, OUTAGE_ERRORS) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    )
    status = 503 if outage else 500
    message = (
        "The database is unavailable; please retry shortly."
        if outage
        else "Something went wrong on our side; it has been logged."
    )
    if wants_json(request):
        code = "service_unavailable" if outage else "server_error"
        response = JsonResponse(
            {"error": {"code": code, "message": message}}, status=status
        )
    else:
        template = loader.get_template(f"{status}.html")
        response = HttpResponse(template.render({"message": message}), status=status)
    if outage:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the API answers in its JSON shape, pages with a page."""
    message = (
        "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken "
        "header, or authenticate with a token."
    )
    if wants_json(request):
        body = {"error": {"code": "csrf_failed", "message": message}}
        return JsonResponse(body, status=403)
    template = loader.get_template("403_csrf.html")
    return HttpResponse(template.render({"reason": reason}, request), status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ (any path, even one no pattern can match) JSON."""
    if request.path.startswith("/api/"):
        message = f"No API endpoint at {request.path}."
        body = {"error": {"code": "not_found", "message": message}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
