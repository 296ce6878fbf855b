"""Keywords written "kind:slug" were kept in a paper's other fields after the
import had made them labels; the labels are now the one place they are kept.
A keyword goes only where the paper still has that label, so nothing is lost:
one whose label is gone (removed by a curator, or never made because the node
came later) stays as it was."""

import re

from django.db import migrations


def drop_label_keywords(apps, schema_editor):
    Label = apps.get_model("papers", "Label")
    Paper = apps.get_model("papers", "Paper")
    papers = Paper.objects.filter(extra__has_key="keywords").only("pk", "extra")
    for paper in papers.iterator(chunk_size=1000):
        text = paper.extra["keywords"]
        if not isinstance(text, str) or ":" not in text:
            continue
        labelled = {
            f"{kind}:{slug}"
            for kind, slug in Label.objects.filter(paper=paper).values_list(
                "node__kind", "node__slug"
            )
        }
        words = [word.strip() for word in re.split(r"[,;]", text) if word.strip()]
        kept = [word for word in words if word not in labelled]
        if len(kept) == len(words):
            continue
        if kept:
            paper.extra["keywords"] = ("; " if ";" in text else ", ").join(kept)
        else:
            del paper.extra["keywords"]
        Paper.objects.filter(pk=paper.pk).update(extra=paper.extra)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0018_title_words_index"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_label_keywords, migrations.RunPython.noop),
    ]
