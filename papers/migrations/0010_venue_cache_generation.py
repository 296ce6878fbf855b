"""Writes to venues move the cache generation too: a paper list's answer shows
its papers' venue names, and whole answers are cached per generation
(api/answers.py)."""

import importlib

from django.db import migrations

generation = importlib.import_module("papers.migrations.0008_cache_generation")
TABLE, EVENTS = generation.TABLE, generation.SQLITE_EVENTS
VENUES = "papers_venue"

CREATE = {
    "postgresql": [
        f"CREATE TRIGGER {VENUES}_cache_generation"
        f" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {VENUES}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump()"
    ],
    "sqlite": [
        f"CREATE TRIGGER {VENUES}_{event.lower()}_cache_generation"
        f" AFTER {event} ON {VENUES}"
        f" BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
        for event in EVENTS
    ],
}
DROP = {
    "postgresql": [f"DROP TRIGGER {VENUES}_cache_generation ON {VENUES}"],
    "sqlite": [
        f"DROP TRIGGER {VENUES}_{event.lower()}_cache_generation" for event in EVENTS
    ],
}


class Migration(migrations.Migration):
    dependencies = [("papers", "0009_newest_first_row_index")]

    operations = [migrations.RunPython(generation.run(CREATE), generation.run(DROP))]
