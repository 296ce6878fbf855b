"""PostgreSQL only: the full-text document of each paper as a stored generated
column with a GIN index, so that searching and ranking read the stored vector
instead of running to_tsvector again for every matching row.

The column is not a model field (SQLite has no tsvector and keeps its substring
search); papers.selectors.SearchDocument reads it. Its expression is the one
papers.selectors.search_vector() builds and migration 0005 indexed; that
expression index is dropped here because nothing queries the expression any more.
"""

import importlib

from django.db import migrations

COLUMN_SQL = """
ALTER TABLE papers_paper ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(abstract, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(authors_text, '')), 'C')
) STORED
"""
INDEX_SQL = (
    "CREATE INDEX papers_paper_search_document_gin"
    " ON papers_paper USING gin (search_document)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN_SQL)
    schema_editor.execute(INDEX_SQL)
    schema_editor.execute("DROP INDEX IF EXISTS papers_paper_search_gin")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    earlier = importlib.import_module("papers.migrations.0005_postgres_search_indexes")
    for model, index in earlier.indexes(apps):
        if index.name == earlier.SEARCH_INDEX:
            schema_editor.add_index(model, index)
    schema_editor.execute("DROP INDEX papers_paper_search_document_gin")
    schema_editor.execute("ALTER TABLE papers_paper DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("papers", "0005_postgres_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
