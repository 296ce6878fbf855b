"""An index in the paper list's default order (newest first: COALESCE(year, 0)
descending, then title, then id) over published papers, which is what the list
reads: a page, and the keyset bound of the next page, become an index range.

The expression must stay the one papers.filtersets.sort_year() builds.
Created with the schema editor so that model state is unchanged (a partial
expression index the models do not declare). On PostgreSQL, statistics on the
expression too: the planner takes none from a partial index, and without them
guesses that a year range holds 0.5% of the papers.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce

NEWEST_FIRST = "papers_paper_newest_first_idx"


def index() -> models.Index:
    return models.Index(
        Coalesce("year", 0).desc(),
        "title",
        "id",
        condition=models.Q(status="published"),
        name=NEWEST_FIRST,
    )


STATISTICS = "papers_paper_sort_year_stats"


def create(apps, schema_editor):
    schema_editor.add_index(apps.get_model("papers", "Paper"), index())
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS {STATISTICS} ON (COALESCE(year::integer, 0))"
            " FROM papers_paper"
        )
        schema_editor.execute("ANALYZE papers_paper")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS {STATISTICS}")
    schema_editor.remove_index(apps.get_model("papers", "Paper"), index())


class Migration(migrations.Migration):
    dependencies = [("papers", "0006_search_document")]

    operations = [migrations.RunPython(create, drop)]
