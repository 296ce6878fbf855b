"""Writing change-log rows; every service that writes calls change_record."""

from typing import Any

from django.db import models

from history.models import Action, Change


def change_record(
    *, actor: Any, action: str, target: models.Model, changes: dict | None = None
) -> Change:
    """Record one write to target, done by actor (a user, or None for the system)."""
    if action not in Action.values:
        raise ValueError(f"unknown change action {action!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Change.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        changes=changes or {},
    )


def field_changes(before: dict, after: dict) -> dict:
    """The fields whose value differs, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
