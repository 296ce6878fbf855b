"""Idempotent loading: write a row only where it differs, and count what happened."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models


@dataclass
class LoadReport:
    """Counts of created/updated/unchanged rows per kind of object."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def summary(self) -> dict[str, dict[str, int]]:
        return {
            kind: dict(sorted(c.items())) for kind, c in sorted(self.counts.items())
        }

    def lines(self) -> list[str]:
        return [
            f"{kind}: " + ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())
            for kind, outcomes in self.summary().items()
        ]


def upsert(
    model: type[models.Model], lookup: dict, values: dict, report: LoadReport, kind: str
) -> models.Model:
    """Create the row matching lookup, or update the fields of values that differ."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.add(kind, "created")
        return obj
    stale = {
        name: value for name, value in values.items() if getattr(obj, name) != value
    }
    if stale:
        for name, value in stale.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save(update_fields=list(stale))
    report.add(kind, "updated" if stale else "unchanged")
    return obj


def add_missing(manager, targets: list, report: LoadReport, kind: str) -> None:
    """Add to a many-to-many manager the targets it lacks; never remove any."""
    present = set(manager.values_list("pk", flat=True))
    missing = [t for t in targets if t.pk not in present]
    if missing:
        manager.add(*missing)
        report.add(kind, "created", len(missing))
    report.add(kind, "unchanged", len(targets) - len(missing))
