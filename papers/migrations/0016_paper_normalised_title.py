"""Paper.normalised_title: the title as duplicate matching compares it, so that
an import finds the papers sharing an entry's title through an index instead of
reading every paper by the entry's first author.

The column is added with plain SQL: Django's AddField would rebuild the table
on SQLite and lose the cache-generation triggers of migration 0008. Existing
papers are filled in by the same function save() uses.
"""

from django.db import migrations, models

from papers.bibtex import normalise_title

ADD_COLUMN = (
    "ALTER TABLE papers_paper ADD COLUMN normalised_title text NOT NULL DEFAULT ''"
)


def fill(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    papers = Paper.objects.only("pk", "title").order_by("pk")
    last = 0
    while batch := list(papers.filter(pk__gt=last)[:1000]):
        for paper in batch:
            paper.normalised_title = normalise_title(paper.title)
        Paper.objects.bulk_update(batch, ["normalised_title"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("papers", "0015_paper_status_year_index_covers_venue")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    ADD_COLUMN,
                    "ALTER TABLE papers_paper DROP COLUMN normalised_title",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="paper",
                    name="normalised_title",
                    field=models.TextField(
                        blank=True,
                        default="",
                        editable=False,
                        help_text="The title as duplicate matching compares it "
                        "(papers.bibtex.normalise_title); kept by save().",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(
                fields=["normalised_title"],
                include=["year", "id"],
                name="papers_paper_norm_title_idx",
            ),
        ),
    ]
