"""Whole-knowledge-base backup and restore, independent of the database engine."""

import datetime
import io
from itertools import chain
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from papers.models import Paper

# Users come along because the change log and labels name them.
KB_APPS = ("auth.group", "auth.user", "taxonomy", "papers", "history", "maps")


def kb_models() -> list[str]:
    """The apps/models of the dump that this installation has."""
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in KB_APPS if label.split(".")[0] in installed]


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Keeps microseconds, which Django's encoder cuts to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def kb_model_classes() -> list:
    """Concrete models of the dump, ordered so that rows load after what they need."""
    found = []
    for label in kb_models():
        if "." in label:
            found.append(apps.get_model(label))
        else:
            found.extend(apps.get_app_config(label).get_models())
    by_app: dict = {}
    for model in found:
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(list(by_app.items()))


def kb_dump(*, path: Path) -> None:
    """Write every row of the knowledge base to a JSON file, primary keys included.

    Rows are written one at a time in primary-key order, so the file is stable for
    the same data and memory stays flat as the knowledge base grows.
    """
    rows = chain.from_iterable(
        model._base_manager.order_by("pk").iterator(chunk_size=2000)
        for model in kb_model_classes()
        if not model._meta.proxy
    )
    with open(path, "w", encoding="utf-8") as stream:
        serializers.serialize(
            "json", rows, indent=1, stream=stream, cls=FullPrecisionEncoder
        )


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
