"""PostgreSQL only: a GIN index for full-text search and trigram indexes for
substring matching of titles and author names. SQLite gets nothing here; its
search falls back to substring matching without an index.

The full-text expression must stay identical to papers.selectors.search_vector() so
that the planner uses the index.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models.functions import Upper

SEARCH_INDEX = "papers_paper_search_gin"
TITLE_TRGM = "papers_paper_title_trgm"
FAMILY_TRGM = "papers_author_family_trgm"


def search_vector():
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("abstract", weight="B", config="english")
        + SearchVector("authors_text", weight="C", config="english")
    )


def indexes(apps):
    Paper = apps.get_model("papers", "Paper")
    Author = apps.get_model("papers", "Author")
    return [
        (Paper, GinIndex(search_vector(), name=SEARCH_INDEX)),
        (Paper, GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name=TITLE_TRGM)),
        (
            Author,
            GinIndex(OpClass(Upper("family"), name="gin_trgm_ops"), name=FAMILY_TRGM),
        ),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model, index in indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("papers", "0004_paper_authors_text")]

    operations = [migrations.RunPython(create, drop)]
