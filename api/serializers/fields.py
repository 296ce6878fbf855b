"""Serializer fields shared by several shapes."""

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "uri"}, {"maxLength": 0}],
        "description": 'A web address, or "" where none is known.',
    }
)
class OptionalURLField(serializers.CharField):
    """A web address that may be empty (the model stores "" for none); checked
    as DRF's URLField checks one when it is not empty."""

    check_url = URLValidator(message="Enter a valid URL.")

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:  # not among the validators, which would document it as a uri
            self.check_url(value)
        return value


def no_null_characters(value) -> None:
    """Refuse a value holding U+0000 in any text (keys of objects included):
    no database text can store it. DRF's CharField refuses it on its own."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            raise serializers.ValidationError("Null characters are not allowed.")
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
