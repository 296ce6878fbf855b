"""PostgreSQL only: drop the trigram index on titles (0005).

Its one reader, the curator forms' similar-title check, now finds its
candidates among the title lexemes of the GIN-indexed search document, and
every paper insert was paying for the trigram index's upkeep.
"""

from django.db import migrations

TITLE_TRGM = "papers_paper_title_trgm"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_TRGM}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TITLE_TRGM}"
            " ON papers_paper USING gin (upper(title::text) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("papers", "0013_paper_list_ordering_indexes")]

    operations = [migrations.RunPython(drop, create)]
