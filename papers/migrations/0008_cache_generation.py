"""A one-row table whose value changes with every write to papers, labels,
authors, dataset links or taxonomy nodes (what paper lists, counts and the
taxonomy read), kept by database triggers in the writing transaction itself.

Cached reads (taxonomy/cache.py) are keyed by this value, so every app process
sees a write as soon as it is committed, whichever way it was written (services,
admin, imports, bulk loads, raw SQL), and a rolled-back write restores the old
value together with the old data. Values never repeat: a sequence on
PostgreSQL, a random 64-bit number on SQLite.

Not a model: nothing but taxonomy/cache.py reads it, and only with one SELECT.
"""

from django.db import migrations

TABLE = "papers_cache_generation"
COLUMNS = "(id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)"
WATCHED = (
    "papers_paper", "papers_label", "papers_authorship", "papers_author",
    "papers_paper_datasets", "taxonomy_node",
)  # fmt: skip

POSTGRES_CREATE = [
    f"CREATE SEQUENCE {TABLE}_seq",
    f"CREATE TABLE {TABLE} {COLUMNS}",
    f"INSERT INTO {TABLE} VALUES (1, nextval('{TABLE}_seq'))",
    f"""CREATE FUNCTION {TABLE}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET value = nextval('{TABLE}_seq') WHERE id = 1;
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER {table}_cache_generation"
        f" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump()"
        for table in WATCHED
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER {table}_cache_generation ON {table}" for table in WATCHED),
    f"DROP FUNCTION {TABLE}_bump()",
    f"DROP TABLE {TABLE}",
    f"DROP SEQUENCE {TABLE}_seq",
]
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")
SQLITE_CREATE = [
    f"CREATE TABLE {TABLE} {COLUMNS}",
    f"INSERT INTO {TABLE} VALUES (1, random())",
    *(
        f"CREATE TRIGGER {table}_{event.lower()}_cache_generation"
        f" AFTER {event} ON {table}"
        f" BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
        for table in WATCHED
        for event in SQLITE_EVENTS
    ),
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER {table}_{event.lower()}_cache_generation"
        for table in WATCHED
        for event in SQLITE_EVENTS
    ),
    f"DROP TABLE {TABLE}",
]


def run(statements: dict[str, list[str]]):
    def operation(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0007_newest_first_index"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}),
            run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
