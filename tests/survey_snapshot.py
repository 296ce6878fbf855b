"""The loaded survey's rows, kept in memory and put back after a flush.

Transactional tests (live servers, concurrent writers, outages) end by emptying
every table. Loading the survey again runs the whole loader, validation and
all, for every such test; putting back the rows the first load wrote gives the
same database in a fraction of the time. PostgreSQL copies each table out and
in with COPY, so every column type round-trips exactly; SQLite reads and
inserts plain rows. Foreign keys are deferred on both backends, so tables go
back in any order inside one transaction.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

# Tables the survey loader writes; contenttypes, permissions, users and
# sessions are Django's own and are recreated or left alone by a flush.
SURVEY_APPS = ("taxonomy", "papers", "history")


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: object  # COPY text (bytes) on PostgreSQL, a list of tuples on SQLite


def survey_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SURVEY_APPS
    ]


def survey_rows() -> list[TableRows]:
    """Every row of every survey table, as it is now."""
    quote = connection.ops.quote_name
    taken = []
    with connection.cursor() as cursor:
        for model in survey_models():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    rows = b"".join(bytes(block) for block in copy)
                columns = ()
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")
                columns = tuple(column[0] for column in cursor.description)
                rows = cursor.fetchall()
            taken.append(TableRows(table, columns, rows))
    return taken


def survey_tables_empty() -> bool:
    return not any(model._base_manager.exists() for model in survey_models())


def restore_survey_rows(taken: list[TableRows]) -> None:
    """Put the rows back into empty tables and move id sequences past them."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in taken:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY {quote(table.table)} FROM STDIN"
                ) as copy:
                    copy.write(table.rows)
            elif table.rows:
                columns = ", ".join(quote(column) for column in table.columns)
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table.table)} ({columns}) VALUES ({marks})",
                    table.rows,
                )
        for statement in connection.ops.sequence_reset_sql(no_style(), survey_models()):
            cursor.execute(statement)
