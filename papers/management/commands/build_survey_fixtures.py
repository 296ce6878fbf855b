"""Rebuild fixtures/survey/*.json from the gathered facts about the review."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.survey_fixtures import build_papers, build_taxonomy


class Command(BaseCommand):
    help = (
        "Build the survey fixtures from a folder holding taxonomy.json, "
        "papers.json and seed_similar_papers.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="folder with the gathered facts")
        parser.add_argument("--out", type=Path, default=settings.SURVEY_FIXTURES_DIR)

    def handle(self, *args, source: Path, out: Path, **options):
        try:
            taxonomy_src = json.loads((source / "taxonomy.json").read_text("utf-8"))
            papers_src = json.loads((source / "papers.json").read_text("utf-8"))
            seeds_src = json.loads(
                (source / "seed_similar_papers.json").read_text("utf-8")
            )
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the facts in {source}: {error}") from error
        taxonomy = build_taxonomy(taxonomy_src)
        papers = build_papers(papers_src, seeds_src, taxonomy)
        out.mkdir(parents=True, exist_ok=True)
        for name, document in (("taxonomy.json", taxonomy), ("papers.json", papers)):
            text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
            (out / name).write_text(text, "utf-8")
        counts = (
            f"{len(taxonomy['nodes'])} nodes, {len(taxonomy['datasets'])} datasets, "
            f"{len(taxonomy['metrics'])} metrics, {len(papers['papers'])} papers"
        )
        self.stdout.write(f"wrote {counts} to {out}")
