"""Admin for the change log, and a mixin that logs admin writes like services do."""

from django.contrib import admin
from django.forms.models import model_to_dict

from history.models import Action, Change
from history.services import change_record


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Writes a change-log row for every save and delete done in the admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        change_record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            target=obj,
            changes=changed,
        )

    def delete_model(self, request, obj):
        change_record(
            actor=request.user,
            action=Action.DELETE,
            target=obj,
            changes={k: str(v) for k, v in model_to_dict(obj).items()},
        )
        super().delete_model(request, obj)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "target_id"]
    readonly_fields = [f.name for f in Change._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
