"""OpenAPI generation: every operation documents the errors it can answer with."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from papers.exports import EXPORT_FORMATS


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. invalid, not_found.")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: messages per field or query parameter.",
    )


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error answer."""

    error = ErrorDetailSerializer()


ERRORS = {
    "400": "Invalid input or query parameter (named in error.fields).",
    "401": "Authentication needed (token or session).",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such object.",
    "409": "The object changed since the version sent; nothing was written.",
    "413": "The request body is too large.",
    "415": "The request body's media type is not supported.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}
READ_ERRORS = ("400", "429")
WRITE_ERRORS = ("400", "401", "403", "413", "415", "429")


#: What `?format=json` on papers answers: the JSON export, one object per paper.
JSON_EXPORT = {
    "type": "array",
    "items": {"type": "object"},
    "description": "With ?format=json: the JSON export, one object per paper.",
}
CSL_JSON = {"type": "array", "items": {"type": "object"}, "description": "CSL-JSON"}


CSL_JSON_MEDIA_TYPE = EXPORT_FORMATS["csljson"][0].split(";")[0]


def document_json_exports(result, generator, request, public):
    """Operations offering the paper exports answer ?format=json with the JSON
    export under the same media type as their ordinary answer: document both.
    A list's CSL-JSON is the bare array too (never in pages), whatever the
    list's pagination would wrap it in."""
    for operations in result["paths"].values():
        for operation in operations.values():
            formats = {
                tuple(p["schema"].get("enum", ()))
                for p in operation.get("parameters", ())
                if p["name"] == "format" and p["in"] == "query"
            }
            if tuple(sorted(EXPORT_FORMATS)) not in formats:
                continue
            content = operation["responses"]["200"]["content"]
            ordinary = content["application/json"]["schema"]
            content["application/json"]["schema"] = {"oneOf": [ordinary, JSON_EXPORT]}
            if CSL_JSON_MEDIA_TYPE in content:
                content[CSL_JSON_MEDIA_TYPE]["schema"] = CSL_JSON
    return result


class AtlasAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers of each operation."""

    def _is_list_view(self, serializer=None) -> bool:
        # A view may answer a list action with one object (the taxonomy tree).
        if getattr(self.view, "answers_one_object", False):
            return False
        return super()._is_list_view(serializer)

    def get_auth(self):
        # Reads open to everyone need no credentials: an empty requirement says so.
        auths = super().get_auth()
        open_read = self.method in SAFE_METHODS and all(
            getattr(permission, "anonymous_reads", False)
            for permission in self.view.get_permissions()
        )
        if open_read and {} not in auths:
            auths.append({})
        return auths

    def _error_codes(self) -> list[str]:
        codes = list(READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS)
        if self.method == "DELETE":
            codes.remove("415")
        if self.path_regex and "{" in self.path:
            codes.append("404")
        if self.method in ("PUT", "PATCH", "DELETE") and getattr(
            self.view, "versioned_writes", False
        ):
            codes.append("409")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
                responses[code] = self._get_response_for_code(
                    error, code, ("application/json",), direction
                )
        return responses
