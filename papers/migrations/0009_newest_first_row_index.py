"""The newest-first index on minus the sort year (papers.filtersets.sort_newest),
then title, then id, all ascending, over published papers; it replaces 0007's
index on the sort year descending.

With every key ascending, the keyset bound of a later page is one row
comparison, (-year, title, id) > (...), which the index reads as a range: a
page 1,000 deep starts where it begins instead of reading every row of its year
before it. Year bounds are written on the same key, so a year range is a range
of this index too. On PostgreSQL, statistics on the key: the planner takes none
from a partial index, and without them guesses that a year range holds 0.5% of
the papers.
"""

import importlib

from django.db import migrations, models
from django.db.models.functions import Coalesce

NEWEST_FIRST = "papers_paper_newest_row_idx"
STATISTICS = "papers_paper_sort_newest_stats"


class Negated(models.Func):
    template = "(-%(expressions)s)"
    arity = 1
    output_field = models.IntegerField()


def index() -> models.Index:
    return models.Index(
        Negated(Coalesce("year", 0, output_field=models.IntegerField())),
        "title",
        "id",
        condition=models.Q(status="published"),
        name=NEWEST_FIRST,
    )


def earlier():
    return importlib.import_module("papers.migrations.0007_newest_first_index")


def create(apps, schema_editor):
    paper = apps.get_model("papers", "Paper")
    previous = earlier()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {previous.STATISTICS}")
    schema_editor.remove_index(paper, previous.index())
    schema_editor.add_index(paper, index())
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS {STATISTICS} ON ((-COALESCE(year::integer, 0)))"
            " FROM papers_paper"
        )
        schema_editor.execute("ANALYZE papers_paper")


def drop(apps, schema_editor):
    paper = apps.get_model("papers", "Paper")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    schema_editor.remove_index(paper, index())
    earlier().create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("papers", "0008_cache_generation")]

    operations = [migrations.RunPython(create, drop)]
