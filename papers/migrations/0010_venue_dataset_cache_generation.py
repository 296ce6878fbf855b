"""Writes to venues and datasets move the cache generation too: paper lists
and their facets show venue and dataset names, and whole answers and the list
page's facets are cached per generation (api/answers.py, papers/views/listing)."""

import importlib

from django.db import migrations

generation = importlib.import_module("papers.migrations.0008_cache_generation")
TABLE, EVENTS = generation.TABLE, generation.SQLITE_EVENTS
WATCHED = ("papers_venue", "taxonomy_dataset")

CREATE = {
    "postgresql": [
        f"CREATE TRIGGER {table}_cache_generation"
        f" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump()"
        for table in WATCHED
    ],
    "sqlite": [
        f"CREATE TRIGGER {table}_{event.lower()}_cache_generation"
        f" AFTER {event} ON {table}"
        f" BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
        for table in WATCHED
        for event in EVENTS
    ],
}
DROP = {
    "postgresql": [
        f"DROP TRIGGER {table}_cache_generation ON {table}" for table in WATCHED
    ],
    "sqlite": [
        f"DROP TRIGGER {table}_{event.lower()}_cache_generation"
        for table in WATCHED
        for event in EVENTS
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0009_newest_first_row_index"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [migrations.RunPython(generation.run(CREATE), generation.run(DROP))]
