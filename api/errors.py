"""One error shape for every API response that is not a success.

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}
"fields" appears for validation errors and names each offending field or query
parameter.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from papers.services.errors import StaleVersion

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record changed since you read it."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, StaleVersion):
        return Conflict(str(exc))
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return None


def _fields(detail) -> dict:
    """Field name -> list of messages, flattening nested serializer errors."""
    if isinstance(detail, dict):
        found = {}
        for name, value in detail.items():
            if name == "non_field_errors":
                name = "__all__"
            if isinstance(value, dict):
                for inner, messages in _fields(value).items():
                    found[f"{name}.{inner}"] = messages
            else:
                found[name] = _messages(value)
        return found
    return {"__all__": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            out.extend(
                _messages(item) if isinstance(item, list | dict) else [str(item)]
            )
        return out
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in _fields(value).items() for m in v]
    return [str(value)]


def _validation_message(fields: dict) -> str:
    parts = []
    for name, messages in fields.items():
        label = "" if name == "__all__" else f"{name}: "
        parts.append(label + " ".join(messages))
    return "Invalid input. " + " ".join(parts)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, answering in the one error shape."""
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None  # a real server error: Django's handler500 answers (JSON)
    _answer_in_json(context.get("request"))
    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait + 0.999))
    code = api_exc.get_codes()
    if isinstance(api_exc, exceptions.ValidationError):
        fields = _fields(api_exc.detail)
        body = error_body("invalid", _validation_message(fields), fields)
    else:
        code = code if isinstance(code, str) else api_exc.default_code
        body = error_body(code, str(api_exc.detail))
    set_rollback()
    return Response(body, status=api_exc.status_code, headers=headers)


def _answer_in_json(request) -> None:
    """Errors are JSON even when the client asked for an export format."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and not isinstance(renderer, JSONRenderer):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"


@csrf_exempt  # a 404 for every method, as the API's own views answer
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any /api/ path that matches no endpoint."""
    message = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        message += f" Did you mean {request.path}/ ?"
    return JsonResponse(error_body("not_found", message), status=404)
