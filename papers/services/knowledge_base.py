"""Whole-knowledge-base backup and restore, independent of the database engine."""

import io
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from papers.models import Paper

# Users come along because the change log and labels name them.
KB_APPS = ("auth.group", "auth.user", "taxonomy", "papers", "history", "maps")


def kb_models() -> list[str]:
    """The apps/models of the dump that this installation has."""
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in KB_APPS if label.split(".")[0] in installed]


def kb_dump(*, path: Path) -> None:
    """Write every row of the knowledge base to a JSON file, primary keys included."""
    call_command("dumpdata", *kb_models(), indent=1, output=str(path), verbosity=0)


@transaction.atomic
def kb_load(*, path: Path, replace: bool = False) -> int:
    """Load a dump written by kb_dump into this database; all or nothing.

    Refuses to load over existing papers unless replace is set, which first deletes
    the knowledge base (inside the same transaction, so a failed load loses nothing).
    """
    if Paper.objects.exists():
        if not replace:
            raise ValueError(
                "The database already holds papers; use --replace to overwrite them."
            )
        kb_clear()
    out = io.StringIO()
    call_command("loaddata", str(path), stdout=out, verbosity=1)
    return Paper.objects.count()


def kb_clear() -> None:
    """Delete knowledge-base rows, dependants first."""
    for label in reversed(kb_models()):
        models = (
            [apps.get_model(label)]
            if "." in label
            else list(apps.get_app_config(label).get_models())
        )
        for model in reversed(models):
            rows = model._base_manager.all()
            # Tree links (a node's parent) are protected; cut them before deleting.
            own_links = [
                f.name for f in model._meta.concrete_fields if f.related_model is model
            ]
            if own_links:
                rows.update(**dict.fromkeys(own_links))
            rows.delete()
