"""The change log: one row for every write to the knowledge base."""

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    IMPORT = "import", "Imported"
    LOAD = "load", "Loaded"


class ChangeQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "ChangeQuerySet":
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))


class Change(models.Model):
    """Who changed what, when: written by the service that does the write."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["target_type", "target_id"], name="history_change_target_idx"
            )
        ]

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.get_action_display()} {self.target_repr} by {who}"
