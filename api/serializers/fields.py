"""Serializer fields shared by several shapes."""

import re
from datetime import date

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


#: The JSON type each kind of input field takes, and DRF's word for a mismatch.
JSON_TYPES = (
    (serializers.BooleanField, (bool,), "Must be a valid boolean."),
    (serializers.IntegerField, (int,), "A valid integer is required."),
    (serializers.CharField, (str,), "Not a valid string."),
    (serializers.DateField, (str,), "Enter a date as a string, YYYY-MM-DD."),
)


def json_type_error(field, value) -> str | None:
    """Why `value` does not have the JSON type `field` documents, or None.
    Null is left to the field (allow_null); lists and objects are checked
    item by item."""
    if value is None:
        return None
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        errors = (json_type_error(field.child, item) for item in value)
        return next((error for error in errors if error), None)
    if isinstance(field, serializers.DictField) and isinstance(value, dict):
        errors = (json_type_error(field.child, item) for item in value.values())
        return next((error for error in errors if error), None)
    for field_class, types, message in JSON_TYPES:
        if isinstance(field, field_class):
            mismatched = not isinstance(value, types) or (
                isinstance(value, bool) and bool not in types
            )
            return message if mismatched else None
    return None


class JSONTypedInput:
    """Serializer mixin: every value sent must already have the type the OpenAPI
    schema gives it. DRF alone would turn 7 into "7" for a text field or "1"
    into 1 for a number; here either is a 400 naming the field."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: [error]
                for name, field in self.fields.items()
                if not field.read_only
                and name in data
                and (error := json_type_error(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class CalendarDateField(serializers.DateField):
    """An ISO date (YYYY-MM-DD); one written right but not on the calendar
    (2024-02-30) is called that, not a date of the wrong format."""

    def to_internal_value(self, value):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                date.fromisoformat(value)
            except ValueError as error:
                raise serializers.ValidationError(
                    f"{value} is not a day of the calendar ({error})."
                ) from error
        return super().to_internal_value(value)
