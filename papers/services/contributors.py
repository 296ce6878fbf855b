"""Finding or creating the authors and venues that paper writes refer to."""

from typing import Any

from django.core.exceptions import ValidationError

from history.models import Action
from history.services import change_record
from papers.bibtex import PersonName, parse_names
from papers.models import Author, Venue

NAME_PARTS = ("given", "von", "family", "suffix")


def person_name(value: Any) -> PersonName:
    """A PersonName from {"given", "von", "family", "suffix"} or a display string."""
    if isinstance(value, PersonName):
        return value
    if isinstance(value, str):
        names, _ = parse_names(value.strip())
        if len(names) != 1:
            raise ValidationError({"authors": f"Cannot read {value!r} as one name."})
        return names[0]
    if isinstance(value, dict) and set(value) <= set(NAME_PARTS):
        parts = {k: str(value.get(k) or "").strip() for k in NAME_PARTS}
        return PersonName(**parts)
    raise ValidationError(
        {
            "authors": "Each author is a name string or an object with given, von, "
            "family and suffix."
        }
    )


def author_get_or_create(*, actor: Any, name: PersonName) -> Author:
    """The author with exactly these name parts, created (and logged) if new."""
    if not name.family:
        raise ValidationError({"authors": "Every author needs a family name."})
    parts = {k: getattr(name, k) for k in NAME_PARTS}
    author = Author.objects.filter(**parts).first()
    if author is not None:
        return author
    author = Author(**parts)
    try:
        author.full_clean()
    except ValidationError as error:
        raise ValidationError({"authors": error.messages}) from error
    author.save()
    change_record(actor=actor, action=Action.CREATE, target=author, changes=parts)
    return author


def venue_get_or_create(*, actor: Any, name: str | None) -> Venue | None:
    """The venue with this name (case ignored), created (and logged) if new."""
    if name is None or not str(name).strip():
        return None
    if not isinstance(name, str):
        raise ValidationError({"venue": "The venue is a name string or null."})
    name = " ".join(name.split())
    venue = Venue.objects.filter(name__iexact=name).first()
    if venue is not None:
        return venue
    venue = Venue(name=name)
    try:
        venue.full_clean()
    except ValidationError as error:
        raise ValidationError({"venue": error.messages}) from error
    venue.save()
    change_record(
        actor=actor, action=Action.CREATE, target=venue, changes={"name": name}
    )
    return venue
