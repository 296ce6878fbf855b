"""Author names denormalised onto the paper, so that full-text search covers them."""

from django.db import migrations, models


def fill_authors_text(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    Authorship = apps.get_model("papers", "Authorship")
    names: dict[int, list[str]] = {}
    rows = Authorship.objects.order_by("paper_id", "position").values_list(
        "paper_id", "author__given", "author__von", "author__family", "author__suffix"
    )
    for paper_id, *parts in rows:
        names.setdefault(paper_id, []).append(" ".join(p for p in parts if p))
    for paper in Paper.objects.filter(pk__in=names):
        paper.authors_text = "; ".join(names[paper.pk])
        paper.save(update_fields=["authors_text"])


class Migration(migrations.Migration):
    dependencies = [("papers", "0003_citation_key_alias")]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="authors_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Author names in reading order, for full-text search; kept by "
                "the services that write authorships.",
            ),
        ),
        migrations.RunPython(fill_authors_text, migrations.RunPython.noop),
    ]
