"""PostgreSQL only: the search document is computed by one SQL function,
papers_search_document(title, abstract, authors_text), and kept by a trigger
instead of being a generated column.

The document is the same as before: title (weight A), abstract (B) and author
names (C), English configuration. A generated column cannot be given a value,
so an import had to wait for PostgreSQL to parse every new paper's text while
inserting it; now the import asks for the documents on a second connection
while it plans, and inserts them with the rows. The trigger fills the column on
every other insert (a NULL document) and on every update of the three texts, so
no other write path changes.
"""

import importlib

from django.db import migrations

FUNCTION_SQL = """
CREATE FUNCTION papers_search_document(title text, abstract text, authors_text text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(abstract, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, COALESCE(authors_text, '')), 'C')
$$
"""
TRIGGER_FUNCTION_SQL = """
CREATE FUNCTION papers_paper_keep_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NEW.search_document IS NULL THEN
        NEW.search_document :=
            papers_search_document(NEW.title, NEW.abstract, NEW.authors_text);
    END IF;
    RETURN NEW;
END
$$
"""
TRIGGER_SQL = """
CREATE TRIGGER papers_paper_search_document
BEFORE INSERT OR UPDATE OF title, abstract, authors_text ON papers_paper
FOR EACH ROW EXECUTE FUNCTION papers_paper_keep_search_document()
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION_SQL)
    schema_editor.execute(TRIGGER_FUNCTION_SQL)
    schema_editor.execute(
        "ALTER TABLE papers_paper ALTER COLUMN search_document DROP EXPRESSION"
    )
    schema_editor.execute(TRIGGER_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER papers_paper_search_document ON papers_paper")
    schema_editor.execute("DROP FUNCTION papers_paper_keep_search_document()")
    schema_editor.execute("DROP FUNCTION papers_search_document(text, text, text)")
    earlier = importlib.import_module("papers.migrations.0006_search_document")
    schema_editor.execute("ALTER TABLE papers_paper DROP COLUMN search_document")
    schema_editor.execute(earlier.COLUMN_SQL)
    schema_editor.execute(earlier.INDEX_SQL)


class Migration(migrations.Migration):
    dependencies = [("papers", "0011_recent_papers_index")]

    operations = [migrations.RunPython(create, drop)]
