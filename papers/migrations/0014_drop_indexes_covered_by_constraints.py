"""Drop the single-column indexes of Authorship.paper, Label.paper and
Label.node: the unique constraints on (paper, position), (paper, author) and
(paper, node) lead with the paper, the index papers_label_node_idx with the
node, and every insert of those rows paid for the extra indexes.

The indexes are dropped by name rather than by altering the fields: on SQLite
altering a field remakes the table, which would lose the table's cache
generation triggers (0008).
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    ("papers_authorship_paper_id_e204c1b4", "papers_authorship", "paper_id"),
    ("papers_label_paper_id_eee3cd55", "papers_label", "paper_id"),
    ("papers_label_node_id_fbbaa9df", "papers_label", "node_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0013_paper_list_ordering_indexes"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
                )
                for name, table, column in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="authorship",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorships",
                        to="papers.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="label",
                    name="node",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="labels",
                        to="taxonomy.node",
                    ),
                ),
                migrations.AlterField(
                    model_name="label",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="labels",
                        to="papers.paper",
                    ),
                ),
            ],
        )
    ]
