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
